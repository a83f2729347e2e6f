package dmm.study;

import java.util.Map;

/**
 * The row a finished run leaves in the results file.
 *
 * @param metrics the numbers the program reported with {@code study-result!} (empty when it failed)
 * @param error the error report when the run failed, else null
 */
public record Result(String study, String run, Map<String, Object> settings, long seed, boolean ok, Map<String, Double> metrics,
                     String error, double seconds, String out) {}
