package dmm.vvalue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * A mutable accumulator of V-values: the workhorse of the down movement and of the backward
 * pass. Sums are collected in place and {@link #build()} returns the canonical immutable value.
 *
 * <p>Children are kept in small parallel arrays sorted by key. A child that has only received
 * numbers so far is stored inline as a double (no builder object), which is the common case
 * for the flat dictionaries on DMM wires: adding a ten-key vector allocates nothing. Past
 * {@value #INDEXED} children, new keys are appended and found through a hash index, and the
 * arrays are sorted once when the value is built, so adding n keys in any order costs
 * O(n log n) rather than O(n²).
 */
public final class VBuilder {
    private double scalar;
    private String[] keys = EMPTY_KEYS;
    /** Per child: its builder, or null while the child is a plain number held in {@link #leaf}. */
    private VBuilder[] children = EMPTY_CHILDREN;
    private double[] leaf = EMPTY_LEAVES;
    private int size;
    /** Key to position, once there are many children; while null, keys[0..size) is sorted. */
    private HashMap<String, Integer> index;
    /** Keys were appended out of order since the last sort (only with an index). */
    private boolean unsorted;

    static final int INDEXED = 64;

    private static final String[] EMPTY_KEYS = new String[0];
    private static final VBuilder[] EMPTY_CHILDREN = new VBuilder[0];
    private static final double[] EMPTY_LEAVES = new double[0];

    /** An empty builder (zero). */
    public VBuilder() {}

    /** A builder holding {@code v}. */
    public static VBuilder of(VValue v) {
        VBuilder b = new VBuilder();
        b.addScaled(1.0, v);
        return b;
    }

    /** Adds {@code w · v}. */
    public VBuilder addScaled(double w, VValue v) {
        if (w == 0) return this;
        scalar += w * v.scalar;
        if (v instanceof FlatNode f) {
            // a dense flat value: its non-zero keys in key order, no tree made
            FlatKeys t = f.table;
            double[] x = f.v;
            for (int id : t.sortedIds()) {
                if (id >= x.length || x[id] == 0) continue;
                int at = slot(t.name(id));
                VBuilder b = children[at];
                if (b == null) leaf[at] += w * x[id];
                else b.scalar += w * x[id];
            }
            return this;
        }
        String[] vk = v.ks();
        VValue[] vc = v.cs();
        if (size == 0 && vk.length > 0) {
            // the first value added: take its (sorted) keys wholesale
            int n = vk.length;
            keys = Arrays.copyOf(vk, n + 2);
            children = new VBuilder[n + 2];
            leaf = new double[n + 2];
            for (int i = 0; i < n; i++) {
                VValue c = vc[i];
                if (c.isScalar()) leaf[i] = w * c.scalar;
                else (children[i] = new VBuilder()).addScaled(w, c);
            }
            size = n;
            return this;
        }
        for (int i = 0; i < vk.length; i++) {
            VValue c = vc[i];
            int at = slot(vk[i]);
            if (c.isScalar()) {
                VBuilder b = children[at];
                if (b == null) leaf[at] += w * c.scalar;
                else b.scalar += w * c.scalar;
            } else {
                promote(at).addScaled(w, c);
            }
        }
        return this;
    }

    /** Adds {@code v}. */
    public VBuilder add(VValue v) {
        return addScaled(1.0, v);
    }

    /** Adds {@code w · v} under {@code key} ({@code "number"} addresses the scalar). */
    public VBuilder addScaled(String key, double w, VValue v) {
        if (key.equals(VValue.NUMBER)) {
            scalar += w * v.scalar;
            return this;
        }
        int at = slot(key);
        if (v.isScalar() && children[at] == null) leaf[at] += w * v.scalar;
        else promote(at).addScaled(w, v);
        return this;
    }

    /** Adds {@code x} to the scalar part. */
    public VBuilder addScalar(double x) {
        scalar += x;
        return this;
    }

    /** Adds {@code x} at the leaf {@code path} ({@code "number"} ends the path at a node's scalar). */
    public VBuilder addAt(List<String> path, double x) {
        VBuilder b = this;
        int n = path.size();
        for (int i = 0; i < n; i++) {
            String k = path.get(i);
            if (k.equals(VValue.NUMBER)) break;
            if (i == n - 1) {
                int at = b.slot(k);
                if (b.children[at] == null) b.leaf[at] += x;
                else b.children[at].scalar += x;
                return this;
            }
            b = b.child(k);
        }
        b.scalar += x;
        return this;
    }

    /** The child builder at {@code key}, created when absent. */
    public VBuilder child(String key) {
        return promote(slot(key));
    }

    private VBuilder promote(int at) {
        VBuilder b = children[at];
        if (b == null) {
            b = new VBuilder();
            b.scalar = leaf[at];
            leaf[at] = 0;
            children[at] = b;
        }
        return b;
    }

    /** The index of {@code key}'s child, inserting an empty one (a zero number) when absent. */
    private int slot(String key) {
        if (index != null) {
            Integer i = index.get(key);
            return i != null ? i : append(key);
        }
        String[] ks = keys;
        int lo = 0, hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            String k = ks[mid];
            if (k == key) return mid;
            int c = k.compareTo(key);
            if (c < 0) lo = mid + 1;
            else if (c > 0) hi = mid - 1;
            else return mid;
        }
        if (size >= INDEXED) {
            index = new HashMap<>(size * 2);
            for (int i = 0; i < size; i++) index.put(keys[i], i);
            return append(key);
        }
        if (size == ks.length) grow();
        System.arraycopy(keys, lo, keys, lo + 1, size - lo);
        System.arraycopy(children, lo, children, lo + 1, size - lo);
        System.arraycopy(leaf, lo, leaf, lo + 1, size - lo);
        keys[lo] = key;
        children[lo] = null;
        leaf[lo] = 0;
        size++;
        return lo;
    }

    private void grow() {
        int cap = Math.max(4, size * 2);
        keys = Arrays.copyOf(keys, cap);
        children = Arrays.copyOf(children, cap);
        leaf = Arrays.copyOf(leaf, cap);
    }

    /** Adds an empty child at the end (indexed mode); the arrays are sorted when built. */
    private int append(String key) {
        if (size == keys.length) grow();
        if (size > 0 && keys[size - 1].compareTo(key) > 0) unsorted = true;
        keys[size] = key;
        children[size] = null;
        leaf[size] = 0;
        index.put(key, size);
        return size++;
    }

    /** Puts the children back in key order (indexed mode). */
    private void sort() {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) order[i] = i;
        String[] ks = keys;
        Arrays.sort(order, (x, y) -> ks[x].compareTo(ks[y]));
        String[] nk = new String[keys.length];
        VBuilder[] nc = new VBuilder[keys.length];
        double[] nl = new double[keys.length];
        for (int i = 0; i < size; i++) {
            int j = order[i];
            nk[i] = keys[j];
            nc[i] = children[j];
            nl[i] = leaf[j];
            index.put(nk[i], i);
        }
        keys = nk;
        children = nc;
        leaf = nl;
        unsorted = false;
    }

    /** True when nothing has been added (cancellations count as zero only after build). */
    public boolean isEmpty() {
        return scalar == 0 && size == 0;
    }

    /** The canonical immutable value of the sum so far (contributions that cancel vanish). */
    public VValue build() {
        if (size == 0) return VValue.of(scalar);
        if (unsorted) sort();
        String[] ks = new String[size];
        VValue[] ch = new VValue[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            VBuilder b = children[i];
            VValue v = b == null ? VValue.of(leaf[i]) : b.build();
            if (!v.isZero()) {
                ks[n] = keys[i];
                ch[n++] = v;
            }
        }
        return VValue.make(scalar, ks, ch, n);
    }
}
