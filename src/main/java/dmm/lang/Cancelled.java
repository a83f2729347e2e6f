package dmm.lang;

/** Raised at a cycle or step boundary when the user asked to stop (Ctrl-C). */
public final class Cancelled extends EvalError {
    public Cancelled() {
        super("interrupted");
    }
}
