package dmm.study;

import java.util.Map;

/**
 * The row a finished run leaves in the results file.
 *
 * @param metrics the numbers the program reported with {@code study-result!} (empty when it failed)
 * @param error the error report when the run failed, else null
 * @param executor where the run ran, {@code ID@HOST}: a Spark executor's id and host ({@code driver@HOST}
 *     under {@code local[N]}), {@code local@HOST} for the local backend; null in rows of an older dmm
 */
public record Result(String study, String run, Map<String, Object> settings, long seed, boolean ok, Map<String, Double> metrics,
                     String error, double seconds, String out, String executor) {
    /** The first line of the error report ("" for a run that did not fail): what a log line or a table cell shows. */
    public String errorLine() {
        if (error == null) return "";
        int i = error.indexOf('\n');
        return i < 0 ? error : error.substring(0, i);
    }

    /** This row, as run by {@code executor}. */
    Result ranOn(String executor) {
        return new Result(study, run, settings, seed, ok, metrics, error, seconds, out, executor);
    }
}
