/**
 * Training and sparsification: optimizers over V-values (Adam, SGD with momentum),
 * regularizers with exclusion lists, the training loop with progress, CSV log, plot,
 * checkpoints and cancellation, pruning, and the automated sparsification schedule.
 *
 * <p>Depends on {@code vvalue}, {@code ad}, {@code lang} and {@code machine}; knows nothing of
 * the REPL or the command line.
 */
package dmm.train;
