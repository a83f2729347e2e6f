package dmm.repl;

import dmm.bind.MachineLib;
import dmm.bind.TrainRuns;
import dmm.lang.Interpreter;
import dmm.lang.Outcome;
import dmm.lang.Printer;
import dmm.lang.Source;
import dmm.lang.Var;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

/**
 * The read-eval-print loop. One evaluation path with {@code dmm run} and {@code dmm eval}: every
 * input (and every {@code :load}) goes through {@link Interpreter#run}, which reports errors the
 * same way for all three; the REPL adds its prompt, history, *1 *2 *3 and *e, and printing of
 * values. The session keeps all its state after an error.
 */
public final class Repl {
    /** The REPL commands and what they do. */
    static final Map<String, String> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put(":help", "this help");
        COMMANDS.put(":doc", ":doc NAME — the docstring of a function, neuron type or special form");
        COMMANDS.put(":source", ":source NAME — the source of a definition as last defined");
        COMMANDS.put(":load", ":load FILE — evaluate a file");
        COMMANDS.put(":reload", "evaluate the last loaded file again (redefinitions take effect in running networks at their next cycle)");
        COMMANDS.put(":running", "the networks running and the training runs in the background");
        COMMANDS.put(":quit", "leave (Ctrl-D too); running networks and training runs are stopped");
    }

    /** Statuses of an input (those of {@link Outcome.Status}): ok, syntax error, runtime error. */
    public static final int OK = 0, SYNTAX = 65, RUNTIME = 70;

    private final Interpreter interp;
    private final PrintStream out;
    private final PrintStream err;
    private Path lastLoaded;
    private int inputs;
    private boolean quit;

    public Repl(Interpreter interp, PrintStream out, PrintStream err) {
        this.interp = interp;
        this.out = out;
        this.err = err;
        interp.define("*1", null, "The value of the last evaluation in the REPL.");
        interp.define("*2", null, "The value of the evaluation before *1.");
        interp.define("*3", null, "The value of the evaluation before *2.");
        interp.define("*e", null, "The report of the last error in the REPL.");
    }

    /**
     * Evaluates one complete input (forms or a :command) through {@link Interpreter#run}, which
     * reports any error; prints the value; returns the status.
     */
    public int handle(String input) {
        String t = input.trim();
        if (t.isEmpty()) return OK;
        if (t.startsWith(":")) return command(t);
        interp.clearCancel();
        inputs++;
        return status(interp.run(Source.of("<repl:" + inputs + ">", input), err, this::print));
    }

    /** Keeps the value as *1 (the older ones move to *2 and *3) and prints it; an input of only comments prints nothing. */
    private void print(Outcome o) {
        if (o.forms() == 0) return;
        interp.varFor("*3").set(interp.varFor("*2").get());
        interp.varFor("*2").set(interp.varFor("*1").get());
        interp.varFor("*1").set(o.value());
        out.println(Printer.print(o.value()));
    }

    /** The status of an input; the report of an error becomes *e. */
    private int status(Outcome o) {
        if (o.failed()) interp.varFor("*e").set(o.report());
        out.flush();
        return o.status().code();
    }

    private int command(String line) {
        String[] parts = line.split("\\s+", 2);
        String arg = parts.length > 1 ? parts[1].trim() : "";
        switch (parts[0]) {
            case ":help", ":h", ":?" -> {
                out.println("Type forms to evaluate them; an open bracket continues on the next line.");
                for (Map.Entry<String, String> e : COMMANDS.entrySet()) out.printf("  %-9s %s%n", e.getKey(), e.getValue());
                out.println("  *1 *2 *3 are the last values, *e the last error. TAB completes, Ctrl-R searches history,");
                out.println("  Ctrl-C clears the line or stops a running evaluation at its next cycle or step.");
                out.println("  Start with (require std) or (require lite); (doc name) for any built-in.");
                return OK;
            }
            case ":doc" -> {
                if (arg.isEmpty()) return usage(":doc NAME");
                out.println(interp.docText(arg));
                return OK;
            }
            case ":source" -> {
                if (arg.isEmpty()) return usage(":source NAME");
                Var v = interp.findVar(arg);
                Var nt = interp.findNeuronType(arg);
                boolean any = false;
                for (Var x : new Var[] {v, nt}) {
                    if (x != null && x.isBound() && x.source() != null) {
                        out.println(x.source());
                        any = true;
                    }
                }
                if (!any) {
                    err.println("no source for `" + arg + "` (built-ins are written in Java; see :doc " + arg + ")");
                    return RUNTIME;
                }
                return OK;
            }
            case ":load" -> {
                if (arg.isEmpty()) return usage(":load FILE");
                lastLoaded = Path.of(arg.replaceAll("^\"|\"$", ""));
                return load(lastLoaded);
            }
            case ":reload" -> {
                if (lastLoaded == null) {
                    err.println("nothing loaded yet (:load FILE first)");
                    return RUNTIME;
                }
                return load(lastLoaded);
            }
            case ":running" -> {
                for (Object r : MachineLib.runners(interp).all()) out.println(r);
                for (Object r : TrainRuns.runs(interp).all()) out.println(r);
                return OK;
            }
            case ":quit", ":q", ":exit" -> {
                quit = true;
                return OK;
            }
            default -> {
                err.println("unknown command " + parts[0] + " (:help lists them)");
                return RUNTIME;
            }
        }
    }

    private int usage(String text) {
        err.println("usage: " + text);
        return RUNTIME;
    }

    private int load(Path file) {
        interp.clearCancel();
        return status(interp.runFile(file, err, o -> out.println("loaded " + file)));
    }

    // ------------------------------------------------------------------ the two ways to run

    /**
     * Reads inputs from a stream (a pipe, a file, CI): no prompt, no colour; each complete form
     * is evaluated and its value printed; returns the status of the last input.
     */
    public static int piped(Interpreter interp, BufferedReader in, PrintStream out, PrintStream err) throws IOException {
        Repl repl = new Repl(interp, out, err);
        StringBuilder pending = new StringBuilder();
        int status = OK;
        String line;
        while (!repl.quit && (line = in.readLine()) != null) {
            if (pending.length() == 0 && line.trim().startsWith(":")) {
                status = repl.handle(line);
                continue;
            }
            pending.append(line).append('\n');
            if (FormParser.complete(pending.toString())) {
                if (!pending.toString().isBlank()) status = repl.handle(pending.toString());
                pending.setLength(0);
            }
        }
        if (pending.length() > 0 && !pending.toString().isBlank()) status = repl.handle(pending.toString());
        MachineLib.runners(interp).stopAll();
        TrainRuns.runs(interp).stopAll();
        return status;
    }

    /** The interactive REPL on a terminal. */
    public static int interactive(Interpreter interp, Terminal terminal, Path historyFile, String version) {
        LineReader reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("dmm")
                .parser(new FormParser())
                .highlighter(new Highlighting(interp))
                .completer(new Completion(interp))
                .variable(LineReader.HISTORY_FILE, historyFile)
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, "%P ...> ")
                .variable(LineReader.INDENTATION, 2)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.HISTORY_IGNORE_DUPS, true)
                .option(LineReader.Option.AUTO_FRESH_LINE, true)
                .build();
        PrintStream out = new PrintStream(terminal.output(), true, StandardCharsets.UTF_8);
        interp.setOut(out);
        interp.setTerminal(!"dumb".equals(terminal.getType()));
        interp.setNotifier(msg -> reader.printAbove(msg));
        Repl repl = new Repl(interp, out, out);
        out.println("dmm " + version + " — Dataflow Matrix Machines. :help for help, Ctrl-D to leave.");
        int status = OK;
        while (!repl.quit) {
            String line;
            try {
                line = reader.readLine("dmm> ");
            } catch (UserInterruptException e) {
                continue; // Ctrl-C at the prompt clears the line
            } catch (EndOfFileException e) {
                break;
            }
            Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, s -> interp.requestCancel());
            try {
                status = repl.handle(line);
            } finally {
                terminal.handle(Terminal.Signal.INT, previous);
            }
        }
        MachineLib.runners(interp).stopAll();
        TrainRuns.runs(interp).stopAll();
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            out.println("(could not save history: " + e.getMessage() + ")");
        }
        return status;
    }
}
