package dmm.train;

import java.util.Locale;

/**
 * The progress of one call's steps, as lines for a {@link TrainOutput}: on a terminal one line
 * redrawn in place; otherwise plain lines every {@code every} steps (so logs and CI output stay
 * readable).
 */
final class Progress {
    private final TrainOutput out;
    private final long total;
    private final long every;
    private final long started = System.nanoTime();
    private long lastDraw;
    private long done;

    Progress(TrainOutput out, long total, long every, boolean quiet) {
        this.out = quiet ? null : out;
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
        if (out.terminal()) {
            long now = System.nanoTime();
            if (now - lastDraw > 100_000_000L || done == total) {
                out.progress(line, true);
                lastDraw = now;
            }
        } else if (done % every == 0 || done == total) {
            out.progress(line, false);
        }
    }

    void finish() {
        if (out != null) out.progressEnd();
    }

    static String time(double s) {
        if (s < 60) return String.format(Locale.ROOT, "%.0fs", s);
        if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", (long) s / 60, (long) s % 60);
        return String.format(Locale.ROOT, "%dh%02dm", (long) s / 3600, ((long) s % 3600) / 60);
    }
}
