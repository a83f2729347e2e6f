package dmm.vvalue;

import java.util.Arrays;

/**
 * A mutable accumulator of V-values: the workhorse of the down movement and of the backward
 * pass. Sums are collected in place and {@link #build()} returns the canonical immutable value.
 *
 * <p>Children are kept in small parallel arrays sorted by key (values on DMM wires have tens of
 * keys at most), so accumulation does not box per leaf or churn hash maps.
 */
public final class VBuilder {
    private double scalar;
    private String[] keys = EMPTY_KEYS;
    private VBuilder[] children = EMPTY_CHILDREN;
    private int size;

    private static final String[] EMPTY_KEYS = new String[0];
    private static final VBuilder[] EMPTY_CHILDREN = new VBuilder[0];

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
        String[] vk = v.keys;
        for (int i = 0; i < vk.length; i++) child(vk[i]).addScaled(w, v.children[i]);
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
        child(key).addScaled(w, v);
        return this;
    }

    /** Adds {@code x} to the scalar part. */
    public VBuilder addScalar(double x) {
        scalar += x;
        return this;
    }

    /** Adds {@code x} at the leaf {@code path}. */
    public VBuilder addAt(java.util.List<String> path, double x) {
        VBuilder b = this;
        for (String k : path) {
            if (k.equals(VValue.NUMBER)) break;
            b = b.child(k);
        }
        b.scalar += x;
        return this;
    }

    /** The child builder at {@code key}, created when absent. */
    public VBuilder child(String key) {
        int lo = 0, hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = keys[mid].compareTo(key);
            if (c < 0) lo = mid + 1;
            else if (c > 0) hi = mid - 1;
            else return children[mid];
        }
        if (size == keys.length) {
            int cap = Math.max(4, size * 2);
            keys = Arrays.copyOf(keys, cap);
            children = Arrays.copyOf(children, cap);
        }
        System.arraycopy(keys, lo, keys, lo + 1, size - lo);
        System.arraycopy(children, lo, children, lo + 1, size - lo);
        VBuilder b = new VBuilder();
        keys[lo] = key;
        children[lo] = b;
        size++;
        return b;
    }

    /** True when nothing non-zero has been added (cancellations count as zero only after build). */
    public boolean isEmpty() {
        return scalar == 0 && size == 0;
    }

    /** Resets to zero. */
    public void clear() {
        scalar = 0;
        size = 0;
        keys = EMPTY_KEYS;
        children = EMPTY_CHILDREN;
    }

    /** The canonical immutable value of the sum so far (contributions that cancel vanish). */
    public VValue build() {
        if (size == 0) return VValue.of(scalar);
        String[] ks = new String[size];
        VValue[] ch = new VValue[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            VValue v = children[i].build();
            if (!v.isZero()) {
                ks[n] = keys[i];
                ch[n++] = v;
            }
        }
        return VValue.make(scalar, ks, ch, n);
    }
}
