/**
 * Studies: many runs of a {@code .dmm} program over a grid of settings and seeds, each in an
 * interpreter of its own, with results appended to a JSON-lines file as runs finish (a study
 * restarted skips the runs it has), and a report of per-setting summaries and plots. Depends on
 * the language and its bindings (each run is a program), never the other way round.
 */
package dmm.study;
