package dmm.train;

import dmm.lang.EvalError;

/** Training stopped: NaN or Inf in the loss or the gradient, a bad checkpoint, and the like. */
public final class TrainingError extends EvalError {
    public TrainingError(String message) {
        super(message);
    }
}
