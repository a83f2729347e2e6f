package dmm.train;

import dmm.machine.MachineError;

/** Training stopped: NaN or Inf in the loss or the gradient, a bad checkpoint, and the like. */
public final class TrainingError extends MachineError {
    public TrainingError(String message) {
        super(message);
    }

    public TrainingError(String message, Throwable cause) {
        super(message, cause);
    }
}
