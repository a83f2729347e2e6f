package dmm.lang;

/** Anything callable from the language: built-ins, closures, neuron functions. */
public interface Fn {
    /** Calls the function. Errors are {@link EvalError}s (or runtime exceptions the caller wraps). */
    Object invoke(Object[] args);

    /** The name shown in errors and call traces. */
    String name();
}
