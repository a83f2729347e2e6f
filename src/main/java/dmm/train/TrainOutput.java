package dmm.train;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Where a trainer's text goes — the edge where its events become text: messages (a stage, a
 * sparsification round, an interruption) and progress lines. On a console ({@link #console})
 * a terminal redraws the progress line in place; a background run ({@link TrainRun}) keeps the
 * messages and shows a progress line every few seconds above the REPL's prompt.
 */
public interface TrainOutput {
    /** A line for the user. */
    void message(String line);

    /** A progress line: {@code inPlace}, a redraw of the last one (a terminal's), else a line of its own. */
    void progress(String line, boolean inPlace);

    /** The steps of one call ended (a line drawn in place is ended). */
    void progressEnd();

    /** True when progress may be redrawn in place (a terminal). */
    boolean terminal();

    /** Lines to {@code out} (asked each time: a REPL's stream may change), redrawn in place when {@code terminal}. */
    static TrainOutput console(Supplier<PrintStream> out, boolean terminal) {
        return new TrainOutput() {
            private boolean drawn;

            @Override
            public void message(String line) {
                out.get().println(line);
            }

            @Override
            public void progress(String line, boolean inPlace) {
                PrintStream o = out.get();
                if (inPlace) {
                    o.print("\r\033[2K" + line);
                    o.flush();
                    drawn = true;
                } else o.println(line);
            }

            @Override
            public void progressEnd() {
                if (drawn) out.get().println();
                drawn = false;
            }

            @Override
            public boolean terminal() {
                return terminal;
            }
        };
    }
}
