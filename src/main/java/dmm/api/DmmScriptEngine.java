package dmm.api;

import dmm.cancel.Cancelled;
import dmm.lang.DmmException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.script.AbstractScriptEngine;
import javax.script.Bindings;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineFactory;
import javax.script.ScriptException;
import javax.script.SimpleBindings;

/**
 * dmm as a JSR-223 script engine: {@code new ScriptEngineManager().getEngineByName("dmm")}.
 * The bindings are the interpreter's top-level names: before each evaluation every global-scope
 * and engine-scope binding is defined as a var (Java maps and numbers become V-values), and
 * afterwards every engine-scope binding, and every name the script defined, is updated from its
 * var (as the language's values: V-values, networks...). One engine is one interpreter: names
 * stay defined across evaluations and contexts. {@code ScriptEngine.FILENAME} names the source
 * in error reports. {@code print} output goes
 * to the context's writer. A dmm error becomes a {@link ScriptException} with the line and
 * column of its place and the full report (with the caret) as its message.
 */
public final class DmmScriptEngine extends AbstractScriptEngine {
    private final DmmScriptEngineFactory factory;
    private final Dmm dmm = Dmm.create();

    DmmScriptEngine(DmmScriptEngineFactory factory) {
        this.factory = factory;
    }

    /** The embedding behind this engine (for what JSR-223 does not cover). */
    public Dmm dmm() {
        return dmm;
    }

    /** Refuses a value dmm cannot hold (NaN, an infinity) at once, so it never reaches an evaluation. */
    @Override
    public void put(String key, Object value) {
        Dmm.converted(key, value);   // the conversion eval makes; an IllegalArgumentException naming the key
        super.put(key, value);
    }

    /**
     * Asks the evaluation in progress to stop at its next loop, call, cycle or step boundary; it
     * ends with a {@link ScriptException}. Interrupting the thread that called {@code eval} (as
     * {@code Future.cancel(true)} does) does the same. A cancel without an evaluation does nothing.
     */
    public void cancel() {
        dmm.cancel();
    }

    @Override
    public Object eval(String script, ScriptContext context) throws ScriptException {
        Bindings vars = context.getBindings(ScriptContext.ENGINE_SCOPE);
        Bindings global = context.getBindings(ScriptContext.GLOBAL_SCOPE);
        try {
            if (global != null) for (Map.Entry<String, Object> e : global.entrySet()) if (vars == null || !vars.containsKey(e.getKey())) dmm.set(e.getKey(), e.getValue());
            if (vars != null) for (Map.Entry<String, Object> e : vars.entrySet()) dmm.set(e.getKey(), e.getValue());
        } catch (IllegalArgumentException e) {
            throw new ScriptException("a binding cannot be a dmm value: " + e.getMessage());
        }
        Set<String> before = new HashSet<>(dmm.interpreter().boundVars().keySet());
        Object file = context.getAttribute(ScriptEngine.FILENAME);
        PrintStream out = new PrintStream(new WriterStream(context.getWriter()), true, StandardCharsets.UTF_8);
        dmm.output(out);
        try {
            return dmm.eval(file == null ? "<script>" : file.toString(), script);
        } catch (Cancelled e) {
            ScriptException se = new ScriptException("cancelled: the evaluation stopped at a loop, call, cycle or step boundary (its state is kept)");
            se.initCause(e);
            throw se;
        } catch (DmmException e) {
            var span = e.span();
            ScriptException se = span == null ? new ScriptException(e.report())
                    : new ScriptException(e.report(), span.source().name(), span.line(), span.column());
            se.initCause(e);
            throw se;
        } finally {
            out.flush();
            if (vars != null) {
                // the bindings' names, and the names this script defined, carry their values back
                for (String k : vars.keySet()) vars.put(k, dmm.get(k));
                for (String k : dmm.interpreter().boundVars().keySet()) if (!before.contains(k)) vars.put(k, dmm.get(k));
            }
        }
    }

    @Override
    public Object eval(Reader reader, ScriptContext context) throws ScriptException {
        StringBuilder sb = new StringBuilder();
        char[] buf = new char[8192];
        try {
            for (int n; (n = reader.read(buf)) > 0;) sb.append(buf, 0, n);
        } catch (IOException e) {
            throw new ScriptException("cannot read the script: " + e.getMessage());
        }
        return eval(sb.toString(), context);
    }

    @Override
    public Bindings createBindings() {
        return new SimpleBindings();
    }

    @Override
    public ScriptEngineFactory getFactory() {
        return factory;
    }

    /** Bytes to a Writer (the context's writer), UTF-8. */
    private static final class WriterStream extends OutputStream {
        private final Writer w;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        WriterStream(Writer w) {
            this.w = w;
        }

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void flush() throws IOException {
            w.write(pending.toString(StandardCharsets.UTF_8));
            pending.reset();
            w.flush();
        }
    }
}
