package dmm.vvalue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * An immutable V-value: a finite formal linear combination of strings of keys, stored as a
 * prefix tree. A node holds an optional scalar (the coefficient of the empty string, written
 * with the reserved key {@code :number}) and children keyed by strings.
 *
 * <p>Values are always canonical: no zero leaves, no empty subtrees, so structural equality is
 * mathematical equality. Children are kept in arrays sorted by key, which makes printing
 * deterministic and merging linear in the number of keys. A node with many children that is
 * edited key by key ({@code assoc} in a loop) becomes a {@link WideNode} node, which keeps its
 * edits in a small persistent tree, so building a large value one key at a time is linear. A
 * flat value (numbers under keys, the DMM Lite wire shape) may be held as a {@link FlatNode} node:
 * one {@code double[]} over a shared {@link FlatKeys} table, no object per leaf; it is the same
 * value as the tree (equal, same hash, same printing), and the algebra on flat nodes of one key
 * family works on the arrays, with the tree's summation order, so the numbers are the same.
 *
 * <pre>{@code
 * VValue a = VValue.ofPairs("a", 1, "b", VValue.of("c", 2.5));   // {:a 1 :b {:c 2.5}}
 * VValue s = a.add(a).scale(0.5);                   // == a
 * }</pre>
 *
 * <p>Why this file is long: it is the whole public algebra of V-values (construction, access,
 * the arithmetic and the canonical form every operation keeps), and the plain node, which is the
 * base representation; the other representations are in files of their own.
 *
 * <p>How the representations dispatch: a plain node has its arrays ({@code keys != null}) and
 * is read directly; the others leave them null until first read in full and answer the few
 * accessors that must not force them (size, get, withScalar, withChild) through the
 * {@code lazy*} hooks they override. The test is one field read, so the hot accessors of the
 * plain node — the overwhelming majority of nodes — stay monomorphic for the JIT, where
 * overriding them in four classes would make every call site megamorphic. Binary operations
 * that have an array form for two nodes of one kind (add, dot on two {@link FlatNode}s of one
 * key family) test for it first.
 */
public sealed class VValue permits WideNode, FlatNode, LeavesNode {
    /** The reserved key under which a node's scalar is written. */
    public static final String NUMBER = "number";
    private static final int NUMBER_HASH = NUMBER.hashCode();

    /** True when {@code key} is {@link #NUMBER} (most keys are not: their cached hash tells at once). */
    private static boolean isNumberKey(String key) {
        return key == NUMBER || (key.hashCode() == NUMBER_HASH && key.equals(NUMBER));
    }

    private static final String[] NO_KEYS = new String[0];
    private static final VValue[] NO_CHILDREN = new VValue[0];

    /** The zero V-value (the empty map). */
    public static final VValue ZERO = new VValue(0.0, NO_KEYS, NO_CHILDREN);
    /** The scalar 1. */
    public static final VValue ONE = new VValue(1.0, NO_KEYS, NO_CHILDREN);

    /** Nodes with at least this many children are edited through a {@link WideNode} node. */
    static final int WIDE_MIN = 32;

