package dmm.vvalue;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VValueTest {
    private static final double TOL = 1e-9;

    private static VValue v(Object... kv) {
        return VValue.ofPairs(kv);
    }

    private static void assertApprox(VValue expected, VValue actual) {
        assertTrue(VValue.approxEquals(expected, actual, TOL), () -> "expected " + expected + " but was " + actual);
    }

    /** Every node of a canonical value has a non-zero scalar or at least one child; no child is zero. */
    static void assertCanonical(VValue v) {
        for (int i = 0; i < v.childCount(); i++) {
            assertFalse(v.childAt(i).isZero(), () -> "zero child in " + v);
            assertCanonical(v.childAt(i));
            if (i > 0) assertTrue(v.keyAt(i - 1).compareTo(v.keyAt(i)) < 0, "keys sorted and distinct");
        }
    }

    @Test
    void vectorSpaceLawsHoldOnRandomValues() {
        RandomVValues gen = new RandomVValues(1);
        for (int trial = 0; trial < 500; trial++) {
            VValue a = gen.next(3), b = gen.next(3), c = gen.next(3);
            double l = gen.leaf();
            assertEquals(a.add(b), b.add(a));
            assertApprox(a.add(b).add(c), a.add(b.add(c)));
            assertApprox(a.add(b).scale(l), a.scale(l).add(b.scale(l)));
            VValue zero = a.subtract(a);
            assertTrue(zero.isZero());
            assertSame(VValue.ZERO, zero);
            assertCanonical(a.add(b));
            assertCanonical(a.subtract(b));
            assertApprox(VValue.combine(2, a, -3, b).add(c.scale(l)), a.scale(2).add(b.scale(-3)).add(c.scale(l)));
            assertEquals(a.negate().negate(), a);
            assertEquals(0.0, a.add(a.negate()).maxAbs());
        }
    }

    @Test
    void lincombAgreesWithExplicitSumOverRowLeaves() {
        RandomVValues gen = new RandomVValues(2);
        for (int trial = 0; trial < 300; trial++) {
            VValue row = gen.next(2), y = gen.next(4);
            VBuilder expected = new VBuilder();
            row.forEachLeaf((path, w) -> expected.addScaled(w, y.getIn(new ArrayList<>(path))));
            assertApprox(expected.build(), VValue.lincomb(row, y));
        }
    }

    @Test
    void lincombRowPathSelectsAndScalesSubtree() {
        VValue y = v("c", v("a", 1, "b", 2, "c", v("x", 1, "y", 3)));
        assertEquals(v("a", 7, "b", 14, "c", v("x", 7, "y", 21)), VValue.lincomb(v("c", 7), y));
    }

    @Test
    void lincombNumberMetByRowLeafContributesScalar() {
        assertEquals(VValue.of(6), VValue.lincomb(v("c", 2), v("c", 3)));
        assertEquals(v("number", 6, "q", 1.5), VValue.lincomb(v("c", 1.5), v("c", v("number", 4, "q", 1))));
    }

    @Test
    void lincombRowDeeperThanDataExtractsSubtrees() {
        assertEquals(v("q", 2), VValue.lincomb(v("x", v("a", 2)), v("x", v("a", v("q", 1)))));
    }

    @Test
    void lincombContributionsThatCancelVanish() {
        VValue y = v("p", v("k", 1), "q", v("k", 2));
        assertSame(VValue.ZERO, VValue.lincomb(v("p", 2, "q", -1), y));
    }

    @Test
    void canonicalFormDropsZeroLeavesAndEmptySubtrees() {
        VValue a = v("a", 1, "b", v("c", 0));
        assertEquals(v("a", 1), a);
        assertEquals(1, a.childCount());
        assertSame(VValue.ZERO, v("a", v("b", v("c", 0))));
    }

    @Test
    void numberKeyIsTheScalarPart() {
        VValue a = v("number", 3, "a", 1);
        assertEquals(3.0, a.scalarPart());
        assertEquals(VValue.of(3), a.get("number"));
        assertEquals(List.of("a"), a.keys());
        assertEquals(VValue.of(5), VValue.of(5).get("number"));
    }

    @Test
    void getAssocDissocAtPaths() {
        VValue a = v("a", v("b", 1, "c", 2));
        assertEquals(VValue.of(1), a.getIn("a", "b"));
        assertSame(VValue.ZERO, a.getIn("a", "z", "q"));
        assertEquals(v("a", v("b", 1, "c", 2, "d", v("e", 5))), a.assocIn(List.of("a", "d", "e"), VValue.of(5)));
        assertEquals(v("a", v("c", 2)), a.dissocIn(List.of("a", "b")));
        assertSame(VValue.ZERO, a.dissocIn(List.of("a")));
        assertEquals(v("a", v("b", 1, "c", 2, "number", 9)), a.assocIn(List.of("a", "number"), VValue.of(9)));
        assertEquals(a, a.dissocIn(List.of("nothing", "here")));
    }

    @Test
    void dotNormLeafCountSum() {
        VValue a = v("a", 2, "b", v("c", 3, "number", 1));
        VValue b = v("a", 5, "b", v("c", -1, "d", 100), "z", 4);
        assertEquals(10 - 3, VValue.dot(a, b));
        assertEquals(3.0, a.maxAbs());
        assertEquals(0.0, VValue.ZERO.maxAbs());
        assertEquals(3, a.leafCount());
        assertEquals(6.0, a.sum());
        assertEquals(VValue.dot(a, b), VValue.dot(b, a));
    }

    @Test
    void mapZipFilter() {
        VValue a = v("a", -2, "b", v("c", 3));
        assertEquals(v("b", v("c", 3)), a.mapLeaves(x -> Math.max(0, x)));
        VValue b = v("a", 2, "d", 1);
        assertEquals(v("b", v("c", 3), "d", 1), VValue.zip(a, b, Double::sum));
        assertEquals(v("a", -2), a.filterLeaves((p, x) -> Math.abs(x) < 2.5));
        List<String> seen = new ArrayList<>();
        a.filterLeaves((p, x) -> seen.add(String.join(".", p)));
        assertEquals(List.of("a", "b.c"), seen);
        assertEquals(v("a", -2), a.restrictTo(v("a", 9, "z", 1)));
    }

    @Test
    void restrictionKeepsExactlyTheLeavesAtTheSupportsPathsAndReturnsAnUntouchedValueItself() {
        RandomVValues r = new RandomVValues(31);
        for (int trial = 0; trial < 2000; trial++) {
            VValue a = r.next(3), support = trial % 3 == 0 ? a.mapLeaves(x -> 2 * x) : r.next(3);
            Set<List<String>> paths = new HashSet<>();
            support.forEachLeaf((p, x) -> paths.add(List.copyOf(p)));
            VValue expected = a.filterLeaves((p, x) -> paths.contains(p));
            VValue got = a.restrictTo(support);
            assertEquals(expected, got, a + " restricted to " + support);
            assertEquals(expected.leafCount() == a.leafCount(), got == a, "the value itself exactly when nothing is dropped");
            // a gradient on a subset of the argument's leaves is unchanged
            VValue sub = a.filterLeaves((p, x) -> x > 0);
            assertSame(sub, sub.restrictTo(a));
        }
    }

    @Test
    void approximateEqualityUsesMaxNorm() {
        assertTrue(VValue.approxEquals(v("a", 1), v("a", 1 + 1e-12), 1e-9));
        assertFalse(VValue.approxEquals(v("a", 1), v("a", 1, "b", 1e-3), 1e-9));
    }

    @Test
    void printsLiteralSyntaxSortedAndQuoted() {
        assertEquals("{:a 1 :b {:c 2.5 :number 3}}", v("b", v("c", 2.5, "number", 3), "a", 1).toString());
        assertEquals("{\".\" 1 \"hello world\" 2}", v("hello world", 2, ".", 1).toString());
        assertEquals("1", VValue.of(1).toString());
        assertEquals("0", VValue.ZERO.toString());
        assertEquals("1.0E-9", VValue.of(1e-9).toString());
        assertEquals("0.1", VValue.of(0.1).toString());
        assertEquals("-2.5", VValue.of(-2.5).toString());
        assertEquals("{\"1x\" 2 \"a\\\"b\" 1}", v("a\"b", 1, "1x", 2).toString());
    }

    @Test
    void numbersPrintShortestRoundTrip() {
        RandomVValues gen = new RandomVValues(3);
        for (int i = 0; i < 2000; i++) {
            double x = gen.random().nextGaussian() * Math.pow(10, gen.random().nextInt(40) - 20);
            String s = VValuePrinter.number(x);
            assertEquals(x, Double.parseDouble(s), s);
        }
        assertEquals("0.30000000000000004", VValuePrinter.number(0.1 + 0.2));
        assertEquals("1.0E20", VValuePrinter.number(1e20));
        assertEquals("1.5E-7", VValuePrinter.number(1.5e-7));
    }

    @Test
    void nanIsRejected() {
        assertThrows(ArithmeticException.class, () -> VValue.of(Double.NaN));
        assertThrows(ArithmeticException.class, () -> VValue.of(1).mapLeaves(x -> Double.NaN));
    }
}
