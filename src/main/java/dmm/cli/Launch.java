package dmm.cli;

import dmm.bench.Bench;
import dmm.lang.Interpreter;
import dmm.repl.Repl;
import dmm.view.ViewLib;
import dmm.view.ViewServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/** Entry points of the commands that live in other packages (REPL, benchmarks). */
final class Launch {
    private Launch() {}

    static int repl(boolean debug, List<String> args) {
        return repl(Toolkit.newInterpreter(System.out, debug));
    }

    /**
     * {@code dmm serve [--port N] [--host H] [FILE.dmm ...]}: the browser view of a session (its URL
     * printed), the files evaluated in it, then its REPL; leaving the REPL ends the session.
     */
    static int serve(boolean debug, List<String> args, PrintStream out, PrintStream err) {
        String host = "127.0.0.1";
        int port = 0;
        List<String> files = new ArrayList<>(), allow = new ArrayList<>();
        String usage = "usage: dmm serve [--port N] [--host H] [--allow-host NAME]... [FILE.dmm ...]";
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--port") || a.equals("--host") || a.equals("--allow-host")) {
                if (i + 1 >= args.size()) {
                    err.println("dmm serve: " + a + " needs a value (" + usage + ")");
                    return Main.USAGE;
                }
                String v = args.get(++i);
                switch (a) {
                    case "--host" -> host = v;
                    case "--allow-host" -> allow.add(v);
                    default -> {
                        try {
                            long p = Long.parseLong(v);
                            ViewServer.checkPort(p);
                            port = (int) p;
                        } catch (NumberFormatException e) {
                            err.println("dmm serve: --port needs a whole number from 0 to 65535, got `" + v + "`");
                            return Main.USAGE;
                        } catch (IllegalArgumentException e) {
                            err.println("dmm serve: " + e.getMessage());
                            return Main.USAGE;
                        }
                    }
                }
            } else if (a.startsWith("--")) {
                err.println("dmm serve: unknown option `" + a + "` (" + usage + ")");
                return Main.USAGE;
            } else files.add(a);
        }
        Interpreter interp = Toolkit.newInterpreter(out, debug);
        try {
            ViewLib.serveAnnounced(interp, host, port, allow, out);
        } catch (IOException e) {
            err.println("dmm serve: cannot listen on " + host + ":" + port + ": " + e.getMessage());
            return Main.RUNTIME;
        }
        for (String f : files) {
            int status = interp.runFile(Path.of(f), err, null).status().code();
            if (status != Main.OK) return status;
        }
        return repl(interp);
    }

    private static int repl(Interpreter interp) {
        Main.stopOnSignal(interp, false);
        try {
            if (System.console() == null) {
                // stdin is a pipe or a file: no prompt, no colours, exit with the last status
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                return Repl.piped(interp, in, System.out, System.err);
            }
            try (Terminal terminal = TerminalBuilder.builder().system(true).name("dmm").build()) {
                Path history = Path.of(System.getProperty("user.home"), ".dmm_history");
                return Repl.interactive(interp, terminal, history, Main.version());
            }
        } catch (IOException e) {
            System.err.println("dmm: cannot open the terminal: " + e.getMessage());
            return Main.RUNTIME;
        }
    }

    /** {@code dmm bench}'s options: the flags, and the options that take a value. */
    private static final Set<String> BENCH_FLAGS = Set.of("--quick", "--micro", "--synthesis", "--flagship", "--pruned"),
            BENCH_VALUES = Set.of("--json", "--plot", "--compare");

    static final String BENCH_USAGE = """
            usage: dmm bench [--quick] [--json FILE] [--plot FILE] [--micro] [--synthesis] [--flagship]
                   dmm bench --compare OTHER.jar [--pruned] [--quick]
              --quick        the CI smoke run (fewer repetitions, no plot)
              --json FILE    write the figures as JSON
              --plot FILE    the scaling plot (PNG; default runs/bench-scaling.png)
              --micro        add the JMH micro-benchmarks
              --synthesis    add the wall time of the whole seed-1 synthesis run (a minute or more)
              --flagship     the flagship cases only (step, forwards, flat baseline, ratios)
              --compare JAR  this build's flagship step against another build's, in one JVM
              --pruned       with --compare: the step on the 19-link machine of
                             docs/results/synthesis-published-init-matrix.json instead
            """;

    static int bench(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(BENCH_USAGE);
            return 0;
        }
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (BENCH_FLAGS.contains(a)) continue;
            if (BENCH_VALUES.contains(a)) {
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    err.println("dmm bench: " + a + " needs a value" + (a.equals("--compare") ? " (another build's jar, e.g. a copy of target/dmm.jar built from another commit)" : " (a file)"));
                    err.print(BENCH_USAGE);
                    return Main.USAGE;
                }
                i++;
                continue;
            }
            err.println("dmm bench: unknown option `" + a + "`");
            err.print(BENCH_USAGE);
            return Main.USAGE;
        }
        try {
            int compare = args.indexOf("--compare");
            if (compare >= 0) {
                boolean quick = args.contains("--quick");
                return BuildComparison.run(Path.of(args.get(compare + 1)), args.contains("--pruned"), quick ? 5 : 300, quick ? 5 : 300, out);
            }
            return Bench.run(args, Toolkit.newInterpreter(out, false), out);
        } catch (IOException e) {
            err.println("dmm bench: " + e.getMessage());
            return Main.RUNTIME;
        }
    }
}
