/**
 * The benchmark suite behind {@code dmm bench}: end-to-end cases of the flagship experiment
 * (training step, forward runs, scaling in links and window, memory) on a careful in-process
 * harness, a hand-written flat-array forward pass as the speed limit, and JMH micro-benchmarks.
 * Depends on everything below the command line; nothing depends on it but {@code cli}.
 */
package dmm.bench;
