package dmm.train;

import dmm.vvalue.LeafVector;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The leaves of a parameter tree as parallel arrays (paths in sorted order, values), so that
 * optimizers and the regularizer can combine parameters, gradients and state leaf by leaf and
 * build trees keyed exactly like the parameters again.
 *
 * <p>A training step changes the weights, not the links: the tree an update builds has the
 * same leaf paths as the parameters it came from (unless a weight became exactly 0), so its
 * table is {@link #next} of the old one, sharing the paths list — optimizer state kept as arrays
 * aligned with one table stays aligned with the next, and nothing walks the tree's paths again.
 */
final class LeafTable {
    final List<List<String>> paths;
    final double[] values;

    /** The parameter tree the table was made from. */
    final VValue source;

    /** Which leaves a regularizer with excluded neurons {@link #regularizedFor} applies to (cached for one excluded set). */
    private Set<String> regularizedFor;
    private boolean[] regularized;

    LeafTable(VValue params) {
        source = params;
        paths = new ArrayList<>();
        List<Double> vals = new ArrayList<>();
        params.forEachLeaf((p, x) -> {
            paths.add(List.copyOf(p));
            vals.add(x);
        });
        values = new double[vals.size()];
        for (int i = 0; i < values.length; i++) values[i] = vals.get(i);
    }

    private LeafTable(VValue source, List<List<String>> paths, double[] values, Set<String> regularizedFor, boolean[] regularized) {
        this.source = source;
        this.paths = paths;
        this.values = values;
        this.regularizedFor = regularizedFor;
        this.regularized = regularized;
    }

    int size() {
        return values.length;
    }

    /**
     * The table of {@code built} = {@link #build}{@code (xs)}, sharing this table's paths, when
     * it has exactly these leaf paths (no value of xs is 0 or NaN); null otherwise. {@code xs}
     * becomes the new table's values: the caller must not change it afterwards.
     */
    LeafTable next(VValue built, double[] xs) {
        if (xs.length != values.length) return null;
        for (double x : xs) if (x == 0 || Double.isNaN(x)) return null;
        return new LeafTable(built, paths, xs, regularizedFor, regularized);
    }

    /**
     * The leaves of {@code t} at this table's paths (0 where t has none; t's other leaves are
     * ignored): one walk of the parameter tree and t side by side, no path lists.
     */
    double[] read(VValue t) {
        double[] known = LeafVector.valuesOver(t, source);
        if (known != null) return known;
        double[] out = new double[values.length];
        int n = readWalk(source, t, out, 0);
        if (n != out.length) throw new IllegalStateException("leaf table out of step with its tree: " + n + " of " + out.length + " leaves");
        return out;
    }

    /** Writes t's leaves at the leaf positions of {@code shape} (numbered from {@code pos} in forEachLeaf order); returns the next position. */
    private static int readWalk(VValue shape, VValue t, double[] out, int pos) {
        if (shape.scalarPart() != 0) out[pos++] = t.scalarPart();
        int n = shape.childCount();
        if (n == 0) return pos;
        int m = t.childCount(), j = 0;
        for (int i = 0; i < n; i++) {
            String key = shape.keyAt(i);
            VValue tc = VValue.ZERO;
            while (j < m) {
                String tk = t.keyAt(j);
                if (tk == key) {
                    tc = t.childAt(j);
                    break;
                }
                int c = tk.compareTo(key);
                if (c < 0) j++;
                else {
                    if (c == 0) tc = t.childAt(j);
                    break;
                }
            }
            pos = readWalk(shape.childAt(i), tc, out, pos);
        }
        return pos;
    }

    /** The tree with {@code xs[i]} at path i (zeros dropped). */
    VValue build(double[] xs) {
        boolean finite = true;
        for (double x : xs) finite &= !Double.isNaN(x);
        if (finite) {
            // the parameters' tree with new leaves (zeros dropped), made only if read as a tree
            return LeafVector.tree(source, xs.clone());
        }
        VBuilder b = new VBuilder();
        for (int i = 0; i < xs.length; i++) if (xs[i] != 0) b.addAt(paths.get(i), xs[i]);
        return b.build();
    }

    /** Per leaf: the regularizer with these excluded neurons applies to it ({@link Regularizer#applies}). */
    boolean[] regularized(Regularizer r) {
        Set<String> ex = r.excluded();
        if (regularized != null && (regularizedFor == ex || regularizedFor.equals(ex))) return regularized;
        boolean[] a = new boolean[paths.size()];
        for (int i = 0; i < a.length; i++) a[i] = r.applies(paths.get(i));
        regularizedFor = ex;
        regularized = a;
        return a;
    }
}
