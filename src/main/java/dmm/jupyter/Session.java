package dmm.jupyter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dmm.bind.MachineLib;
import dmm.bind.TrainRuns;
import dmm.lang.DmmException;
import dmm.lang.Interpreter;
import dmm.lang.Outcome;
import dmm.lang.Printer;
import dmm.lang.Source;
import dmm.repl.Completion;
import dmm.repl.FormParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The interpreter side of a kernel: one interpreter, the cells run through
 * {@link Interpreter#run} as the REPL runs its inputs (errors reported in the REPL's words:
 * file:line:col, the line, a caret), execution counts, {@code *1 *2 *3 *e}, history, and the
 * REPL's completion, {@code :doc} text and continuation rule.
 */
final class Session {
    private final Interpreter interp;
    private final String version;
    private final Completion completion;
    private final List<String> history = new ArrayList<>();
    private Kernel kernel;
    private volatile Wire.Message current;
    private StreamOut stdout;
    private int executionCount;
    /** How often output written during a cell is sent (ms). */
    static final int FLUSH_MS = 100;
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dmm-kernel-output");
        t.setDaemon(true);
        return t;
    });

    Session(Interpreter interp, String version) {
        this.interp = interp;
        this.version = version;
        this.completion = new Completion(interp);
        interp.define("*1", null, "The value of the last evaluation in the notebook.");
        interp.define("*2", null, "The value of the evaluation before *1.");
        interp.define("*3", null, "The value of the evaluation before *2.");
        interp.define("*e", null, "The report of the last error in the notebook.");
    }

    /** Connects the session's output to a kernel's IOPub: stdout as a stream, progress redrawn in place. */
    void attach(Kernel k) {
        this.kernel = k;
        stdout = new StreamOut(k, "stdout", () -> current);
        PrintStream out = new PrintStream(stdout, false, StandardCharsets.UTF_8);
        flusher.scheduleWithFixedDelay(stdout::flush, FLUSH_MS, FLUSH_MS, TimeUnit.MILLISECONDS);
        interp.setOut(out);
        interp.setTerminal(true);   // progress lines redraw in place: one display updated, not a line per step
        interp.setNotifier(msg -> {
            out.println(msg);
            out.flush();
        });
        RichOutput.install(interp, k, () -> current);
    }

    ObjectNode kernelInfo() {
        ObjectNode c = Kernel.ok();
        c.put("protocol_version", Wire.PROTOCOL_VERSION);
        c.put("implementation", "dmm");
        c.put("implementation_version", version);
        c.put("banner", "dmm " + version + " — Dataflow Matrix Machines");
        ObjectNode li = c.putObject("language_info");
        li.put("name", "dmm");
        li.put("version", version);
        li.put("mimetype", "text/x-dmm");
        li.put("file_extension", ".dmm");
        li.put("codemirror_mode", "clojure");   // s-expressions: brackets, strings, ; comments
        li.put("pygments_lexer", "clojure");
        c.putArray("help_links");
        return c;
    }

    /** Runs a cell; its output streams while it runs; returns the execute_reply's content. */
    ObjectNode execute(Wire.Message m) {
        current = m;
        JsonNode c = m.content();
        String code = c.path("code").asText("");
        boolean silent = c.path("silent").asBoolean(false);
        boolean store = c.path("store_history").asBoolean(!silent) && !silent;
        if (store) {
            executionCount++;
            history.add(code);
        }
        int count = executionCount;
        if (!silent)
            kernel.publish("execute_input", m, Wire.JSON.createObjectNode().put("code", code).put("execution_count", count));
        interp.clearCancel();
        ByteArrayOutputStream reportBuf = new ByteArrayOutputStream();
        PrintStream report = new PrintStream(reportBuf, true, StandardCharsets.UTF_8);
        Outcome o = interp.run(Source.of("In[" + count + "]", code), report, done -> result(m, done, count, silent));
        interp.out().flush();
        stdout.endProgress();
        if (o.ok()) {
            ObjectNode r = Kernel.ok().put("execution_count", count);
            r.putArray("payload");
            r.set("user_expressions", userExpressions(c.path("user_expressions")));
            return r;
        }
        if (o.failed()) interp.varFor("*e").set(o.report());
        String text = reportBuf.toString(StandardCharsets.UTF_8).stripTrailing();
        ObjectNode err = Wire.JSON.createObjectNode();
        err.put("ename", switch (o.status()) {
            case SYNTAX_ERROR -> "SyntaxError";
            case INTERRUPTED -> "Interrupted";
            case UNREADABLE -> "FileError";
            default -> "RuntimeError";
        });
        err.put("evalue", text.lines().findFirst().orElse(""));
        ArrayNode tb = err.putArray("traceback");
        text.lines().forEach(tb::add);
        if (!silent) kernel.publish("error", m, err.deepCopy());
        return err.put("status", "error").put("execution_count", count);
    }

    /** The value of a cell: kept as *1 (older ones move to *2, *3) and shown, richly when it is a network or a trainer. */
    private void result(Wire.Message m, Outcome o, int count, boolean silent) {
        if (o.forms() == 0) return;
        interp.varFor("*3").set(interp.varFor("*2").get());
        interp.varFor("*2").set(interp.varFor("*1").get());
        interp.varFor("*1").set(o.value());
        if (silent) return;
        interp.out().flush();
        ObjectNode content = Wire.JSON.createObjectNode().put("execution_count", count);
        content.set("data", RichOutput.bundle(o.value()));
        content.putObject("metadata");
        kernel.publish("execute_result", m, content);
    }

    private ObjectNode userExpressions(JsonNode expressions) {
        ObjectNode out = Wire.JSON.createObjectNode();
        for (Map.Entry<String, JsonNode> e : expressions.properties()) {
            ObjectNode r = out.putObject(e.getKey());
            try {
                Object v = interp.eval("<user-expression>", e.getValue().asText(""));
                r.put("status", "ok");
                r.putObject("data").put("text/plain", Printer.print(v));
                r.putObject("metadata");
            } catch (DmmException ex) {
                r.put("status", "error").put("ename", "RuntimeError").put("evalue", ex.getMessage());
                r.putArray("traceback").add(ex.getMessage());
            }
        }
        return out;
    }

    /** The REPL's completions of the word before the cursor. */
    ObjectNode complete(JsonNode c) {
        String code = c.path("code").asText("");
        int cursor = cursor(code, c.path("cursor_pos"));
        int start = wordStart(code, cursor);
        ObjectNode r = Kernel.ok();
        ArrayNode matches = r.putArray("matches");
        for (String s : completion.candidates(code.substring(0, cursor), code.substring(start, cursor))) matches.add(s);
        r.put("cursor_start", code.codePointCount(0, start));
        r.put("cursor_end", code.codePointCount(0, cursor));
        r.putObject("metadata");
        return r;
    }

    /** The {@code :doc} text of the name at the cursor. */
    ObjectNode inspect(JsonNode c) {
        String code = c.path("code").asText("");
        int cursor = cursor(code, c.path("cursor_pos"));
        int start = wordStart(code, cursor);
        int end = cursor;
        while (end < code.length() && !FormParser.separator(code.charAt(end))) end++;
        String name = code.substring(start, end);
        ObjectNode r = Kernel.ok();
        boolean known = !name.isEmpty() && (interp.findVar(name) != null || interp.findNeuronType(name) != null
                || interp.specialForms().contains(name));
        r.put("found", known);
        ObjectNode data = r.putObject("data");
        if (known) data.put("text/plain", interp.docText(name));
        r.putObject("metadata");
        return r;
    }

    /** Complete when no bracket, string or block comment is left open, by the grammar's lexer (as the REPL continues a line). */
    ObjectNode isComplete(JsonNode c) {
        String code = c.path("code").asText("");
        boolean complete = code.trim().startsWith(":") || FormParser.complete(code);
        ObjectNode r = Wire.JSON.createObjectNode().put("status", complete ? "complete" : "incomplete");
        if (!complete) r.put("indent", "  ");
        return r;
    }

    /** The cells run in this kernel (tail or range; search is answered with all of them). */
    ObjectNode history(JsonNode c) {
        ObjectNode r = Kernel.ok();
        ArrayNode h = r.putArray("history");
        int from = 0;
        if ("tail".equals(c.path("hist_access_type").asText())) from = Math.max(0, history.size() - c.path("n").asInt(10));
        for (int i = from; i < history.size(); i++) h.addArray().add(0).add(i + 1).add(history.get(i));
        return r;
    }

    /** Stops the running cell at its next loop, call, cycle or training step (as Ctrl-C in the REPL); the state stays. */
    void interrupt() {
        interp.requestCancel();
    }

    /** Stops the session's live networks and background training runs. */
    void close() {
        flusher.shutdownNow();
        MachineLib.runners(interp).stopAll();
        TrainRuns.runs(interp).stopAll();
    }

    /** The cursor as a char index: Jupyter counts Unicode code points. */
    private static int cursor(String code, JsonNode pos) {
        int cp = pos.isNumber() ? pos.asInt() : code.codePointCount(0, code.length());
        cp = Math.max(0, Math.min(cp, code.codePointCount(0, code.length())));
        return code.offsetByCodePoints(0, cp);
    }

    private static int wordStart(String code, int cursor) {
        int s = cursor;
        while (s > 0 && !FormParser.separator(code.charAt(s - 1))) s--;
        return s;
    }
}
