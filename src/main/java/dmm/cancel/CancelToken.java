package dmm.cancel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request to stop one run of evaluation: the REPL's evaluation (Ctrl-C) or one live network's
 * thread ({@code stop!}, {@code pause!}). The evaluator checks it at every loop back-edge and
 * function call; the check that sees the request consumes it and throws {@link Cancelled}.
 *
 * <p>A thread checks the token bound to it with {@link #bind}, or else its interpreter's own
 * token, so cancelling a live network never interrupts the REPL, and Ctrl-C in the REPL never
 * interrupts a network running in the background.
 *
 * <p>The check is cheap: while no token anywhere has a request outstanding (the usual case), it
 * is one volatile read of a process-wide count; only when some token has a request does a check
 * look up the token of its own thread.
 */
public final class CancelToken {
    /** How many tokens have a request outstanding: the fast path of every check reads only this. */
    private static final AtomicInteger OUTSTANDING = new AtomicInteger();
    private static final ThreadLocal<CancelToken> BOUND = new ThreadLocal<>();

    private final AtomicBoolean requested = new AtomicBoolean();

    /** Asks the evaluation this token governs to stop at its next loop, call, cycle or step boundary. */
    public void request() {
        if (requested.compareAndSet(false, true)) OUTSTANDING.incrementAndGet();
    }

    /** Withdraws a request that no check has consumed yet. */
    public void clear() {
        if (requested.compareAndSet(true, false)) OUTSTANDING.decrementAndGet();
    }

    /** True while a request is outstanding. */
    public boolean isRequested() {
        return requested.get();
    }

    /** Throws {@link Cancelled} when a request is outstanding, consuming it. */
    public void check() {
        if (requested.get() && requested.compareAndSet(true, false)) {
            OUTSTANDING.decrementAndGet();
            throw new Cancelled();
        }
    }

    /** Makes this token the one checked on the current thread (null: back to the interpreter's). */
    public static void bind(CancelToken token) {
        if (token == null) BOUND.remove();
        else BOUND.set(token);
    }

    /** The token bound to the current thread, or null (threads that work for this one bind it too). */
    public static CancelToken bound() {
        return BOUND.get();
    }

    /** The token bound to the current thread, or {@code fallback} when none is. */
    private static CancelToken current(CancelToken fallback) {
        CancelToken t = BOUND.get();
        return t != null ? t : fallback;
    }

    /**
     * Throws {@link Cancelled} when the current thread's token (or {@code fallback}) has a request.
     * The hot path of the evaluator: one volatile read while nothing is requested anywhere.
     */
    public static void check(CancelToken fallback) {
        if (OUTSTANDING.get() != 0) {
            CancelToken t = current(fallback);
            if (t != null) t.check();
        }
    }
}
