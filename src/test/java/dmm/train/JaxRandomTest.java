package dmm.train;

import static org.junit.jupiter.api.Assertions.*;

import dmm.bind.TrainLib;
import dmm.lang.DmmException;
import dmm.lang.Interpreter;
import dmm.lang.Values;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The threefry2x32 / normal / erfinv port against JAX's published key(0) vectors and the spec's first draws. */
class JaxRandomTest {
    @Test
    void bitsOfKeyZeroAreJaxs() {
        assertArrayEquals(new long[] {4146024105L, 967050713L, 2718843009L, 1272950319L},
                JaxRandom.bits(JaxRandom.key(0), 4));
    }

    @Test
    void normalsOfKeyZeroAreJaxs() {
        float[] z = JaxRandom.normal(JaxRandom.key(0), 4);
        assertArrayEquals(new float[] {1.8160863f, -0.75488514f, 0.33988908f, -0.53483534f}, z);
    }

    @Test
    void firstSuperfluidDrawsMatchTheSpec() {
        // 2944 leaves in the published network's initial-output tree; leaves 4, 5, 6 are fluid-0-0's
        // F entries accum_add_args, compare_scalars, dot_product (SUPERFLUID.md §5)
        double[] w = JaxRandom.splitNormals(0, 2944, 0.1f);
        assertEquals(0.007923229f, (float) w[4]);
        assertEquals(0.11594379f, (float) w[5]);
        assertEquals(0.09715625f, (float) w[6]);
    }

    @Test
    void builtinGivesTheSameDraws() {
        Interpreter interp = new Interpreter();
        TrainLib.install(interp);
        List<?> draws = (List<?>) interp.eval("t", "(take 3 (drop 4 (jax-normals 0 2944 0.1)))");
        double[] expected = JaxRandom.splitNormals(0, 2944, 0.1f);
        for (int i = 0; i < 3; i++)
            assertEquals(expected[4 + i], Values.toDouble(draws.get(i), "draw"), 0.0);
        assertEquals(0.11594379f, (float) Values.toDouble(draws.get(1), "draw"));
        DmmException e = assertThrows(DmmException.class, () -> interp.eval("t", "(jax-normals 0 -1 0.1)"));
        assertTrue(e.getMessage().contains("jax-normals needs a count of at least 0, got -1"), e.getMessage());
    }

    @Test
    void splitListsFirstWordsThenSecondWords() {
        int[] k = JaxRandom.key(0);
        int[][] two = JaxRandom.split(k, 2);
        int[] h0 = JaxRandom.hash(0, 0, 0, 2), h1 = JaxRandom.hash(0, 0, 1, 3);
        assertArrayEquals(new int[] {h0[0], h1[0]}, two[0]);
        assertArrayEquals(new int[] {h0[1], h1[1]}, two[1]);
    }

    @Test
    void keyHoldsTheSeedsWords() {
        assertArrayEquals(new int[] {0, 7}, JaxRandom.key(7));
        assertArrayEquals(new int[] {1, 2}, JaxRandom.key((1L << 32) | 2));
    }

    @Test
    void erfinvIsTheInverseOfErfToFloatPrecision() {
        assertEquals(0f, JaxRandom.erfinv(0f));
        assertEquals(0.4769362762f, JaxRandom.erfinv(0.5f), 1e-6f);
        assertEquals(-1.1630871537f, JaxRandom.erfinv(-0.9f), 1e-6f);
        assertEquals(2.7510639057f, JaxRandom.erfinv(0.9999f), 1e-4f); // float32(0.9999) is 1.2e-8 off; the slope there is ~1700
        assertEquals(Float.POSITIVE_INFINITY, JaxRandom.erfinv(1f));
    }
}
