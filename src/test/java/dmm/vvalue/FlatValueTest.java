package dmm.vvalue;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Flat nodes (a flat value held as one array over a {@link FlatKeys} table) against the same
 * values as plain trees, on random inputs: equal, same hash and printing, and every operation
 * with a flat fast path gives the tree's result bit for bit, across tables of one family that
 * grew between the values.
 */
class FlatValueTest {
    private static final String[] KEYS = {"t", "e", "s", " ", "r", "i", "n", "g", ".", "a"};

    /** Tables of one family: the first keys, then all. */
    private final FlatKeys small = FlatKeys.newFamily().with("t", "e", "s", " ");
    private final FlatKeys large = small.with("r", "i", "n", "g", ".", "a");

    private double value(Random r) {
        int k = r.nextInt(6);
        return k == 0 ? 0 : k == 1 ? r.nextInt(5) - 2 : r.nextGaussian() * 3;
    }

    /** A random dense array over {@code t} (zeros common, sometimes everywhere). */
    private double[] dense(Random r, FlatKeys t) {
        double[] d = new double[t.size()];
        for (int i = 0; i < d.length; i++) d[i] = value(r);
        return d;
    }

    /** The same value as a plain tree. */
    private static VValue tree(FlatKeys t, double[] d) {
        VBuilder b = new VBuilder().addScalar(d[0]);
        for (int i = 1; i < d.length; i++) if (d[i] != 0) b.addScaled(t.name(i), 1, VValue.of(d[i]));
        return b.build();
    }

    @Test
    void aFlatNodeIsTheTreeItStandsFor() {
        Random r = new Random(1);
        for (int k = 0; k < 500; k++) {
            FlatKeys t = r.nextBoolean() ? small : large;
            double[] d = dense(r, t);
            VValue f = VValue.flat(t, d.clone()), p = tree(t, d);
            assertEquals(p, f);
            assertEquals(f, p);
            assertEquals(p.hashCode(), f.hashCode());
            assertEquals(p.toString(), f.toString());
            assertEquals(p.keys(), f.keys());
            assertEquals(p.childCount(), f.childCount());
            assertEquals(p.leafCount(), f.leafCount());
            assertEquals(p.isScalar(), f.isScalar());
            assertTrue(f.isFlat());
            for (String key : KEYS) assertEquals(p.get(key), f.get(key), key);
            assertEquals(p.get("number"), f.get("number"));
            assertEquals(Double.doubleToLongBits(p.sum()), Double.doubleToLongBits(f.sum()));
            assertEquals(p.maxAbs(), f.maxAbs());
            assertEquals(p.mapLeaves(x -> x * 0.3 - 1), f.mapLeaves(x -> x * 0.3 - 1));
            assertEquals(p.scale(-1.7), f.scale(-1.7));
            assertEquals(p.scale(1e-320), f.scale(1e-320), "products that underflow to 0 are dropped alike");
            assertEquals(p.scale(Double.MAX_VALUE), f.scale(Double.MAX_VALUE));
            if (f.flatKeys() != null) assertSame(f.flatKeys(), f.scale(3).flatKeys(), "a flat node scales to a flat node of its table");
            assertEquals(p.withScalar(2.5), f.withScalar(2.5));
            assertEquals(p.withChild("e", VValue.of(4)), f.withChild("e", VValue.of(4)));
            assertEquals(p.withChild("zz", VValue.of(4)), f.withChild("zz", VValue.of(4)));
            assertEquals(p.withChild("e", VValue.of("x", 1)), f.withChild("e", VValue.of("x", 1)));
            assertEquals(p.withChild("t", VValue.ZERO), f.withChild("t", VValue.ZERO));
            assertEquals(new VBuilder().addScaled(0.7, p).addScaled(2, p).build(), new VBuilder().addScaled(0.7, f).addScaled(2, p).build());
            assertEquals(new VBuilder().addScaled(0.7, p).addScaled(2, p).build(), new VBuilder().addScaled(0.7, p).addScaled(2, f).build());
        }
    }

    @Test
    void theAlgebraOfFlatNodesOfOneFamilyIsTheTreesBitForBit() {
        Random r = new Random(2);
        for (int k = 0; k < 1000; k++) {
            FlatKeys ta = r.nextBoolean() ? small : large, tb = r.nextBoolean() ? small : large;
            double[] da = dense(r, ta), db = dense(r, tb);
            VValue fa = VValue.flat(ta, da.clone()), fb = VValue.flat(tb, db.clone());
            VValue pa = tree(ta, da), pb = tree(tb, db);
            double alpha = r.nextInt(3) == 0 ? 1 : r.nextGaussian(), beta = r.nextInt(3) == 0 ? 1 : r.nextGaussian();
            assertEquals(pa.add(pb), fa.add(fb));
            assertEquals(pa.subtract(pb), fa.subtract(fb));
            assertEquals(VValue.combine(alpha, pa, beta, pb), VValue.combine(alpha, fa, beta, fb));
            assertEquals(Double.doubleToLongBits(VValue.dot(pa, pb)), Double.doubleToLongBits(VValue.dot(fa, fb)));
            // with a number, and with a plain tree (the general merge)
            VValue num = VValue.of(value(r));
            assertEquals(pa.add(num), fa.add(num));
            assertEquals(num.subtract(pa), num.subtract(fa));
            assertEquals(VValue.dot(pa, num), VValue.dot(fa, num));
            assertEquals(pa.add(pb), fa.add(pb));
            assertEquals(Double.doubleToLongBits(VValue.dot(pa, pb)), Double.doubleToLongBits(VValue.dot(fa, pb)));
            assertEquals(VValue.multiply(pa, pb), VValue.multiply(fa, fb));
        }
    }

    @Test
    void flatNodesOfAnotherFamilyMeetThroughTheTree() {
        FlatKeys other = FlatKeys.newFamily().with("e", "t");
        VValue a = VValue.flat(small, new double[] {1, 2, 3, 0, 0}), b = VValue.flat(other, new double[] {0.5, 1, 1});
        assertEquals(VValue.ofPairs("t", 3.0, "e", 4.0, "number", 1.5), a.add(b));
        assertEquals(2 * 1 + 3 * 1 + 0.5, VValue.dot(a, b));
    }

    @Test
    void noKeyMakesANumberAndNaNIsRefused() {
        assertEquals(VValue.of(3), VValue.flat(small, new double[] {3, 0, 0}));
        assertNull(VValue.flat(small, new double[] {3, 0, 0}).flatKeys());
        assertThrows(NonFiniteException.class, () -> VValue.flat(small, new double[] {0, Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> VValue.flat(small, new double[9]));
    }
}
