package dmm.machine;

import dmm.vvalue.FlatKeys;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Dense coordinates for the flat values on the wires (a scalar plus numbers under keys): the
 * keys met in the runs of one plan (and of the plans reusing it) get small integer coordinates
 * in a growing family of immutable {@link FlatKeys} tables, so the compiled down movement and
 * its pullback add flat vectors as double arrays, and hand them on as flat nodes
 * ({@link VValue#flat}) without an object per leaf. Coordinate 0 is the scalar.
 *
 * <p>Thread-safe: the current table is immutable and read without a lock; only a value with a
 * key the table lacks takes the lock, to append it. A plan and its key space may be shared by
 * runs on several threads.
 */
final class KeySpace {
    private volatile FlatKeys table = FlatKeys.newFamily();

    /** The current table (every key registered so far). */
    FlatKeys table() {
        return table;
    }

    int size() {
        return table.size();
    }

    /** The table with every key of the flat value {@code v}; one that is already of this family needs nothing. */
    private FlatKeys register(VValue v) {
        FlatKeys t = table;
        if (t.sameFamily(v.flatKeys())) return t;
        int n = v.childCount();
        for (int i = 0; i < n; i++) if (t.id(v.keyAt(i)) < 0) return add(v);
        return t;
    }

    private synchronized FlatKeys add(VValue v) {
        FlatKeys t = table;
        List<String> more = new ArrayList<>();
        int n = v.childCount();
        for (int i = 0; i < n; i++) if (t.id(v.keyAt(i)) < 0) more.add(v.keyAt(i));
        if (!more.isEmpty()) table = t = t.with(more.toArray(String[]::new));
        return t;
    }

    /** The coordinate of {@code key} (registered when new; {@code :number} is coordinate 0). */
    int coordinate(String key) {
        if (key.equals(VValue.NUMBER)) return 0;
        int id = table.id(key);
        return id >= 0 ? id : register(VValue.of(key, VValue.ONE)).id(key);
    }

    /**
     * The dense coordinates of a flat value (at most {@link #size()} long; missing coordinates
     * are 0). A flat node of this family gives its own array: read it, never write it.
     */
    double[] denseOf(VValue v) {
        FlatKeys t = register(v);
        if (t.sameFamily(v.flatKeys())) return v.flatValues();
        double[] d = new double[t.size()];
        d[0] = v.scalarPart();
        int n = v.childCount();
        for (int i = 0; i < n; i++) d[t.id(v.keyAt(i))] = v.childAt(i).scalarPart();
        return d;
    }

    /**
     * The dense coordinates of flat values: a number goes to {@code scalars[s]} and leaves
     * {@code dense[s]} null, a vector to {@code dense[s]} (read-only, at most the returned
     * table's size long). Returns the table that covers them all.
     */
    FlatKeys denseAll(VValue[] ys, double[][] dense, double[] scalars) {
        for (int s = 0; s < ys.length; s++) {
            VValue y = ys[s];
            if (y.isScalar()) scalars[s] = y.scalarPart();
            else dense[s] = denseOf(y);
        }
        return table;
    }

    /** The flat value of dense coordinates (made over this space's current table; the array is kept). */
    VValue value(double[] d) {
        return VValue.flat(table, d);
    }
}
