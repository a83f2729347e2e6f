package dmm.train;

import dmm.vvalue.VValue;
import java.util.List;
import java.util.Set;

/**
 * L1 and L2 penalties over a rank-6 soft matrix, skipping the rows into excluded neurons
 * (e.g. {@code timer}, {@code input}). Computed outside the tape: the penalty and its
 * (sub)gradient are exact and cheap ({@code |w|'(0) = 0}).
 */
public record Regularizer(double l1, double l2, Set<String> excluded) {
    public Regularizer {
        if (!(l1 >= 0) || !Double.isFinite(l1)) throw new IllegalArgumentException("λ (L1) must be a number at least 0, got " + l1);
        if (!(l2 >= 0) || !Double.isFinite(l2)) throw new IllegalArgumentException("the L2 coefficient must be a number at least 0, got " + l2);
        excluded = Set.copyOf(excluded);
    }

    /** True when the leaf at {@code path} (rank 6: to-type, to-name, ...) is regularized. */
    boolean applies(List<String> path) {
        return path.size() < 2 || !excluded.contains(path.get(1));
    }

    /** Σ |w| over the regularized leaves. */
    public double l1Norm(VValue w) {
        return l1Norm(new LeafTable(w));
    }

    /** Σ w² over the regularized leaves. */
    public double l2Norm(VValue w) {
        return l2Norm(new LeafTable(w));
    }

    /** {@code l1·Σ|w| + l2·Σw²}. */
    public double penalty(VValue w) {
        return penalty(w, l1Norm(w));
    }

    /** The penalty when Σ|w| is already known. */
    public double penalty(VValue w, double l1Norm) {
        return penalty(new LeafTable(w), l1Norm);
    }

    /** The gradient of the penalty: {@code l1·sign(w) + 2·l2·w} on the regularized leaves. */
    public VValue gradient(VValue w) {
        if (l1 == 0 && l2 == 0) return VValue.ZERO;
        return w.filterLeaves((p, x) -> applies(p)).mapLeaves(x -> l1 * Math.signum(x) + 2 * l2 * x);
    }

    // the sums and terms on a leaf table (the leaves in forEachLeaf order): the one
    // implementation, which the tree forms above go through

    /** {@link #l1Norm(VValue)} of the table's tree. */
    double l1Norm(LeafTable t) {
        boolean[] a = t.regularized(this);
        double[] w = t.values;
        double s = 0;
        for (int i = 0; i < w.length; i++) if (a[i]) s += Math.abs(w[i]);
        return s;
    }

    /** {@link #l2Norm(VValue)} of the table's tree. */
    double l2Norm(LeafTable t) {
        boolean[] a = t.regularized(this);
        double[] w = t.values;
        double s = 0;
        for (int i = 0; i < w.length; i++) if (a[i]) s += w[i] * w[i];
        return s;
    }

    /** {@link #penalty(VValue, double)} of the table's tree. */
    double penalty(LeafTable t, double l1Norm) {
        return l1 * l1Norm + (l2 == 0 ? 0 : l2 * l2Norm(t));
    }

    /**
     * Adds {@link #gradient(VValue)} of the table's tree to {@code g} (aligned with the table):
     * {@code g[i] + (l1·sign(w) + 2·l2·w)} on the regularized leaves, as {@code g.add(gradient(w))} sums it.
     */
    void addGradient(LeafTable t, double[] g) {
        if (l1 == 0 && l2 == 0) return;
        boolean[] a = t.regularized(this);
        double[] w = t.values;
        for (int i = 0; i < w.length; i++) {
            if (!a[i]) continue;
            double x = w[i];
            g[i] = g[i] + (l1 * Math.signum(x) + 2 * l2 * x);
        }
    }

    public Regularizer withL1(double v) {
        return new Regularizer(v, l2, excluded);
    }
}
