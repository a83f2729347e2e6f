package dmm.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress display of a training run: on a terminal one line redrawn in place; otherwise
 * plain lines every {@code every} steps (so logs and CI output stay readable).
 */
final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final long total;
    private final long every;
    private final long started = System.nanoTime();
    private long lastDraw;
    private long done;
    private boolean drawn;

    Progress(PrintStream out, boolean terminal, long total, long every, boolean quiet) {
        this.out = quiet ? null : out;
        this.terminal = terminal;
        this.total = total;
        this.every = every > 0 ? every : Math.max(1, total / 10);
    }

    void update(TrainLog.Row r, Phase phase) {
        done++;
        if (out == null) return;
        double secs = (System.nanoTime() - started) / 1e9;
        double rate = done / Math.max(secs, 1e-9);
        double eta = (total - done) / Math.max(rate, 1e-9);
        String line = String.format(Locale.ROOT, "%s step %d  loss %.5g  prereg %.5g  L1 %.4g  λ %.3g  links %d  %.1f steps/s  ETA %s",
                phase.word(), r.step(), r.loss(), r.prereg(), r.l1(), r.lambda(), r.links(), rate, time(eta));
        if (terminal) {
            long now = System.nanoTime();
            if (now - lastDraw > 100_000_000L || done == total) {
                out.print("\r\033[2K" + line);
                out.flush();
                lastDraw = now;
                drawn = true;
            }
        } else if (done % every == 0 || done == total) {
            out.println(line);
        }
    }

    void finish() {
        if (out != null && terminal && drawn) out.println();
    }

    static String time(double s) {
        if (s < 60) return String.format(Locale.ROOT, "%.0fs", s);
        if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", (long) s / 60, (long) s % 60);
        return String.format(Locale.ROOT, "%dh%02dm", (long) s / 3600, ((long) s % 3600) / 60);
    }
}