    private static final VValue[] SMALL_INTS = new VValue[257];

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) {
            int v = i - 128;
            SMALL_INTS[i] = v == 0 ? ZERO : new VValue(v, NO_KEYS, NO_CHILDREN);
        }
    }

    final double scalar;
    /** The sorted keys; null in a {@link WideNode} node, whose arrays are made on demand: read them with {@link #ks()}. */
    final String[] keys;
    /** The children in key order; null in a {@link WideNode} node: read them with {@link #cs()}. */
    final VValue[] children;
    private int hash;

    /** Trusted constructor: keys sorted and distinct, children non-zero, arrays not shared. */
    VValue(double scalar, String[] keys, VValue[] children) {
        this.scalar = scalar;
        this.keys = keys;
        this.children = children;
    }

    /** The sorted keys (made once, on first use, for a wide or flat node). */
    final String[] ks() {
        String[] k = keys;
        return k != null ? k : sorted().keys;
    }

    /** The children in key order (made once, on first use, for a wide or flat node). */
    final VValue[] cs() {
        VValue[] c = children;
        return c != null ? c : sorted().children;
    }

    /** The plain arrays of a wide or flat node (only those nodes have null {@link #keys}). */
    Sorted sorted() {
        throw new IllegalStateException("a plain node has its arrays");
    }

    // ---------------------------------------------------------------- construction

    /** The scalar V-value {@code x} (zero when {@code x == 0}). Rejects NaN. */
    public static VValue of(double x) {
        if (x == 0) return ZERO;
        if (x == (int) x && x >= -128 && x <= 128) return SMALL_INTS[(int) x + 128];
        if (Double.isNaN(x)) throw new NonFiniteException("NaN cannot be a V-value leaf");
        return new VValue(x, NO_KEYS, NO_CHILDREN);
    }

    /** The V-value {@code {key value}}. */
    public static VValue of(String key, VValue value) {
        if (key.equals(NUMBER)) return of(value.scalarPart());
        if (value.isZero()) return ZERO;
        return new VValue(0, new String[] {key}, new VValue[] {value});
    }

    /** The V-value {@code {key x}}. */
    public static VValue of(String key, double x) {
        return of(key, of(x));
    }

    /**
     * The map {@code {keys[i] values[i]}} for keys already sorted and distinct (none of them
     * {@code "number"}); zero values are dropped. The arrays are not kept.
     */
    public static VValue ofSorted(String[] keys, VValue[] values, int n) {
        String[] ks = new String[n];
        VValue[] vs = new VValue[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (values[i].isZero()) continue;
            ks[m] = keys[i];
            vs[m++] = values[i];
        }
        return make(0, ks, vs, m);
    }

    /**
     * {@link #ofSorted} that may keep {@code keys} itself (never changed by a value) when no
     * value is zero, and always keeps {@code values}: for callers that make a new values array
     * per call over a fixed key array (a neuron's input fields each cycle). The caller must not
     * change either array afterwards.
     */
    public static VValue ofSortedKeeping(String[] keys, VValue[] values) {
        int n = keys.length;
        for (int i = 0; i < n; i++) if (values[i].isZero()) return ofSorted(keys, values, n);
        return n == 0 ? ZERO : new VValue(0, keys, values);
    }

    /** True when every child is a bare number (a "flat" sparse vector, the DMM Lite wire shape). */
    public boolean isFlat() {
        for (VValue c : cs()) if (!c.isScalar()) return false;
        return true;
    }

    /**
     * The flat V-value with dense coordinates {@code values} over {@code table} (coordinate 0 is
     * the scalar; coordinates beyond the array read as 0): a {@link FlatNode} node, with no object
     * per leaf, unless it has no non-zero key (then a number). The array is kept, not copied: the
     * caller must not change it afterwards. Rejects NaN.
     */
    public static VValue flat(FlatKeys table, double[] values) {
        if (values.length > table.size()) throw new IllegalArgumentException("more coordinates than keys");
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            if (x != x) throw new NonFiniteException("NaN cannot be a V-value leaf"); // as VValue.of says for a leaf
            if (x != 0 && i > 0) n++;
        }
        if (n == 0) return of(values.length == 0 ? 0 : values[0]);
        return new FlatNode(table, values, n);
    }

    /** The key table of a flat node ({@link #flat(FlatKeys, double[])}), or null for any other node. */
    public FlatKeys flatKeys() {
        return null;
    }

    /**
     * The dense coordinates of a flat node over {@link #flatKeys()} (possibly shorter than the
     * table: missing coordinates are 0), or null for any other node. The array itself, shared by
     * the value: read it, never write it.
     */
    public double[] flatValues() {
        return null;
    }

    /**
     * A flat V-value from a scalar and numbers at sorted, distinct keys (none {@code "number"});
     * zero entries are dropped.
     */
    public static VValue flat(double scalar, String[] sortedKeys, double[] values, int n) {
        String[] ks = new String[n];
        VValue[] vs = new VValue[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (values[i] == 0) continue;
            ks[m] = sortedKeys[i];
            vs[m++] = of(values[i]);
        }
        return make(scalar, ks, vs, m);
    }

    /** A V-value from alternating keys and values: {@code ofPairs("a", 1.0, "b", VValue.of(2))}. */
    public static VValue ofPairs(Object... kv) {
        if (kv.length % 2 != 0) throw new IllegalArgumentException("odd number of arguments");
        VBuilder b = new VBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            String k = (String) kv[i];
            Object v = kv[i + 1];
            VValue vv = v instanceof VValue x ? x : of(((Number) v).doubleValue());
            b.addScaled(k, 1.0, vv);
        }
        return b.build();
    }

    // ---------------------------------------------------------------- inspection

    /** True for the zero V-value. */
    public boolean isZero() {
        return scalar == 0 && keys != null && keys.length == 0;
    }

    /** True when the value has no children (a bare number, possibly zero). */
    public boolean isScalar() {
        return keys != null && keys.length == 0;
    }

    /** The coefficient of the empty string (the {@code :number} part); 0 when absent. */
    public double scalarPart() {
        return scalar;
    }

    /** The keys of the children at the top level, sorted; {@code :number} is not among them. */
    public List<String> keys() {
        return Collections.unmodifiableList(Arrays.asList(ks()));
    }

    /** Number of children at the top level. */
    public int childCount() {
        return keys != null ? keys.length : lazySize();
    }

    /** The i-th key in sorted order. */
    public String keyAt(int i) {
        return ks()[i];
    }

    /** The i-th child in sorted key order. */
    public VValue childAt(int i) {
        return cs()[i];
    }

    /** Index of {@code key} among the children, or a negative number when absent. */
    public int indexOf(String key) {
        String[] ks = ks();
        int n = ks.length;
        if (n <= 8) {
            for (int i = 0; i < n; i++) {
                String k = ks[i];
                // (a String caches its hash: a miss between two distinct keys costs no character comparison)
                if (k == key || (k.hashCode() == key.hashCode() && k.equals(key))) return i;
            }
            return -1;
        }
        return Arrays.binarySearch(ks, key);
    }

    /** The child at {@code key} (zero when absent). {@code get("number")} is the scalar part. */
    public VValue get(String key) {
        if (isNumberKey(key)) return of(scalar);
        if (keys == null) return lazyGet(key);
        int i = indexOf(key);
        return i >= 0 ? children[i] : ZERO;
    }

    /** The subtree at {@code path} (zero when absent). */
    public VValue getIn(List<String> path) {
        VValue v = this;
        for (String k : path) {
            v = v.get(k);
            if (v.isZero()) return ZERO;
        }
        return v;
    }

    /** The subtree at {@code path}. */
    public VValue getIn(String... path) {
        return getIn(Arrays.asList(path));
    }

    /** Number of non-zero leaves (scalars at any node). */
    public int leafCount() {
        int n = scalar != 0 ? 1 : 0;
        for (VValue c : cs()) n += c.leafCount();
        return n;
    }

    // ---------------------------------------------------------------- algebra

    /** {@code this + other}. */
    public VValue add(VValue other) {
        return combine(1.0, this, 1.0, other);
    }

    /** {@code this - other}. */
    public VValue subtract(VValue other) {
        return combine(1.0, this, -1.0, other);
    }

    /** {@code -this}. */
    public VValue negate() {
        return scale(-1.0);
    }

    /** {@code λ · this}. */
    public VValue scale(double lambda) {
        if (lambda == 1.0) return this;
        if (lambda == 0.0 || isZero()) return ZERO;
        if (Double.isNaN(lambda)) throw new NonFiniteException("NaN scale factor");
        return scaledBy(lambda);
    }

    /** {@code λ · this} for a λ that is neither 0, 1 nor NaN, on a non-zero value (a representation may do it on its arrays). */
    VValue scaledBy(double lambda) {
        return mapLeaves(x -> lambda * x);
    }

    /** {@code α·a + β·b}, merging the sorted children in one pass. */
    public static VValue combine(double alpha, VValue a, double beta, VValue b) {
        if (b.isZero() || beta == 0) return a.scale(alpha);
        if (a.isZero() || alpha == 0) return b.scale(beta);
        if (a instanceof FlatNode || b instanceof FlatNode) {
            VValue r = FlatNode.flatCombine(alpha, a, beta, b);
            if (r != null) return r;
        }
        if (alpha == 1 && a.childCount() >= WIDE_MIN && b.childCount() * 16 < a.childCount()) return addInto(a, beta, b);
        if (beta == 1 && b.childCount() >= WIDE_MIN && a.childCount() * 16 < b.childCount()) return addInto(b, alpha, a);
        double s = alpha * a.scalar + beta * b.scalar;
        String[] ka = a.ks(), kb = b.ks();
        VValue[] ca = a.cs(), cb = b.cs();
        String[] keys = new String[ka.length + kb.length];
        VValue[] ch = new VValue[keys.length];
        int i = 0, j = 0, n = 0;
        while (i < ka.length || j < kb.length) {
            int c = i == ka.length ? 1 : j == kb.length ? -1 : ka[i].compareTo(kb[j]);
            VValue v;
            String k;
            if (c < 0) {
                k = ka[i];
                v = ca[i++].scale(alpha);
            } else if (c > 0) {
                k = kb[j];
                v = cb[j++].scale(beta);
            } else {
                k = ka[i];
                v = combine(alpha, ca[i++], beta, cb[j++]);
            }
            if (!v.isZero()) {
                keys[n] = k;
                ch[n++] = v;
            }
        }
        return make(s, keys, ch, n);
    }

    /** {@code big + w·small} for a small value: key-by-key edits of big, without copying all of its children. */
    private static VValue addInto(VValue big, double w, VValue small) {
        VValue r = big;
        String[] ks = small.ks();
        VValue[] cs = small.cs();
        for (int i = 0; i < ks.length; i++) r = r.withChild(ks[i], combine(1.0, big.get(ks[i]), w, cs[i]));
        return small.scalar == 0 ? r : r.withScalar(big.scalar + w * small.scalar);
    }

    /**
     * The generalized linear combination (DMM-SEMANTICS §1): for every leaf of {@code row} at
     * path p with weight w, add w times the subtree of {@code y} at p. A row leaf at the root
     * scales the whole of y; a row deeper than y's numbers meets zero.
     *
     * <pre>{@code lincomb({:c 7}, {:c {:a 1 :b 2}}) = {:a 7 :b 14}}</pre>
     */
    public static VValue lincomb(VValue row, VValue y) {
        VBuilder b = new VBuilder();
        lincombInto(row, y, b);
        return b.build();
    }

    /** Accumulates {@code lincomb(row, y)} into {@code out}. */
    public static void lincombInto(VValue row, VValue y, VBuilder out) {
        if (row.scalar != 0) out.addScaled(row.scalar, y);
        String[] rk = row.ks();
        if (rk.length == 0 || y.isScalar()) return;
        VValue[] rc = row.cs(), yc = y.cs();
        for (int i = 0; i < rk.length; i++) {
            int j = y.indexOf(rk[i]);
            if (j >= 0) lincombInto(rc[i], yc[j], out);
        }
    }

    /** The dot product: Σ over common leaf paths of the product of the coefficients. */
    public static double dot(VValue a, VValue b) {
        if (a instanceof FlatNode fa && b instanceof FlatNode fb && fa.table.sameFamily(fb.table)) return FlatNode.flatDot(fa, fb);
        double s = a.scalar * b.scalar;
        VValue small = a.childCount() <= b.childCount() ? a : b;
        VValue large = small == a ? b : a;
        String[] sk = small.ks();
        if (sk.length == 0) return s;
        VValue[] sc = small.cs(), lc = large.cs();
        for (int i = 0; i < sk.length; i++) {
            int j = large.indexOf(sk[i]);
            if (j >= 0) s += dot(sc[i], lc[j]);
        }
        return s;
    }

    /** The largest absolute leaf value (0 for zero). */
    public double maxAbs() {
        double m = Math.abs(scalar);
        for (VValue c : cs()) m = Math.max(m, c.maxAbs());
        return m;
    }

    /** Σ of all leaves. */
    public double sum() {
        double s = scalar;
        for (VValue c : cs()) s += c.sum();
        return s;
    }

    /**
     * Applies {@code f} to every non-zero leaf; results that are zero are dropped. Absent
     * (zero) leaves are not visited, so {@code f} should map 0 to 0 for the result to be the
     * leaf-wise image of the whole tensor.
     */
    public VValue mapLeaves(DoubleUnaryOperator f) {
        if (isZero()) return ZERO;
        return mapNonZero(f);
    }

    /** {@link #mapLeaves} of a non-zero value (a representation may do it on its arrays). */
    VValue mapNonZero(DoubleUnaryOperator f) {
        double s = scalar == 0 ? 0 : checkFinite(f.applyAsDouble(scalar));
        String[] mk = ks();
        VValue[] mc = cs();
        String[] keys = new String[mk.length];
        VValue[] ch = new VValue[keys.length];
        int n = 0;
        for (int i = 0; i < mk.length; i++) {
            VValue v = mc[i].mapLeaves(f);
            if (!v.isZero()) {
                keys[n] = mk[i];
                ch[n++] = v;
            }
        }
        return make(s, keys, ch, n);
    }

    /**
     * Combines two trees leaf by leaf over the union of their leaf paths (a missing leaf reads
     * as 0): {@code f(a_p, b_p)}. Zero results are dropped. Used by optimizers.
     */
    public static VValue zip(VValue a, VValue b, DoubleBinaryOperator f) {
        boolean hasA = a.scalar != 0, hasB = b.scalar != 0;
        double s = hasA || hasB ? checkFinite(f.applyAsDouble(a.scalar, b.scalar)) : 0;
        String[] ka = a.ks(), kb = b.ks();
        VValue[] ca = a.cs(), cb = b.cs();
        String[] keys = new String[ka.length + kb.length];
        VValue[] ch = new VValue[keys.length];
        int i = 0, j = 0, n = 0;
        while (i < ka.length || j < kb.length) {
            int c = i == ka.length ? 1 : j == kb.length ? -1 : ka[i].compareTo(kb[j]);
            String k;
            VValue v;
            if (c < 0) {
                k = ka[i];
                v = zip(ca[i++], ZERO, f);
            } else if (c > 0) {
                k = kb[j];
                v = zip(ZERO, cb[j++], f);
            } else {
                k = ka[i];
                v = zip(ca[i++], cb[j++], f);
            }
            if (!v.isZero()) {
                keys[n] = k;
                ch[n++] = v;
            }
        }
        return make(s, keys, ch, n);
    }

    /**
     * Visits the leaves of {@code a} only: {@code f(a_p, b_p)} with {@code b_p} read as 0 where
     * b has no leaf. The result's leaves are a subset of a's. Used by pullbacks of leaf-wise maps.
     */
    public static VValue zipOver(VValue a, VValue b, DoubleBinaryOperator f) {
        double s = a.scalar != 0 ? checkFinite(f.applyAsDouble(a.scalar, b.scalar)) : 0;
        String[] ka = a.ks();
        VValue[] ca = a.cs(), cb = b.cs();
        String[] keys = new String[ka.length];
        VValue[] ch = new VValue[keys.length];
        int n = 0;
        for (int i = 0; i < ka.length; i++) {
            int j = cb.length == 0 ? -1 : b.indexOf(ka[i]);
            VValue v = zipOver(ca[i], j >= 0 ? cb[j] : ZERO, f);
            if (!v.isZero()) {
                keys[n] = ka[i];
                ch[n++] = v;
            }
        }
        return make(s, keys, ch, n);
    }

    /** The pointwise (Hadamard) product: leaves present in both, multiplied. */
    public static VValue multiply(VValue a, VValue b) {
        VValue small = a.childCount() <= b.childCount() ? a : b;
        VValue large = small == a ? b : a;
        double s = a.scalar * b.scalar;
        String[] sk = small.ks();
        VValue[] sc = small.cs(), lc = sk.length == 0 ? NO_CHILDREN : large.cs();
        String[] keys = new String[sk.length];
        VValue[] ch = new VValue[keys.length];
        int n = 0;
        for (int i = 0; i < sk.length; i++) {
            int j = large.indexOf(sk[i]);
            if (j < 0) continue;
            VValue v = multiply(sc[i], lc[j]);
            if (!v.isZero()) {
                keys[n] = sk[i];
                ch[n++] = v;
            }
        }
        return make(s, keys, ch, n);
    }

    /** Leaf filter: keeps the leaves for which {@code keep.test(path, value)} holds. */
    public VValue filterLeaves(LeafPredicate keep) {
        return filter(this, new ArrayList<>(), keep);
    }

    private static VValue filter(VValue v, List<String> path, LeafPredicate keep) {
        double s = v.scalar != 0 && keep.test(path, v.scalar) ? v.scalar : 0;
        String[] vk = v.ks();
        VValue[] vc = v.cs();
        String[] keys = new String[vk.length];
        VValue[] ch = new VValue[keys.length];
        int n = 0;
        for (int i = 0; i < vk.length; i++) {
            path.add(vk[i]);
            VValue c = filter(vc[i], path, keep);
            path.remove(path.size() - 1);
            if (!c.isZero()) {
                keys[n] = vk[i];
                ch[n++] = c;
            }
        }
        return make(s, keys, ch, n);
    }

    /**
     * Restriction to the leaf paths of {@code support}: keeps this value's leaves where support
     * has one. A plain node that loses nothing is returned itself (a gradient restricted to the
     * leaves of its argument, which it already lives on, costs one walk and no copy).
     */
    public VValue restrictTo(VValue support) {
        // a tree made over the support's own leaf paths keeps all of its leaves
        if (this instanceof LeavesNode l && l.shape == shapeOf(support)) return this;
        double s = support.scalar != 0 ? scalar : 0;
        String[] tk = ks();
        VValue[] tc = cs();
        String[] keys = new String[Math.min(tk.length, support.childCount())];
        VValue[] ch = new VValue[keys.length];
        String[] sk = keys.length == 0 ? NO_KEYS : support.ks();
        VValue[] sc = keys.length == 0 ? NO_CHILDREN : support.cs();
        int n = 0;
        boolean same = s == scalar;
        // both key arrays are sorted: one merge
        for (int i = 0, j = 0; i < tk.length && j < sk.length; i++) {
            String k = tk[i];
            int c = 1;
            while (j < sk.length && (sk[j] != k && (c = sk[j].compareTo(k)) < 0)) j++;
            if (j == sk.length || (sk[j] != k && c != 0)) {
                same = false;
                continue;
            }
            VValue r = tc[i].restrictTo(sc[j++]);
            if (r != tc[i]) same = false;
            if (!r.isZero()) {
                keys[n] = k;
                ch[n++] = r;
            }
        }
        if (same && n == tk.length && getClass() == VValue.class) return this;
        return make(s, keys, ch, n);
    }

    /** Visits every non-zero leaf with its path (the path list is reused; copy it to keep it). */
    public void forEachLeaf(LeafVisitor visitor) {
        walk(this, new ArrayList<>(), visitor);
    }

    private static void walk(VValue v, List<String> path, LeafVisitor visitor) {
        if (v.scalar != 0) visitor.visit(path, v.scalar);
        String[] vk = v.ks();
        VValue[] vc = v.cs();
        for (int i = 0; i < vk.length; i++) {
            path.add(vk[i]);
            walk(vc[i], path, visitor);
            path.remove(path.size() - 1);
        }
    }

    /** The value with the subtree at {@code path} replaced by {@code value} (removed when zero). */
    public VValue assocIn(List<String> path, VValue value) {
        if (path.isEmpty()) return value;
        String k = path.get(0);
        if (k.equals(NUMBER)) {
            if (path.size() > 1) throw new IllegalArgumentException(":number is a leaf; it has no children");
            return withScalar(value.scalarPart());
        }
        VValue child = get(k).assocIn(path.subList(1, path.size()), value);
        return withChild(k, child);
    }

    /** {@code assocIn} with a varargs path. */
    public VValue assoc(String key, VValue value) {
        return assocIn(List.of(key), value);
    }

    /** The value without the subtree at {@code path}. */
    public VValue dissocIn(List<String> path) {
        return assocIn(path, ZERO);
    }

    /** This value with its scalar part replaced. */
    public VValue withScalar(double s) {
        if (s == scalar) return this;
        if (keys == null) return lazyWithScalar(checkFinite(s));
        if (keys.length == 0) return of(s);
        return new VValue(checkFinite(s), keys, children);
    }

    /**
     * This value with the child at {@code key} replaced (removed when zero). On a node with
     * many children the edit is recorded in a {@link WideNode} node in O(log n) amortized time.
     */
    public VValue withChild(String key, VValue child) {
        if (key.equals(NUMBER)) return withScalar(child.scalarPart());
        if (keys == null) return lazyWith(key, child);
        if (keys.length >= WIDE_MIN) return new WideNode(scalar, keys, children, null, 0, keys.length).with(key, child);
        return plainEdit(this, key, child);
    }

    /** {@link #withChild} on a node with plain arrays, copying them. */
    static VValue plainEdit(VValue v, String key, VValue child) {
        String[] keys = v.keys;
        VValue[] children = v.children;
        double scalar = v.scalar;
        int i = v.indexOf(key);
        if (i >= 0) {
            if (child.isZero()) {
                if (keys.length == 1 && scalar == 0) return ZERO;
                String[] nk = new String[keys.length - 1];
                VValue[] nc = new VValue[keys.length - 1];
                System.arraycopy(keys, 0, nk, 0, i);
                System.arraycopy(keys, i + 1, nk, i, keys.length - i - 1);
                System.arraycopy(children, 0, nc, 0, i);
                System.arraycopy(children, i + 1, nc, i, keys.length - i - 1);
                return new VValue(scalar, nk, nc);
            }
            VValue[] nc = children.clone();
            nc[i] = child;
            return new VValue(scalar, keys, nc);
        }
        if (child.isZero()) return v;
        int at = -(Arrays.binarySearch(keys, key) + 1);
        String[] nk = new String[keys.length + 1];
        VValue[] nc = new VValue[keys.length + 1];
        System.arraycopy(keys, 0, nk, 0, at);
        System.arraycopy(children, 0, nc, 0, at);
        nk[at] = key;
        nc[at] = child;
        System.arraycopy(keys, at, nk, at + 1, keys.length - at);
        System.arraycopy(children, at, nc, at + 1, keys.length - at);
        return new VValue(scalar, nk, nc);
    }

    // ---------------------------------------------------------------- equality

    /** Max-norm distance test: {@code max |a − b| ≤ tol} over all leaves. */
    public static boolean approxEquals(VValue a, VValue b, double tol) {
        return zip(a, b, (x, y) -> x - y).maxAbs() <= tol;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof VValue v)) return false;
        if (Double.compare(scalar, v.scalar) != 0 && !(scalar == 0 && v.scalar == 0)) return false;
        return childCount() == v.childCount() && Arrays.equals(ks(), v.ks()) && Arrays.equals(cs(), v.cs());
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Double.hashCode(scalar == 0 ? 0.0 : scalar);
            h = 31 * h + Arrays.hashCode(ks());
            h = 31 * h + Arrays.hashCode(cs());
            if (h == 0) h = 1;
            hash = h;
        }
        return h;
    }

    /** The literal syntax, e.g. {@code {:a 1 :b {:c 2.5 :number 3}}}. */
    @Override
    public String toString() {
        return VValuePrinter.print(this);
    }

    // ---------------------------------------------------------------- helpers

    static VValue make(double s, String[] keys, VValue[] ch, int n) {
        if (n == 0) return of(s);
        checkFinite(s);
        if (n < keys.length) {
            keys = Arrays.copyOf(keys, n);
            ch = Arrays.copyOf(ch, n);
        }
        return new VValue(s, keys, ch);
    }

    static double checkFinite(double x) {
        if (Double.isNaN(x)) throw new NonFiniteException("NaN produced in a V-value");
        return x;
    }

    int lazySize() {
        throw new IllegalStateException("a plain node has its arrays");
    }

    VValue lazyGet(String key) {
        throw new IllegalStateException("a plain node has its arrays");
    }

    VValue lazyWithScalar(double s) {
        throw new IllegalStateException("a plain node has its arrays");
    }

    VValue lazyWith(String key, VValue child) {
        throw new IllegalStateException("a plain node has its arrays");
    }

    /**
     * The tree {@code shape} with its leaves replaced by {@code values}, one per leaf in
     * {@link #forEachLeaf} order (a 0 drops its leaf): the tree {@code shape.mapLeaves} with those
     * values builds, equal to it in every respect — but made only when its structure is first
     * read. A training step reads its gradient and its new weights as arrays ({@link #leavesOver},
     * {@link #maxAbs}, {@link #restrictTo} its shape), so on most steps the trees are never built.
     * {@code values} must not change afterwards. With a NaN among the values the tree is built
     * at once (and fails as mapLeaves does). Outside this package: {@link LeafVector#tree}.
     */
    static VValue withLeaves(VValue shape, double[] values) {
        // a shape made this way with no leaf dropped has its own shape's structure: chains of
        // training steps share the first tree's (and keep no earlier step alive)
        int leaves;
        if (shape instanceof LeavesNode l && l.keepsAll) {
            leaves = l.values.length; // (checked when it was made: no walk)
            shape = l.shape;
        } else {
            // (a tree made this way that dropped a leaf: its own tree is the shape, so a chain
            // of steps never holds more than one earlier step)
            if (shape instanceof LeavesNode l) shape = l.tree();
            leaves = shape.leafCount();
        }
        if (values.length != leaves) throw new IllegalArgumentException(values.length + " values for a tree of " + leaves + " leaves");
        boolean rootLeaf = shape.scalar != 0, child = false, keepsAll = true, nan = false;
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            nan |= Double.isNaN(x);
            keepsAll &= x != 0;
            if (x != 0 && (i > 0 || !rootLeaf)) child = true;
        }
        // (lazily only a tree with children left: a lazy node is never a bare number)
        // (over a flat node, the flat node mapLeaves makes)
        if (nan || !child || shape instanceof FlatNode || shape.childCount() == 0) return mapped(shape, values);
        return new LeavesNode(shape, values, keepsAll);
    }

    static VValue mapped(VValue shape, double[] values) {
        int[] i = {0};
        return shape.mapLeaves(x -> values[i[0]++]);
    }

    /**
     * This tree's leaves at the leaf paths of {@code shape}, in forEachLeaf order (0 where it has
     * none), when this tree was made by {@link #withLeaves} over {@code shape} (or over the shape
     * {@code shape} was made over, no leaf dropped); else null. A new array.
     */
    double[] leavesOver(VValue shape) {
        if (!(this instanceof LeavesNode l) || l.shape != shapeOf(shape)) return null;
        // (a -0.0 stays -0.0 where its node keeps children and reads +0.0 where the leaf is
        // dropped: with one, the caller walks the tree)
        for (double x : l.values) if (Double.doubleToRawLongBits(x) == NEGATIVE_ZERO_BITS) return null;
        return l.values.clone();
    }

    private static final long NEGATIVE_ZERO_BITS = Double.doubleToRawLongBits(-0.0);

    /** The shape a tree made over {@code v} by {@link #withLeaves} has: v's own, or v's shape when it is such a tree with all of its leaves. */
    private static VValue shapeOf(VValue v) {
        if (!(v instanceof LeavesNode l)) return v;
        return l.keepsAll ? l.shape : l.tree();
    }

    static final class Sorted {
        final String[] keys;
        final VValue[] children;

        Sorted(String[] keys, VValue[] children) {
            this.keys = keys;
            this.children = children;
        }
    }

    /** A predicate over leaves, given the path (reused; do not keep) and the value. */
    @FunctionalInterface
    public interface LeafPredicate {
        boolean test(List<String> path, double value);
    }

    /** A visitor of leaves, given the path (reused; do not keep) and the value. */
    @FunctionalInterface
    public interface LeafVisitor {
        void visit(List<String> path, double value);
    }
}
