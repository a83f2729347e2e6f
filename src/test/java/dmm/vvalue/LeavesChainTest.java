package dmm.vvalue;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Found in review of {@link VValue#withLeaves}: a flat shape stays a flat node, and chains of training steps that drop weights keep no earlier step alive. */
class LeavesChainTest {
    private static VValue mapped(VValue shape, double[] xs) {
        int[] i = {0};
        return shape.mapLeaves(x -> xs[i[0]++]);
    }

    /**
     * withLeaves over a flat node is not "equal in every respect" to mapLeaves: mapLeaves keeps a
     * Flat node (Flat.map), the lazy tree reports no key table, so every flatKeys()/flatValues()
     * fast path (KeySpace.denseOf, VBuilder.addScaled, VValue.combine/dot) is lost for it.
     */
    @Test
    void aTreeOverAFlatShapeIsAFlatNodeAsMapLeavesMakesIt() {
        FlatKeys t = FlatKeys.newFamily().with("a", "b", "c");
        VValue shape = VValue.flat(t, new double[] {0, 1, 2, 3});
        double[] xs = {4, 5, 6};
        VValue eager = mapped(shape, xs);
        VValue lazy = VValue.withLeaves(shape, xs.clone());
        assertEquals(eager, lazy);
        assertNotNull(eager.flatKeys(), "mapLeaves keeps a flat node");
        assertNotNull(lazy.flatKeys(), "withLeaves over a flat node: a flat node too");
    }

    /** Depth of the chain of lazy trees behind {@code v} (0: a plain tree). */
    private static int chain(VValue v) {
        int n = 0;
        while (v instanceof LeavesNode l) {
            n++;
            v = l.shape;
        }
        return n;
    }

    /**
     * A training step whose update makes one weight exactly 0 (Sgd with lr 1 and the gradient
     * equal to the weight, an Adam first step lr·sign(g) on a weight equal to lr, ...) gives a
     * Leaves that is not keepsAll; the next step's weights are made over it (not over its shape),
     * so every such step adds one level to the chain: each earlier step's values array and built
     * tree stay reachable from the network's matrix for ever.
     */
    @Test
    void stepsThatDropAWeightDoNotChainTheirTrees() {
        VBuilder b = new VBuilder();
        for (int i = 0; i < 40; i++) b.addAt(List.of("n" + (char) ('a' + i % 26) + i, "x"), 1 + i);
        VValue w = b.build();
        for (int step = 0; step < 20; step++) {
            int n = w.leafCount();
            double[] xs = new double[n];
            for (int i = 0; i < n; i++) xs[i] = 1.5 + i + step;
            if (step % 2 == 0) xs[0] = 0; // this step drops a weight
            w = VValue.withLeaves(w, xs);
        }
        assertTrue(chain(w) <= 2, "chain of lazy trees behind the weights after 10 dropped weights: " + chain(w));
    }
}
