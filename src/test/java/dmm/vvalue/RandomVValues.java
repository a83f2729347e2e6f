package dmm.vvalue;

import java.util.Random;

/** Random V-values of varied shapes, depths and key overlaps, for property tests. */
public final class RandomVValues {
    private static final String[] KEYS = {"a", "b", "c", "d", "e", "x", "y", "t", ".", "hello world"};
    private final Random rnd;

    public RandomVValues(long seed) {
        rnd = new Random(seed);
    }

    /** A random value of depth at most {@code depth}, drawing keys from a small alphabet (so values overlap). */
    public VValue next(int depth) {
        VBuilder b = new VBuilder();
        fill(b, depth);
        return b.build();
    }

    /** A random value with no zero-valued leaf closer than 1e-3 to 0 (safe for kinks). */
    public VValue nextAwayFromZero(int depth) {
        return next(depth).mapLeaves(x -> Math.abs(x) < 0.05 ? 0.5 : x);
    }

    private void fill(VBuilder b, int depth) {
        if (rnd.nextDouble() < 0.6) b.addScalar(leaf());
        if (depth == 0) return;
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) fill(b.child(KEYS[rnd.nextInt(KEYS.length)]), depth - 1);
    }

    public double leaf() {
        double x = rnd.nextGaussian() * 2;
        return rnd.nextInt(10) == 0 ? Math.rint(x) : x;
    }

    public Random random() {
        return rnd;
    }
}
