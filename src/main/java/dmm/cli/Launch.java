package dmm.cli;

import dmm.lang.Interpreter;
import dmm.repl.Repl;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/** Entry points of the commands that live in other packages (REPL, benchmarks). */
final class Launch {
    private Launch() {}

    static int repl(boolean debug, List<String> args) {
        Interpreter interp = Toolkit.newInterpreter(System.out, debug);
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

    static int bench(List<String> args, PrintStream out, PrintStream err) {
        try {
            return dmm.bench.Bench.run(args, Toolkit.newInterpreter(out, false), out);
        } catch (IOException e) {
            err.println("dmm bench: " + e.getMessage());
            return Main.RUNTIME;
        }
    }
}
