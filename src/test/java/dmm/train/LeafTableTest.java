package dmm.train;

import static org.junit.jupiter.api.Assertions.*;

import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The aligned fast paths of LeafTable give what reading and building leaf by leaf gives. */
class LeafTableTest {
    private static VValue randomTree(Random r, int depth) {
        VBuilder b = new VBuilder();
        if (r.nextInt(3) == 0) b.addScalar(r.nextGaussian());
        for (String k : new String[] {"a", "b", "c"})
            if (r.nextInt(2) == 0) b.child(k).add(depth == 0 ? VValue.of(r.nextGaussian()) : randomTree(r, depth - 1));
        return b.build();
    }

    private static double[] readSlowly(LeafTable t, VValue v) {
        double[] out = new double[t.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.getIn(t.paths.get(i)).scalarPart();
        return out;
    }

    private static VValue buildSlowly(LeafTable t, double[] xs) {
        VBuilder b = new VBuilder();
        for (int i = 0; i < xs.length; i++) if (xs[i] != 0) b.addAt(t.paths.get(i), xs[i]);
        return b.build();
    }

    @Test
    void readAndBuildAgreeWithLeafByLeaf() {
        Random r = new Random(5);
        for (int trial = 0; trial < 300; trial++) {
            VValue params = randomTree(r, 3);
            LeafTable t = new LeafTable(params);
            double[] xs = new double[t.size()];
            for (int i = 0; i < xs.length; i++) xs[i] = r.nextInt(4) == 0 ? 0 : r.nextGaussian();
            VValue built = t.build(xs);
            assertEquals(buildSlowly(t, xs), built);
            // same paths (aligned), other values
            VValue same = params.mapLeaves(x -> x * 3 + 1);
            assertArrayEquals(readSlowly(t, same), t.read(same));
            // other paths: read falls back to looking each leaf up
            VValue other = randomTree(r, 3);
            assertArrayEquals(readSlowly(t, other), t.read(other));
            assertArrayEquals(readSlowly(t, built), t.read(built));
        }
        LeafTable t = new LeafTable(VValue.ofPairs("a", 1.0, "b", 2.0));
        assertEquals(List.of(List.of("a"), List.of("b")), t.paths);
        assertThrows(RuntimeException.class, () -> t.build(new double[] {Double.NaN, 1}));
    }
}
