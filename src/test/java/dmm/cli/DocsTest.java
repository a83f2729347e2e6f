package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import dmm.lang.Builtin;
import dmm.lang.Closure;
import dmm.lang.Interpreter;
import dmm.lang.Printer;
import dmm.lang.Var;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's tour and the built-in reference are checked against the running system. */
class DocsTest {
    /**
     * Every line {@code expr ;=> expected} in a ```dmm block of README.md is evaluated in one
     * interpreter, in order, and must print as expected.
     */
    @Test
    void readmeTourExamplesEvaluateAsShown() throws Exception {
        Interpreter interp = Toolkit.newInterpreter(new PrintStream(new ByteArrayOutputStream()), false);
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        boolean inBlock = false;
        int checked = 0;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("```")) {
                inBlock = l.equals("```dmm");
                continue;
            }
            if (!inBlock || !l.contains(";=>")) continue;
            String expr = l.substring(0, l.indexOf(";=>")).trim(), expected = l.substring(l.indexOf(";=>") + 3).trim();
            String actual = Printer.print(interp.eval("README.md:" + (i + 1), expr));
            assertEquals(expected, actual, "README.md line " + (i + 1) + ": " + expr);
            checked++;
        }
        assertTrue(checked >= 20, "found only " + checked + " checked lines");
    }

    static String builtinsReference() {
        Interpreter interp = Toolkit.newInterpreter(new PrintStream(new ByteArrayOutputStream()), false);
        interp.require("std");
        interp.require("lite");
        interp.require("train");
        StringBuilder sb = new StringBuilder("# Built-ins and library definitions\n\n"
                + "Generated from the docstrings by `DocsTest` (run `mvn test -Dtest=DocsTest -Ddmm.updateDocs=true` after changing one).\n\n"
                + "## Functions\n\n| name | parameters | doc |\n|---|---|---|\n");
        for (Map.Entry<String, Var> e : interp.boundVars().entrySet()) {
            Object v = e.getValue().get();
            String params = v instanceof Builtin b ? b.params() : v instanceof Closure c ? c.params() : "";
            if (!(v instanceof Builtin) && !(v instanceof Closure)) continue;
            sb.append("| `").append(e.getKey()).append("` | `").append(params.replace("|", "\\|")).append("` | ")
                    .append(clean(e.getValue().doc())).append(" |\n");
        }
        sb.append("\n## Neuron types (`(require std)`, `(require lite)`)\n\n| name | inputs | doc |\n|---|---|---|\n");
        for (Map.Entry<String, Var> e : interp.neuronTypes().entrySet()) {
            Closure c = (Closure) e.getValue().get();
            sb.append("| `").append(e.getKey()).append("` | `").append(c.params()).append("` | ").append(clean(e.getValue().doc())).append(" |\n");
        }
        return sb.toString();
    }

    private static String clean(String doc) {
        if (doc == null) return "";
        return doc.replace("|", "\\|").replaceAll("\\s*\\n\\s*", " ");
    }

    @Test
    void builtinsReferenceIsUpToDate() throws Exception {
        Path file = Path.of("docs/BUILTINS.md");
        String expected = builtinsReference();
        if (Boolean.getBoolean("dmm.updateDocs")) Files.writeString(file, expected);
        assertEquals(expected, Files.readString(file), "docs/BUILTINS.md is stale: run mvn test -Dtest=DocsTest -Ddmm.updateDocs=true");
        List<String> undocumented = new ArrayList<>();
        Interpreter interp = Toolkit.newInterpreter(new PrintStream(new ByteArrayOutputStream()), false);
        interp.boundVars().forEach((k, v) -> {
            if (v.get() instanceof Builtin && (v.doc() == null || v.doc().isBlank())) undocumented.add(k);
        });
        assertEquals(List.of(), undocumented);
    }
}
