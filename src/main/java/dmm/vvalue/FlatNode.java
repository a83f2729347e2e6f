package dmm.vvalue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * A flat value held densely: the scalar and the numbers under keys as one array over a
 * {@link FlatKeys} table (coordinate 0 the scalar). At least one key is non-zero (a value
 * with none is a number). Read through the common API it is the tree it stands for (the
 * plain arrays are made once, on first use); the algebra on two flat nodes of one family,
 * or a flat node and a number, works on the arrays.
 */
final class FlatNode extends VValue {
    final FlatKeys table;
    final double[] v;
    final int size;
    /** The plain arrays once made; racy but safe: a {@link Sorted} is immutable with final fields. */
    Sorted merged;

    FlatNode(FlatKeys table, double[] v, int size) {
        super(v[0], null, null);
        this.table = table;
        this.v = v;
        this.size = size;
    }

    @Override
    Sorted sorted() {
        Sorted m = merged;
        if (m == null) {
            String[] k = new String[size];
            VValue[] c = new VValue[size];
            int n = 0;
            for (int id : table.sortedIds()) {
                if (id >= v.length || v[id] == 0) continue;
                k[n] = table.name(id);
                c[n++] = of(v[id]);
            }
            m = new Sorted(k, c);
            merged = m;
        }
        return m;
    }

    @Override
    int lazySize() {
        return size;
    }

    @Override
    VValue lazyGet(String key) {
        int id = table.id(key);
        return id > 0 && id < v.length ? of(v[id]) : ZERO;
    }

    @Override
    VValue lazyWithScalar(double s) {
        double[] r = v.clone();
        r[0] = s;
        return new FlatNode(table, r, size);
    }

    @Override
    VValue lazyWith(String key, VValue child) {
        int id = table.id(key);
        if (id > 0 && child.isScalar()) {
            double[] r = Arrays.copyOf(v, Math.max(v.length, id + 1));
            r[id] = child.scalar;
            return flat(table, r);
        }
        Sorted m = sorted();
        return new VValue(scalar, m.keys, m.children).withChild(key, child);
    }

    /** Leaf-wise {@code f} on the non-zero coordinates (in key order, as the tree would visit them). */
    VValue map(DoubleUnaryOperator f) {
        double[] r = new double[v.length];
        if (v[0] != 0) r[0] = checkFinite(f.applyAsDouble(v[0]));
        for (int id : table.sortedIds()) {
            if (id >= v.length || v[id] == 0) continue;
            r[id] = checkFinite(f.applyAsDouble(v[id]));
        }
        return flat(table, r);
    }

    /** {@code map(x -> λ·x)} as one pass over the array (each coordinate on its own: the order does not matter). */
    VValue scaled(double lambda) {
        double[] r = new double[v.length];
        for (int i = 0; i < r.length; i++) {
            double x = v[i];
            if (x != 0) r[i] = checkFinite(lambda * x);
        }
        return flat(table, r);
    }

    /** Σ of the leaves: the scalar, then the keys in key order (the tree's order). */
    double flatSum() {
        double s = v[0];
        for (int id : table.sortedIds()) if (id < v.length && v[id] != 0) s += v[id];
        return s;
    }

    /** The dot product of two flat nodes of one family: the scalars' product, then the common keys in key order. */
    static double flatDot(FlatNode a, FlatNode b) {
        double s = a.v[0] * b.v[0];
        double[] x = a.v, y = b.v;
        int len = Math.min(x.length, y.length);
        for (int id : FlatKeys.larger(a.table, b.table).sortedIds()) {
            if (id >= len) continue;
            double xi = x[id], yi = y[id];
            if (xi != 0 && yi != 0) s += xi * yi;
        }
        return s;
    }

    /**
     * {@code α·a + β·b} on the arrays when both are flat nodes of one family or one is a number
     * (each coordinate as the tree merge computes it); null otherwise (the tree merge does it).
     */
    static VValue flatCombine(double alpha, VValue a, double beta, VValue b) {
        FlatKeys t;
        if (a instanceof FlatNode fa) {
            if (b instanceof FlatNode fb) {
                if (!fa.table.sameFamily(fb.table)) return null;
                t = FlatKeys.larger(fa.table, fb.table);
            } else if (b.isScalar()) t = fa.table;
            else return null;
        } else if (a.isScalar()) t = ((FlatNode) b).table;
        else return null;
        double[] x = a instanceof FlatNode fa ? fa.v : null, y = b instanceof FlatNode fb ? fb.v : null;
        int n = Math.max(x == null ? 1 : x.length, y == null ? 1 : y.length);
        double[] r = new double[n];
        r[0] = alpha * a.scalar + beta * b.scalar;
        for (int i = 1; i < n; i++) {
            double xi = x != null && i < x.length ? x[i] : 0, yi = y != null && i < y.length ? y[i] : 0;
            // as the merge: a key of one side only is that side scaled; of both, α·x + β·y
            r[i] = yi == 0 ? (xi == 0 ? 0 : alpha == 1 ? xi : alpha * xi) : xi == 0 ? (beta == 1 ? yi : beta * yi) : alpha * xi + beta * yi;
        }
        return flat(t, r);
    }

    // ------------------------------------------------------------------ the API on the array

    @Override
    public boolean isFlat() {
        return true;
    }

    @Override
    public FlatKeys flatKeys() {
        return table;
    }

    @Override
    public double[] flatValues() {
        return v;
    }

    @Override
    public int leafCount() {
        return size + (scalar != 0 ? 1 : 0);
    }

    @Override
    VValue scaledBy(double lambda) {
        return scaled(lambda);
    }

    @Override
    public double maxAbs() {
        double m = 0;
        for (double x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    @Override
    public double sum() {
        return flatSum();
    }

    @Override
    VValue mapNonZero(DoubleUnaryOperator f) {
        return map(f);
    }
}
