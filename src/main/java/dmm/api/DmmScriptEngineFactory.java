package dmm.api;

import dmm.lang.Printer;
import java.util.List;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineFactory;

/** Registers dmm with {@code javax.script} (META-INF/services) under the name, extension and MIME type {@code dmm}. */
public final class DmmScriptEngineFactory implements ScriptEngineFactory {
    @Override
    public String getEngineName() {
        return "dmm";
    }

    @Override
    public String getEngineVersion() {
        String v = DmmScriptEngineFactory.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public List<String> getExtensions() {
        return List.of("dmm");
    }

    @Override
    public List<String> getMimeTypes() {
        return List.of("text/x-dmm");
    }

    @Override
    public List<String> getNames() {
        return List.of("dmm", "DMM");
    }

    @Override
    public String getLanguageName() {
        return "dmm";
    }

    @Override
    public String getLanguageVersion() {
        return getEngineVersion();
    }

    @Override
    public Object getParameter(String key) {
        return switch (key) {
            case ScriptEngine.NAME -> "dmm";
            case ScriptEngine.ENGINE -> getEngineName();
            case ScriptEngine.ENGINE_VERSION -> getEngineVersion();
            case ScriptEngine.LANGUAGE -> getLanguageName();
            case ScriptEngine.LANGUAGE_VERSION -> getLanguageVersion();
            case "THREADING" -> null;   // not thread-safe: one interpreter per engine
            default -> null;
        };
    }

    @Override
    public String getMethodCallSyntax(String obj, String m, String... args) {
        return "(" + m + " " + obj + (args.length == 0 ? "" : " " + String.join(" ", args)) + ")";
    }

    @Override
    public String getOutputStatement(String toDisplay) {
        return "(println " + Printer.print(toDisplay) + ")";
    }

    @Override
    public String getProgram(String... statements) {
        return String.join("\n", statements);
    }

    @Override
    public ScriptEngine getScriptEngine() {
        return new DmmScriptEngine(this);
    }
}
