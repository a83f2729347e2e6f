package dmm.vvalue;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A tree given by a shape and one value per leaf ({@link VValue#withLeaves}, built on first
 * read) is the tree {@code shape.mapLeaves} builds with those values, in every respect; its
 * array reads ({@link VValue#leavesOver}, {@code maxAbs}, {@code restrictTo} its shape) agree
 * with the tree's; chains of such trees share the first shape.
 */
class LeafValuesTest {
    private static VValue mapped(VValue shape, double[] xs) {
        int[] i = {0};
        return shape.mapLeaves(x -> xs[i[0]++]);
    }

    private static void assertSameTree(VValue expected, VValue actual, String when) {
        SameTree.assertSameTree(expected, actual, when);
        assertEquals(expected.isZero(), actual.isZero(), when + ": zero");
        assertEquals(expected.isScalar(), actual.isScalar(), when + ": scalar");
        assertEquals(Double.doubleToLongBits(expected.maxAbs()), Double.doubleToLongBits(actual.maxAbs()), when + ": maxAbs");
        List<String> a = new ArrayList<>(), b = new ArrayList<>();
        expected.forEachLeaf((p, x) -> a.add(p + "=" + x));
        actual.forEachLeaf((p, x) -> b.add(p + "=" + x));
        assertEquals(a, b, when + ": leaves in order");
    }

    /** Random values for a shape's leaves: zeros (dropped leaves) common, sometimes all. */
    private static double[] values(Random r, int n, boolean zeros) {
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) xs[i] = zeros && r.nextInt(4) == 0 ? (r.nextBoolean() ? 0.0 : -0.0) : r.nextGaussian() * 3;
        return xs;
    }

    @Test
    void aTreeOfLeafValuesIsTheTreeMapLeavesBuilds() {
        RandomVValues gen = new RandomVValues(11);
        Random r = gen.random();
        for (int k = 0; k < 400; k++) {
            VValue shape = gen.next(3);
            int n = shape.leafCount();
            double[] xs = values(r, n, r.nextBoolean());
            VValue lazy = VValue.withLeaves(shape, xs.clone());
            VValue eager = mapped(shape, xs);
            assertSameTree(eager, lazy, "case " + k);
            // reads and edits through the common API
            for (String key : shape.keys()) {
                assertEquals(eager.get(key), VValue.withLeaves(shape, xs.clone()).get(key), "case " + k + ": get " + key);
                assertEquals(eager.withChild(key, VValue.of(7)), VValue.withLeaves(shape, xs.clone()).withChild(key, VValue.of(7)), "case " + k + ": edit " + key);
            }
            assertEquals(eager.withScalar(2.5), VValue.withLeaves(shape, xs.clone()).withScalar(2.5), "case " + k + ": scalar edit");
            assertEquals(eager.add(shape), VValue.withLeaves(shape, xs.clone()).add(shape), "case " + k + ": sum");
            assertEquals(eager.restrictTo(shape), VValue.withLeaves(shape, xs.clone()).restrictTo(shape), "case " + k + ": restriction");
        }
    }

    @Test
    void theArrayReadsAgreeWithTheTree() {
        RandomVValues gen = new RandomVValues(12);
        Random r = gen.random();
        int lazyCases = 0;
        for (int k = 0; k < 300; k++) {
            VValue shape = gen.next(3);
            double[] xs = values(r, shape.leafCount(), true);
            VValue lazy = VValue.withLeaves(shape, xs.clone());
            double[] read = lazy.leavesOver(shape);
            boolean negativeZero = false;
            for (double x : xs) negativeZero |= Double.doubleToRawLongBits(x) == Double.doubleToRawLongBits(-0.0);
            if (negativeZero) assertNull(read, "case " + k + ": with a -0.0 the caller walks the tree");
            if (read == null) continue; // built at once (no child left, or a bare number), or a -0.0
            lazyCases++;
            // the walk's reading: the tree's leaf at each of the shape's paths, +0.0 where dropped
            List<Double> walked = new ArrayList<>();
            VValue tree = mapped(shape, xs);
            shape.forEachLeaf((p, x) -> walked.add(tree.getIn(p).scalarPart()));
            for (int i = 0; i < read.length; i++)
                assertEquals(Double.doubleToLongBits(walked.get(i)), Double.doubleToLongBits(read[i]), "case " + k + ", leaf " + i);
            assertSame(lazy, lazy.restrictTo(shape), "restricted to its own shape it is itself");
            assertNull(lazy.leavesOver(gen.next(3).add(VValue.of(1))), "another shape: no array");
        }
        assertTrue(lazyCases > 100, "the cases exercise the lazy trees: " + lazyCases);
    }

    /** A training step's weights are made over the last step's: the chain keeps only the first tree's shape, and reads stay arrays. */
    @Test
    void chainsShareTheFirstShapeAndKeepNoEarlierStep() {
        RandomVValues gen = new RandomVValues(13);
        VValue shape = gen.next(3).add(VValue.of(1)).add(VValue.of("k", VValue.of(2)));
        Random r = gen.random();
        VValue w = shape;
        VValue expected = shape;
        for (int step = 0; step < 50; step++) {
            double[] xs = values(r, shape.leafCount(), false);
            double[] read = step == 0 ? null : w.leavesOver(shape);
            if (step > 0) assertNotNull(read, "step " + step + ": read as an array over the first shape");
            VValue next = VValue.withLeaves(w, xs.clone());
            expected = mapped(expected, xs);
            assertSame(shape, ((LeavesNode) next).shape, "step " + step + ": the first tree is the shape");
            assertArrayEquals(xs, next.leavesOver(w), "step " + step + ": read over the previous step's tree");
            w = next;
        }
        assertSameTree(expected, w, "after 50 steps");
    }

    @Test
    void aNanFailsAtOnceAsMapLeavesDoes() {
        VValue shape = new RandomVValues(14).next(2).add(VValue.of("k", VValue.of(2)));
        double[] xs = new double[shape.leafCount()];
        Arrays.fill(xs, 1.5);
        xs[xs.length - 1] = Double.NaN;
        assertThrows(NonFiniteException.class, () -> VValue.withLeaves(shape, xs));
        assertThrows(IllegalArgumentException.class, () -> VValue.withLeaves(shape, new double[xs.length + 1]), "one value per leaf");
    }

    @Test
    void allZerosOrOnlyTheRootLeafGiveThePlainTree() {
        VValue shape = VValue.of(3).add(VValue.of("a", VValue.of(1))).add(VValue.of("b", VValue.of(2)));
        assertEquals(VValue.ZERO, VValue.withLeaves(shape, new double[3]));
        VValue rootOnly = VValue.withLeaves(shape, new double[] {4, 0, 0});
        assertTrue(rootOnly.isScalar());
        assertEquals(VValue.of(4), rootOnly);
        assertNull(rootOnly.leavesOver(shape));
    }
}
