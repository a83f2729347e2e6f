package dmm.lang;

import dmm.cancel.Cancelled;
import dmm.cancel.CancelToken;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Every loop back-edge and function call of the evaluator is a cancellation point, per thread. */
class CancellationTest {
    private final Interpreter interp = new Interpreter();

    /** Evaluates {@code text} while another thread requests cancellation after a moment (as the REPL's Ctrl-C does). */
    private void assertCancelled(String text) {
        Thread ctrlC = new Thread(() -> {
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                return;
            }
            interp.requestCancel();
        });
        ctrlC.start();
        assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(Cancelled.class, () -> interp.eval("t", text)), "not cancelled: " + text);
    }

    @Test
    void recurInAFunctionBodyIsACancellationPoint() {
        assertCancelled("((fn [i] (recur (+ i 1))) 0)");
    }

    @Test
    void aFunctionCallIsACancellationPoint() {
        // exponential recursion: no loop, only calls
        interp.eval("t", "(defn fib [n] (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))");
        assertCancelled("(fib 60)");
    }

    @Test
    void higherOrderBuiltinsAreCancellationPoints() {
        interp.eval("t", "(defn slow [x] (loop [i 0] (if (< i 100000) (recur (+ i 1)) x)))");
        assertCancelled("(reduce + 0 (map slow (range 100000)))");
    }

    @Test
    void theCheckConsumesTheRequest() {
        interp.requestCancel();
        assertThrows(Cancelled.class, () -> interp.eval("t", "(dotimes [i 10] nil)"));
        assertEquals("45", Printer.print(interp.eval("t", "(reduce + 0 (range 10))")), "the next evaluation runs");
    }

    @Test
    void aThreadWithItsOwnTokenIsCancelledByThatTokenOnly() throws Exception {
        CancelToken token = new CancelToken();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            CancelToken.bind(token);
            try {
                interp.eval("w", "(loop [i 0] (recur (+ i 1)))");
            } catch (Throwable t) {
                outcome.set(t);
            } finally {
                CancelToken.bind(null);
            }
        }, "worker");
        worker.start();
        Thread.sleep(100);
        interp.requestCancel(); // the interpreter's token: not the worker's
        Thread.sleep(200);
        assertTrue(worker.isAlive(), "the interpreter's cancel request does not reach a thread with its own token");
        interp.clearCancel();
        token.request();
        worker.join(5000);
        assertFalse(worker.isAlive());
        assertInstanceOf(Cancelled.class, outcome.get());
        assertFalse(token.isRequested(), "the check consumed the request");
    }
}
