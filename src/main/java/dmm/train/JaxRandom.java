package dmm.train;

/**
 * A bit-exact port of JAX's default PRNG as the 2024 superfluid experiment used it
 * (shared/SUPERFLUID.md §5): threefry2x32 in the non-partitionable mode of JAX ≤ 0.4.x,
 * {@code PRNGKey}, {@code split}, {@code random_bits} and scalar {@code normal} in float32 with
 * XLA's float32 {@code erfinv}. With it dmm produces the very same initial weights as the
 * source. A key is an {@code int[2]} of two unsigned 32-bit words held in Java ints.
 */
public final class JaxRandom {
    private JaxRandom() {}

    private static final int[] ROT_EVEN = {13, 15, 26, 6};
    private static final int[] ROT_ODD = {17, 29, 16, 24};

    /** {@code PRNGKey(seed)}: the high and low 32-bit words of the 64-bit seed. */
    public static int[] key(long seed) {
        return new int[] {(int) (seed >>> 32), (int) seed};
    }

    /** threefry2x32 of one pair of counts under the key (k0, k1): 20 rounds, 5 key injections. */
    public static int[] hash(int k0, int k1, int x0, int x1) {
        int[] ks = {k0, k1, k0 ^ k1 ^ 0x1BD11BDA};
        x0 += ks[0];
        x1 += ks[1];
        for (int i = 0; i < 5; i++) {
            int[] rot = (i % 2 == 0) ? ROT_EVEN : ROT_ODD;
            for (int r : rot) {
                x0 += x1;
                x1 = Integer.rotateLeft(x1, r) ^ x0;
            }
            x0 += ks[(i + 1) % 3];
            x1 += ks[(i + 2) % 3] + i + 1;
        }
        return new int[] {x0, x1};
    }

    /**
     * threefry2x32 over the counts 0..m−1 (an odd m is padded with one zero count): the first
     * half of the counts is paired with the second half, and the result lists all first words,
     * then all second words, cut back to m words.
     */
    private static int[] counts(int[] key, int m) {
        int padded = m + (m % 2);
        int half = padded / 2;
        int[] out = new int[padded];
        for (int j = 0; j < half; j++) {
            int c0 = j;
            int c1 = j + half < m ? j + half : 0;
            int[] h = hash(key[0], key[1], c0, c1);
            out[j] = h[0];
            out[j + half] = h[1];
        }
        if (padded == m) return out;
        int[] cut = new int[m];
        System.arraycopy(out, 0, cut, 0, m);
        return cut;
    }

    /** {@code split(key, n)}: n child keys; child i is words 2i and 2i+1 of the hashed counts 0..2n−1. */
    public static int[][] split(int[] key, int n) {
        if (n < 0) throw new IllegalArgumentException("split needs a count of at least 0, got " + n);
        int[] words = counts(key, 2 * n);
        int[][] keys = new int[n][];
        for (int i = 0; i < n; i++) keys[i] = new int[] {words[2 * i], words[2 * i + 1]};
        return keys;
    }

    /** {@code random_bits(key, 32, (n,))}: n 32-bit words, as unsigned values in longs. */
    public static long[] bits(int[] key, int n) {
        int[] words = counts(key, n);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = Integer.toUnsignedLong(words[i]);
        return out;
    }

    /** {@code normal(key, (n,))} in float32. */
    public static float[] normal(int[] key, int n) {
        int[] words = counts(key, n);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = normalFromBits(words[i]);
        return out;
    }

    /** The scalar {@code normal(key)} in float32. */
    public static float normal(int[] key) {
        return normalFromBits(hash(key[0], key[1], 0, 0)[0]);
    }

    private static final float LO = Math.nextUp(-1.0f); // -0.99999994f, the float32 next to −1
    private static final float SQRT2 = (float) Math.sqrt(2.0);

    private static float normalFromBits(int b) {
        float u01 = Float.intBitsToFloat((b >>> 9) | 0x3F800000) - 1.0f;
        float u = Math.max(LO, u01 * 2.0f + LO); // (hi − lo) = 1 + 0.99999994 rounds to 2 in float32
        return SQRT2 * erfinv(u);
    }

    private static final float[] SMALL = {2.81022636e-08f, 3.43273939e-07f, -3.5233877e-06f, -4.39150654e-06f,
        2.1858087e-04f, -1.25372503e-03f, -4.17768164e-03f, 0.246640727f, 1.50140941f};
    private static final float[] LARGE = {-2.00214257e-04f, 1.00950558e-04f, 1.34934322e-03f, -3.67342844e-03f,
        5.73950773e-03f, -7.6224613e-03f, 9.43887047e-03f, 1.00167406f, 2.83297682f};

    /** XLA's float32 erfinv (Giles' single-precision polynomial); ±1 gives ±infinity. */
    public static float erfinv(float x) {
        if (Math.abs(x) == 1.0f) return x * Float.POSITIVE_INFINITY;
        float w = -(float) Math.log1p(-(double) (x * x));
        float[] c;
        if (w < 5.0f) {
            w = w - 2.5f;
            c = SMALL;
        } else {
            w = (float) Math.sqrt(w) - 3.0f;
            c = LARGE;
        }
        float p = c[0];
        for (int i = 1; i < c.length; i++) p = c[i] + p * w;
        return p * x;
    }

    /**
     * The superfluid experiment's draw: {@code scale · normal(keys[i])} in float32 for the n keys of
     * {@code split(PRNGKey(seed), n)}, returned as doubles.
     */
    public static double[] splitNormals(long seed, int n, float scale) {
        int[][] keys = split(key(seed), n);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = scale * normal(keys[i]);
        return out;
    }
}
