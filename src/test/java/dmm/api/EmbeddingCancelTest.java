package dmm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dmm.ad.Grad;
import dmm.cancel.Cancelled;
import dmm.vvalue.VValue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Embedded evaluations can be cancelled, recurse as deeply as the command line, and refuse values dmm cannot hold. */
class EmbeddingCancelTest {
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void end() {
        pool.shutdownNow();
    }

    private static DmmScriptEngine engine() {
        return (DmmScriptEngine) new ScriptEngineManager().getEngineByName("dmm");
    }

    /** Waits until the engine's evaluation is under way (its var `started` is set by the script). */
    private static void awaitStart(Dmm dmm) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (dmm.get("started") == null) {
            assertTrue(System.nanoTime() < deadline, "the evaluation started");
            Thread.sleep(5);
        }
    }

    @Test
    void futureCancelStopsAnEndlessLoopAndTheEngineGoesOn() throws Exception {
        DmmScriptEngine e = engine();
        Future<Object> f = pool.submit(() -> e.eval("(def started 1) (loop [i 0] (recur (+ i 1)))"));
        awaitStart(e.dmm());
        f.cancel(true);
        assertThrows(CancellationException.class, f::get);
        // the interrupted evaluation has ended (the engine is free) and the next one runs whole
        Future<Object> next = pool.submit(() -> e.eval("(+ 1 2)"));
        assertEquals(3.0, ((VValue) next.get(10, TimeUnit.SECONDS)).scalarPart());
    }

    @Test
    void cancelMakesAScriptExceptionAndALateCancelStopsNothing() throws Exception {
        DmmScriptEngine e = engine();
        Future<Object> f = pool.submit(() -> e.eval("(def started 1) (loop [i 0] (recur (+ i 1)))"));
        awaitStart(e.dmm());
        e.cancel();
        Exception thrown = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertTrue(thrown.getCause() instanceof ScriptException, String.valueOf(thrown.getCause()));
        assertTrue(thrown.getCause().getMessage().startsWith("cancelled"), thrown.getCause().getMessage());
        e.cancel();   // nothing is running: this must not stop the next evaluation
        assertEquals(5050.0, ((VValue) e.eval("(loop [i 0 s 0] (if (> i 100) s (recur (+ i 1) (+ s i))))")).scalarPart());
    }

    @Test
    void theJavaApiCancelsWithCancelled() throws Exception {
        Dmm dmm = Dmm.create();
        Future<Object> f = pool.submit(() -> dmm.eval("(def started 1) (loop [i 0] (recur (+ i 1)))"));
        awaitStart(dmm);
        dmm.cancel();
        Exception thrown = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertTrue(thrown.getCause() instanceof Cancelled, String.valueOf(thrown.getCause()));
    }

    @Test
    void embeddedRecursionIsAsDeepAsTheCommandLines() throws Exception {
        ScriptEngine e = engine();
        Object depth = e.eval("(defn down [n] (if (= n 0) 0 (+ 1 (down (- n 1))))) (down 50000)");
        assertEquals(50000.0, ((VValue) depth).scalarPart());
    }

    @Test
    void nanIsRefusedWhenPutAndNeverPoisonsLaterEvaluations() throws Exception {
        ScriptEngine e = engine();
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> e.put("nan", Double.NaN));
        assertTrue(bad.getMessage().contains("`nan`") && bad.getMessage().contains("finite numbers only"), bad.getMessage());
        assertEquals(2.0, ((VValue) e.eval("(+ 1 1)")).scalarPart());
        e.getBindings(javax.script.ScriptContext.ENGINE_SCOPE).put("inf", Double.POSITIVE_INFINITY);   // around put: a clear error at use
        ScriptException at = assertThrows(ScriptException.class, () -> e.eval("(+ 1 1)"));
        assertTrue(at.getMessage().contains("`inf`"), at.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dmm.create().set("x", Double.NaN));
    }

    @Test
    void runReportsAsTheCommandLineDoes() {
        Dmm dmm = Dmm.create();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        dmm.lang.Outcome ok = dmm.run("a.dmm", "(+ 1 2)", new java.io.PrintStream(err, true));
        assertEquals(0, ok.status().code());
        assertEquals(3.0, ((dmm.vvalue.VValue) ok.value()).scalarPart());
        dmm.lang.Outcome bad = dmm.run("b.dmm", "(+ 1\n   (nope 2))", new java.io.PrintStream(err, true));
        assertEquals(70, bad.status().code());
        assertTrue(bad.report().startsWith("b.dmm:2:5: unknown name `nope`"), bad.report());
        assertTrue(bad.report().contains("^"), "a caret under the place: " + bad.report());
        assertEquals(65, dmm.run("c.dmm", "(+ 1", new java.io.PrintStream(err, true)).status().code());
    }

    /** An evaluation under the caller's gradient records on the caller's tape: the gradient flows through it. */
    @Test
    void anEvaluationInsideAGradientIsDifferentiated() {
        Dmm embedded = Dmm.create();
        Object g = Grad.valueAndGrad(args -> {
            embedded.set("x", args[0]);
            return embedded.eval("(* x x x)");
        }, VValue.of(2)).gradients().get(0);
        assertEquals(12.0, ((VValue) g).scalarPart(), "d/dx x³ at 2");
    }
}
