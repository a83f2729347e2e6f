package dmm.cli;

import java.io.PrintStream;
import java.util.List;

/** Entry points of the commands that live in other packages (REPL, benchmarks). */
final class Launch {
    private Launch() {}

    static int repl(boolean debug, List<String> args) {
        System.err.println("dmm: the REPL is not built yet");
        return Main.USAGE;
    }

    static int bench(List<String> args, PrintStream out, PrintStream err) {
        err.println("dmm: the benchmark suite is not built yet");
        return Main.USAGE;
    }
}
