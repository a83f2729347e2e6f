package dmm.cli;

import dmm.jupyter.KernelCommand;
import dmm.lang.EvalError;
import dmm.lang.Interpreter;
import dmm.lang.Outcome;
import dmm.lang.Printer;
import dmm.lang.Source;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code dmm} entry point. Exit codes follow sysexits (like jlox): 0 ok, 64 usage, 65 syntax
 * error, 66 file not found, 70 runtime error.
 */
public final class Main {
    public static final int OK = 0, USAGE = 64, SYNTAX = 65, NO_INPUT = 66, RUNTIME = 70;

    static final String USAGE_TEXT = """
            usage: dmm [--debug] [--legacy-random] <command> [args]

            commands:
              run FILE.dmm [args...]   evaluate a file (args are in *command-line-args*)
              eval 'EXPR...'           evaluate expressions, print the value of the last
              repl                     the interactive REPL (the default with no command)
              serve [--port N] [--host H] [--allow-host NAME]... [FILE.dmm ...]
                                       the browser view of a session (prints its URL with
                                       the session's token; 127.0.0.1 by default), the files
                                       evaluated in it, then its REPL
              bench [--quick] [--json FILE] [--plot FILE] [--micro] [--synthesis] [--flagship]
                                       the benchmark suite (--micro adds JMH micro-benchmarks)
              bench --compare OTHER.jar
                                       this build's flagship step against another build's, in one JVM
              results list | check [--all] [NAME ...] | record NAME ...
                                       the committed results (docs/results/MANIFEST.json): run
                                       their commands again and report drift, or re-measure them
              study run FILE.dmm [args...] | report RESULTS.jsonl [--metric M] [--threshold X]
                    [--plot FILE.png] [--log]
                                       a study program (run-study in it), or a study's report
                                       (study-report) as a command
              kernel install [--user | --prefix DIR | --sys-prefix] | uninstall
                                       the Jupyter kernel's kernelspec (README "Notebooks")
              --version                print the version
              --help                   this text

            --legacy-random: every (seed! n) seeds java.util.Random with n, the stream of the builds
            before 2026-12-05 that some committed results were measured with (the default is a
            SplittableRandom, whose streams for adjacent seeds are independent)

            exit codes: 0 ok, 64 usage, 65 syntax error, 66 file not found, 70 runtime error
            """;

    private Main() {}

    /**
     * The evaluation thread's stack: deep enough for well over 100000 nested calls of a dmm
     * function (iteration should use loop/recur), small enough that a runaway recursion is
     * reported in a second or two (with 512 MB, unwinding the overflowed stack took 30 seconds).
     */
    static final long STACK_BYTES = 64L << 20;

    /** Lets a signal stop {@code interp}'s training gracefully: a program's ({@code program}) or the REPL's. */
    static void stopOnSignal(Interpreter interp, boolean program) {
        GracefulStop g = stop;
        if (g != null) g.running(interp, program);
    }

    /** A bug in dmm, not in the program it runs: say so, and how to see more. */
    private static String internalError(Throwable e, boolean debug) {
        return "dmm: internal error (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")"
                + (debug ? "" : "; run with --debug for the Java stack trace, and please report it");
    }

    /** The process's graceful stop on a signal (set by {@link #main}; null when the command line runs inside another program). */
    private static volatile GracefulStop stop;

    public static void main(String[] args) throws InterruptedException {
        stop = GracefulStop.install(System.err);
        int[] code = {RUNTIME}; // a thread that dies without setting it is a failure, never exit 0
        Thread t = new Thread(null, () -> code[0] = run(args, System.out, System.err), "dmm-main", STACK_BYTES);
        boolean debug = Arrays.asList(args).contains("--debug");
        t.setUncaughtExceptionHandler((th, e) -> {
            System.err.println(internalError(e, debug));
            if (debug) e.printStackTrace();
        });
        t.start();
        t.join();
        System.out.flush();
        stop.finished();
        System.exit(code[0]);
    }

    /** Runs the command line; returns the exit code. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        List<String> args = new ArrayList<>(Arrays.asList(argv));
        boolean debug = args.remove("--debug");
        if (!args.isEmpty() && args.get(0).equals("--legacy-random")) {
            args.remove(0);
            System.setProperty("dmm.random", "legacy");   // read by seed! (lang.CoreLib)
        }
        if (args.isEmpty()) args.add("repl");
        String cmd = args.get(0);
        List<String> rest = args.subList(1, args.size());
        try {
            switch (cmd) {
                case "--version", "version" -> {
                    out.println("dmm " + version());
                    return OK;
                }
                case "--help", "-h", "help" -> {
                    out.print(USAGE_TEXT);
                    return OK;
                }
                case "run" -> {
                    if (rest.isEmpty()) return usage(err, "run needs a file");
                    return runFile(Path.of(rest.get(0)), rest.subList(1, rest.size()), debug, out, err);
                }
                case "eval" -> {
                    if (rest.isEmpty()) return usage(err, "eval needs an expression");
                    return evalText(String.join(" ", rest), debug, out, err);
                }
                case "repl" -> {
                    return Launch.repl(debug, rest);
                }
                case "serve" -> {
                    return Launch.serve(debug, rest, out, err);
                }
                case "bench" -> {
                    return Launch.bench(rest, out, err);
                }
                case "results" -> {
                    return Results.main(rest, out, err);
                }
                case "study" -> {
                    return StudyCommand.main(rest, debug, out, err);
                }
                case "kernel" -> {
                    return KernelCommand.main(rest, Main.class, o -> Toolkit.newInterpreter(o, debug), version(), out, err);
                }
                default -> {
                    if (cmd.endsWith(".dmm")) return runFile(Path.of(cmd), rest, debug, out, err);
                    return usage(err, "unknown command `" + cmd + "`");
                }
            }
        } catch (RuntimeException e) {
            err.println(internalError(e, debug));
            if (debug) e.printStackTrace(err);
            return RUNTIME;
        } catch (OutOfMemoryError e) {
            err.println("error: " + EvalError.outOfMemory("running `dmm " + cmd + "`", null).bareMessage());
            return RUNTIME;
        }
    }

    private static int usage(PrintStream err, String message) {
        err.println("dmm: " + message);
        err.print(USAGE_TEXT);
        return USAGE;
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
    }

    /** {@code dmm run FILE}: the file through {@link Interpreter#runFile}; the exit code is its status. */
    static int runFile(Path file, List<String> fileArgs, boolean debug, PrintStream out, PrintStream err) {
        Interpreter interp = Toolkit.newInterpreter(out, debug);
        interp.setTerminal(out == System.out && System.console() != null);
        List<Object> argVals = new ArrayList<>(fileArgs);
        interp.define("*command-line-args*", List.copyOf(argVals), "The arguments after the file name on the command line.");
        interp.define("*file*", file.toString(), "The file being run.");
        stopOnSignal(interp, true);
        int code = interp.runFile(file, err, null).status().code();
        if (!GracefulStop.awaitBackgroundRuns(interp, out) && code == OK) code = RUNTIME;
        return code;
    }

    /** {@code dmm eval TEXT}: the text through {@link Interpreter#run}, printing the value of its last form. */
    static int evalText(String text, boolean debug, PrintStream out, PrintStream err) {
        Interpreter interp = Toolkit.newInterpreter(out, debug);
        stopOnSignal(interp, true);
        Outcome o = interp.run(Source.of("<eval>", text), err, done -> out.println(Printer.print(done.value())));
        out.flush();
        int code = o.status().code();
        if (!GracefulStop.awaitBackgroundRuns(interp, out) && code == OK) code = RUNTIME;
        return code;
    }

}
