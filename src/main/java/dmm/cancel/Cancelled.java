package dmm.cancel;

/**
 * Raised at a cancellation point (a loop back-edge, a function call, a cycle or step boundary,
 * a wait) when the current thread's {@link CancelToken} has a request: Ctrl-C in the REPL, or
 * {@code stop!}/{@code pause!} of a live network on the network's own thread. Every layer (the
 * evaluator, the engine, training) checks the same tokens, so this package depends on nothing.
 */
public final class Cancelled extends RuntimeException {
    public Cancelled() {
        super("interrupted", null, false, false);   // control flow: no stack trace to fill
    }
}
