package dmm.lang;

/**
 * Raised at a cancellation point (a loop back-edge, a function call, a cycle or step boundary,
 * a wait) when the current thread's {@link CancelToken} has a request: Ctrl-C in the REPL, or
 * {@code stop!}/{@code pause!} of a live network on the network's own thread.
 */
public final class Cancelled extends EvalError {
    public Cancelled() {
        super("interrupted");
    }
}
