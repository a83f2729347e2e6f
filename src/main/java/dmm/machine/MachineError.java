package dmm.machine;

import java.util.ArrayList;
import java.util.List;

/**
 * An error of the engine: a bad matrix, an unknown neuron or field, a neuron that failed. It
 * carries its message and the context it was raised in (innermost first: "in neuron `p` (type
 * pulse) at cycle 31 of network `live`"); when a neuron's function failed, the cause is that
 * function's own error. The language binding turns it into a language error in one place.
 */
public class MachineError extends RuntimeException {
    private final List<String> context = new ArrayList<>();

    public MachineError(String message) {
        super(message);
    }

    public MachineError(String message, Throwable cause) {
        super(message, cause);
    }

    /** Adds a line of context (where the error happened); returns this. */
    public MachineError addContext(String line) {
        context.add(line);
        return this;
    }

    /** The context lines, innermost first. */
    public List<String> context() {
        return List.copyOf(context);
    }
}
