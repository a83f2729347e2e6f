package dmm.machine;

import dmm.vvalue.VValue;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Dense coordinates for flat V-values (a scalar plus numbers under keys): the keys met on the
 * wires of one run get small integer ids, so the compiled down movement and its pullback add
 * flat vectors as short double arrays instead of merging trees. Coordinate 0 is the scalar.
 * Synchronized: a compiled plan may be shared by a network run on two threads.
 */
final class KeySpace {
    private final Map<String, Integer> ids = new HashMap<>();
    private String[] names = new String[16];
    private int size = 1; // 0 is the scalar
    private int[] sortedIds = new int[0];
    private String[] sortedNames = new String[0];
    private boolean sortedValid = true;

    synchronized int size() {
        return size;
    }

    private int id(String key) {
        Integer i = ids.get(key);
        if (i != null) return i;
        if (size == names.length) names = Arrays.copyOf(names, size * 2);
        names[size] = key;
        ids.put(key, size);
        sortedValid = false;
        return size++;
    }

    /** Registers the keys of a flat value and returns its dense coordinates in an array of {@link #size()} (one lock, one lookup per key). */
    synchronized double[] denseOf(VValue v) {
        int n = v.childCount();
        int[] at = new int[n];
        for (int i = 0; i < n; i++) at[i] = id(v.keyAt(i));
        double[] d = new double[size];
        d[0] = v.scalarPart();
        for (int i = 0; i < n; i++) d[at[i]] = v.childAt(i).scalarPart();
        return d;
    }

    /**
     * The dense coordinates of flat values, all of one length (every key registered first): a
     * number goes to {@code scalars[s]} and leaves {@code dense[s]} null, a vector to {@code dense[s]}.
     */
    synchronized void denseAll(VValue[] ys, double[][] dense, double[] scalars) {
        int[][] at = new int[ys.length][];
        for (int s = 0; s < ys.length; s++) {
            VValue y = ys[s];
            if (y.isScalar()) continue;
            int n = y.childCount();
            int[] a = at[s] = new int[n];
            for (int i = 0; i < n; i++) a[i] = id(y.keyAt(i));
        }
        for (int s = 0; s < ys.length; s++) {
            VValue y = ys[s];
            int[] a = at[s];
            if (a == null) {
                scalars[s] = y.scalarPart();
                continue;
            }
            double[] d = dense[s] = new double[size];
            d[0] = y.scalarPart();
            for (int i = 0; i < a.length; i++) d[a[i]] = y.childAt(i).scalarPart();
        }
    }

    /** The flat value of dense coordinates. */
    synchronized VValue value(double[] d) {
        if (!sortedValid) sort();
        int n = sortedIds.length;
        double[] vals = new double[n];
        for (int i = 0; i < n; i++) {
            int id = sortedIds[i];
            vals[i] = id < d.length ? d[id] : 0;
        }
        return VValue.flat(d[0], sortedNames, vals, n);
    }

    private void sort() {
        int n = size - 1;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i + 1;
        Arrays.sort(order, (a, b) -> names[a].compareTo(names[b]));
        sortedIds = new int[n];
        sortedNames = new String[n];
        for (int i = 0; i < n; i++) {
            sortedIds[i] = order[i];
            sortedNames[i] = names[order[i]];
        }
        sortedValid = true;
    }
}
