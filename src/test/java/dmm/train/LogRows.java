package dmm.train;

import java.util.Locale;

/** The CSV line a training-log row is written as (numbers exactly, seconds to the millisecond). */
final class LogRows {
    private LogRows() {}

    static String csv(TrainLog.Row r) {
        return r.step() + "," + r.loss() + "," + r.prereg() + "," + r.l1() + "," + r.lambda() + "," + r.links() + "," + r.lr() + ","
                + String.format(Locale.ROOT, "%.3f", r.seconds());
    }
}
