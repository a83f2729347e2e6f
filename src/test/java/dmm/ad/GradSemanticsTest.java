package dmm.ad;

import static org.junit.jupiter.api.Assertions.*;

import dmm.vvalue.VValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradSemanticsTest {
    @Test
    void fanOutAccumulates() {
        // the Zygote bug: a value used on two paths got 6 instead of 10
        VValue g = Grad.grad(a -> Ops.add(Ops.scale(VValue.of(2), a[0]), Ops.scale(VValue.of(3), a[0])), VValue.of(1));
        assertEquals(VValue.of(5), g);
        VValue sq = Grad.grad(a -> Ops.multiply(a[0], a[0]), VValue.of(5));
        assertEquals(VValue.of(10), sq);
    }

    @Test
    void gradientThroughACopiedDictionaryIsKept() {
        // the other Zygote bug: gradient through a copied dictionary was dropped
        VValue x = VValue.ofPairs("a", 2, "b", 3);
        VValue g = Grad.grad(a -> {
            Object copy = Ops.assocIn(a[0], List.of("c"), VValue.of(1));
            return Ops.sumLeaves(Ops.square(Ops.get(Ops.makeMap(new String[] {"k"}, new Object[] {copy}), "k")));
        }, x);
        assertEquals(VValue.ofPairs("a", 4, "b", 6), g);
    }

    @Test
    void stopGradientBlocksExactlyWhatItWraps() {
        VValue g = Grad.grad(a -> Ops.add(Ops.multiply(Ops.stopGradient(a[0]), a[0]), a[0]), VValue.of(3));
        assertEquals(VValue.of(3 + 1), g);
        assertEquals(VValue.ZERO, Grad.grad(a -> Ops.square(Ops.stopGradient(a[0])), VValue.of(3)));
    }

    @Test
    void constantFunctionHasZeroGradient() {
        assertEquals(VValue.ZERO, Grad.grad(a -> VValue.of(7), VValue.ofPairs("a", 1)));
    }

    @Test
    void nonScalarResultIsAClearError() {
        AdException e = assertThrows(AdException.class, () -> Grad.grad(a -> a[0], VValue.ofPairs("a", 1)));
        assertEquals("grad needs a function that returns a number; it returned {:a 1}", e.getMessage());
    }

    @Test
    void nestedGradIsAClearErrorNotAWrongNumber() {
        AdException e = assertThrows(AdException.class,
                () -> Grad.grad(a -> Grad.grad(b -> Ops.multiply(a[0], b[0]), VValue.of(2)), VValue.of(3)));
        assertEquals("nested grad is not supported: a gradient is already being computed on this thread (the function passed to grad calls grad again)",
                e.getMessage());
        // and the thread is usable afterwards
        assertEquals(VValue.of(6), Grad.grad(a -> Ops.multiply(a[0], a[0]), VValue.of(3)));
    }

    @Test
    void trackedValuesOutliveTheirTapeAsConstants() {
        Object[] leaked = new Object[1];
        Grad.grad(a -> {
            leaked[0] = a[0];
            return Ops.square(a[0]);
        }, VValue.of(2));
        assertFalse(Ops.isTracked(leaked[0]));
        assertEquals(VValue.ZERO, Grad.grad(a -> Ops.add(leaked[0], VValue.of(1)), VValue.of(1)));
        assertEquals(VValue.of(5), Ops.primal(Ops.add(leaked[0], VValue.of(3))));
    }

    @Test
    void tapeIsReleasedAfterEachCall() {
        VValue x = VValue.ofPairs("a", 1, "b", 2);
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 2000; i++) Grad.grad(a -> Ops.sumLeaves(Ops.square(Ops.add(a[0], a[0]))), x);
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        for (int i = 0; i < 10_000; i++) {
            Grad.grad(a -> {
                Object acc = a[0];
                for (int k = 0; k < 50; k++) acc = Ops.tanh(Ops.add(acc, a[0]));
                return Ops.sumLeaves(acc);
            }, x);
        }
        System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        assertNull(Tape.current());
        assertTrue(after - before < 32L << 20, "heap grew by " + ((after - before) >> 20) + " MiB over 10 000 grad calls");
    }
}
