package dmm.ad;

import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoubleUnaryOperator;

/**
 * The differentiable primitives over V-values. Each takes plain {@link VValue}s or
 * {@link Tracked} values; when any argument is tracked on the recording tape, it records one
 * entry whose pullback is written right below the forward rule. Otherwise it is plain math.
 *
 * <p>Subgradients at kinks: {@code relu'(0) = 0}, {@code |x|'(0) = 0}, {@code clamp} passes
 * the gradient only inside its closed range, {@code maxNorm} splits the gradient equally among
 * tied maxima, {@code max}/{@code min} of two scalars split it equally on a tie.
 *
 * <p>Scalar functions ({@link #mapLeaves}: {@code exp}, {@code sigmoid}, {@code tanh},
 * {@code log}, ...) are the function itself on a number, 0 included ({@code exp 0 = 1}), with
 * the derivative at that number; on a map they act on the leaves present (sparse semantics).
 */
public final class Ops {
    private Ops() {}

    // ------------------------------------------------------------- plumbing

    /** The primal value of a V-value or tracked value. */
    public static VValue primal(Object x) {
        if (x instanceof VValue v) return v;
        if (x instanceof Tracked t) return t.value;
        throw new IllegalArgumentException("expected a V-value, got " + (x == null ? "nil" : x.getClass().getSimpleName()));
    }

    /** True when {@code x} is tracked on a tape that records on this thread. */
    public static boolean isTracked(Object x) {
        return x instanceof Tracked t && t.tape.isRecording();
    }

    /** The recording tape of the first tracked argument, or null (for primitives defined outside this package). */
    public static Tape recordingTape(Object... xs) {
        return tapeOf(xs);
    }

    /** Adds {@code w·g} to the cotangent of {@code x} if it is tracked on {@code tape} (for pullbacks defined outside this package). */
    public static void accumulate(Tape tape, Object x, double w, VValue g) {
        acc(tape, x, w, g);
    }

    /** Adds {@code w·g} at {@code path} of the cotangent of {@code x} if it is tracked on {@code tape}. */
    public static void accumulateAt(Tape tape, Object x, List<String> path, double w, VValue g) {
        if (x instanceof Tracked t && t.tape == tape) t.accumulateAt(path, w, g);
    }

    static Tape tapeOf(Object a) {
        return a instanceof Tracked t && t.tape.isRecording() ? t.tape : null;
    }

    static Tape tapeOf(Object a, Object b) {
        Tape t = tapeOf(a);
        return t != null ? t : tapeOf(b);
    }

    static Tape tapeOf(Object[] xs) {
        for (Object x : xs) {
            Tape t = tapeOf(x);
            if (t != null) return t;
        }
        return null;
    }

    /** Adds {@code w·g} to the cotangent of {@code x} when it is tracked on {@code tape}. */
    static void acc(Tape tape, Object x, double w, VValue g) {
        if (x instanceof Tracked t && t.tape == tape) t.accumulate(w, g);
    }

    static Object wrap(Tape tape, VValue out, Consumer<VValue> pullback) {
        return tape == null ? out : tape.record(out, pullback);
    }

    private static double requireScalar(VValue v, String what) {
        if (!v.isScalar()) throw new IllegalArgumentException(what + " expects a number, got " + v);
        return v.scalarPart();
    }

    // ------------------------------------------------------------- linear algebra

    /** {@code a + b}. */
    public static Object add(Object a, Object b) {
        VValue out = primal(a).add(primal(b));
        Tape t = tapeOf(a, b);
        return wrap(t, out, g -> {
            acc(t, a, 1, g);
            acc(t, b, 1, g);
        });
    }

    /** {@code a − b}. */
    public static Object subtract(Object a, Object b) {
        VValue out = primal(a).subtract(primal(b));
        Tape t = tapeOf(a, b);
        return wrap(t, out, g -> {
            acc(t, a, 1, g);
            acc(t, b, -1, g);
        });
    }

    /** {@code −a}. */
    public static Object negate(Object a) {
        VValue out = primal(a).negate();
        Tape t = tapeOf(a);
        return wrap(t, out, g -> acc(t, a, -1, g));
    }

    /** Σ of the arguments (one tape entry for the whole sum). */
    public static Object sum(Object[] xs) {
        VBuilder b = new VBuilder();
        for (Object x : xs) b.add(primal(x));
        Tape t = tapeOf(xs);
        return wrap(t, b.build(), g -> {
            for (Object x : xs) acc(t, x, 1, g);
        });
    }

    /** {@code s · v} where {@code s} is a scalar V-value (both may be tracked). */
    public static Object scale(Object s, Object v) {
        double k = requireScalar(primal(s), "scale");
        VValue vv = primal(v);
        VValue out = vv.scale(k);
        Tape t = tapeOf(s, v);
        return wrap(t, out, g -> {
            acc(t, v, k, g);
            if (tapeOf(s) != null) acc(t, s, 1, VValue.of(VValue.dot(g, vv)));
        });
    }

    /**
     * {@code a * b}: scaling when either side is a bare number, otherwise the pointwise
     * (Hadamard) product over the leaves present in both.
     */
    public static Object multiply(Object a, Object b) {
        VValue va = primal(a), vb = primal(b);
        if (va.isScalar()) return scale(a, b);
        if (vb.isScalar()) return scale(b, a);
        VValue out = VValue.multiply(va, vb);
        Tape t = tapeOf(a, b);
        return wrap(t, out, g -> {
            acc(t, a, 1, VValue.multiply(g, vb));
            acc(t, b, 1, VValue.multiply(g, va));
        });
    }

    /** {@code v / s} for a non-zero scalar {@code s}. */
    public static Object divide(Object v, Object s) {
        double k = requireScalar(primal(s), "/ (the divisor)");
        if (k == 0) throw new ArithmeticException("division by zero");
        VValue vv = primal(v);
        VValue out = vv.scale(1 / k);
        Tape t = tapeOf(v, s);
        return wrap(t, out, g -> {
            acc(t, v, 1 / k, g);
            if (tapeOf(s) != null) acc(t, s, 1, VValue.of(-VValue.dot(g, vv) / (k * k)));
        });
    }

    /** The dot product Σ a_p b_p (a scalar). */
    public static Object dot(Object a, Object b) {
        VValue va = primal(a), vb = primal(b);
        VValue out = VValue.of(VValue.dot(va, vb));
        Tape t = tapeOf(a, b);
        return wrap(t, out, g -> {
            double k = g.scalarPart();
            acc(t, a, k, vb);
            acc(t, b, k, va);
        });
    }

    /**
     * The generalized linear combination {@code lincomb(row, y)} (DMM-SEMANTICS §1). Pullback:
     * {@code dy += w·g} placed at each row leaf's path, {@code drow_p = dot(g, y[p])}.
     */
    public static Object lincomb(Object row, Object y) {
        VValue r = primal(row), vy = primal(y);
        VValue out = VValue.lincomb(r, vy);
        Tape t = tapeOf(row, y);
        return wrap(t, out, g -> {
            VBuilder dy = tapeOf(y) != null ? new VBuilder() : null;
            VBuilder dr = tapeOf(row) != null ? new VBuilder() : null;
            lincombPullback(r, vy, g, dy, dr);
            if (dy != null) acc(t, y, 1, dy.build());
            if (dr != null) acc(t, row, 1, dr.build());
        });
    }

    /**
     * The transpose rule of {@code lincomb}, the one pullback of the down movement: for the
     * cotangent {@code g} of {@code lincomb(row, y)}, adds {@code w·g} into {@code dy} at each
     * row leaf's path p (weight w) and {@code dot(g, y[p])} into {@code drow} at p (either builder
     * may be null when that side is not wanted). The network's general down movement applies it
     * row by row; the compiled down movement ({@code machine.Plan}) is this rule on flat arrays.
     */
    public static void lincombPullback(VValue row, VValue y, VValue g, VBuilder dy, VBuilder drow) {
        if (dy != null) row.forEachLeaf((path, w) -> placeAt(dy, path).addScaled(w, g));
        if (drow != null) {
            if (row.isScalar()) drow.addScalar(VValue.dot(g, y)); // a number row, 0 included, weighs all of y
            else row.forEachLeaf((path, w) -> drow.addAt(path, VValue.dot(g, y.getIn(path))));
        }
    }

    private static VBuilder placeAt(VBuilder b, List<String> path) {
        for (String k : path) b = b.child(k);
        return b;
    }

    // ------------------------------------------------------------- reductions

    /** The scalar part (the {@code :number} coefficient) as a scalar. */
    public static Object scalarPart(Object v) {
        VValue vv = primal(v);
        VValue out = VValue.of(vv.scalarPart());
        Tape t = tapeOf(v);
        return wrap(t, out, g -> acc(t, v, 1, VValue.of(g.scalarPart())));
    }

    /** Σ of all leaves (a scalar). */
    public static Object sumLeaves(Object v) {
        VValue vv = primal(v);
        Tape t = tapeOf(v);
        return wrap(t, VValue.of(vv.sum()), g -> {
            double k = g.scalarPart();
            acc(t, v, 1, vv.isScalar() ? VValue.of(k) : vv.mapLeaves(x -> k)); // a number, 0 included, is its own leaf
        });
    }

    /** The largest absolute leaf (0 when empty); the gradient is split equally among tied maxima. */
    public static Object maxNorm(Object v) {
        VValue vv = primal(v);
        double m = vv.maxAbs();
        Tape t = tapeOf(v);
        return wrap(t, VValue.of(m), g -> {
            if (m == 0) return;
            int[] ties = {0};
            vv.forEachLeaf((p, x) -> {
                if (Math.abs(x) == m) ties[0]++;
            });
            double k = g.scalarPart() / ties[0];
            acc(t, v, 1, vv.mapLeaves(x -> Math.abs(x) == m ? Math.signum(x) * k : 0));
        });
    }

    /** The larger of two scalars; the gradient is split equally on a tie. */
    public static Object max(Object a, Object b) {
        return pick(a, b, true);
    }

    /** The smaller of two scalars; the gradient is split equally on a tie. */
    public static Object min(Object a, Object b) {
        return pick(a, b, false);
    }

    private static Object pick(Object a, Object b, boolean larger) {
        double x = requireScalar(primal(a), larger ? "max" : "min");
        double y = requireScalar(primal(b), larger ? "max" : "min");
        double out = larger ? Math.max(x, y) : Math.min(x, y);
        Tape t = tapeOf(a, b);
        return wrap(t, VValue.of(out), g -> {
            double wa = x == y ? 0.5 : (x == out ? 1 : 0);
            acc(t, a, wa, g);
            acc(t, b, 1 - wa, g);
        });
    }

    // ------------------------------------------------------------- leaf-wise maps

    /**
     * A scalar function lifted to V-values. On a number — 0 included — it is the function
     * itself: {@code exp 0 = 1}, and the derivative at 0 is {@code df(0)}. On a map it acts on
     * the leaves present (sparse semantics: an absent leaf stays absent even when
     * {@code f(0) ≠ 0}); the pullback multiplies by {@code df} at those leaves.
     */
    public static Object mapLeaves(Object x, DoubleUnaryOperator f, DoubleUnaryOperator df) {
        VValue vx = primal(x);
        Tape t = tapeOf(x);
        if (vx.isScalar()) {
            double s = vx.scalarPart();
            VValue out = VValue.of(f.applyAsDouble(s));
            return wrap(t, out, g -> {
                double gs = g.scalarPart();
                if (gs != 0) acc(t, x, 1, VValue.of(gs * df.applyAsDouble(s)));
            });
        }
        VValue out = vx.mapLeaves(f);
        return wrap(t, out, g -> acc(t, x, 1, VValue.zipOver(vx, g, (xv, gv) -> gv == 0 ? 0 : gv * df.applyAsDouble(xv))));
    }

    /** {@code max(0, x)} leaf-wise; {@code relu'(0) = 0}. */
    public static Object relu(Object x) {
        return mapLeaves(x, v -> v > 0 ? v : 0, v -> v > 0 ? 1 : 0);
    }

    /** {@code |x|} leaf-wise; {@code |x|'(0) = 0}. */
    public static Object abs(Object x) {
        return mapLeaves(x, Math::abs, Math::signum);
    }

    /** Clamps each leaf to {@code [lo, hi]}; the gradient passes only inside the closed range. */
    public static Object clamp(Object x, double lo, double hi) {
        if (lo > hi) throw new IllegalArgumentException("clamp: lower bound " + lo + " exceeds upper bound " + hi);
        return mapLeaves(x, v -> Math.max(lo, Math.min(hi, v)), v -> v >= lo && v <= hi ? 1 : 0);
    }

    /** {@code tanh}; {@code tanh'(0) = 1}. */
    public static Object tanh(Object x) {
        return mapLeaves(x, Math::tanh, v -> {
            double th = Math.tanh(v);
            return 1 - th * th;
        });
    }

    /** The logistic sigmoid: {@code sigmoid(0) = 0.5}, {@code sigmoid'(0) = 0.25}; on a map, its present leaves. */
    public static Object sigmoid(Object x) {
        return mapLeaves(x, Ops::sig, v -> sig(v) * (1 - sig(v)));
    }

    private static double sig(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** {@code exp}: {@code exp(0) = 1}; on a map, its present leaves (absent leaves stay absent). */
    public static Object exp(Object x) {
        return mapLeaves(x, Math::exp, Math::exp);
    }

    /** Natural logarithm; a zero or negative number (or leaf) is an error. */
    public static Object log(Object x) {
        return mapLeaves(x, v -> {
            if (v == 0) throw new ArithmeticException("log of 0");
            if (v < 0) throw new ArithmeticException("log of a negative number: " + VValue.of(v));
            return Math.log(v);
        }, v -> 1 / v);
    }

    /** Square root; a negative number (or leaf) is an error. {@code sqrt'(0) = +∞}. */
    public static Object sqrt(Object x) {
        return mapLeaves(x, v -> {
            if (v < 0) throw new ArithmeticException("sqrt of a negative number: " + VValue.of(v));
            return Math.sqrt(v);
        }, v -> 0.5 / Math.sqrt(v));
    }

    /** {@code x²} leaf-wise. */
    public static Object square(Object x) {
        return mapLeaves(x, v -> v * v, v -> 2 * v);
    }

    /**
     * {@code x^p} for a constant exponent {@code p} ({@code 0^0 = 1}); 0 to a negative power
     * and a negative number to a fractional power are errors.
     */
    public static Object pow(Object x, double p) {
        return mapLeaves(x, v -> {
            if (v == 0 && p < 0) throw new ArithmeticException("0 to the negative power " + VValue.of(p));
            if (v < 0 && p != Math.rint(p))
                throw new ArithmeticException("a negative number (" + VValue.of(v) + ") to the fractional power " + VValue.of(p));
            return Math.pow(v, p);
        }, v -> p == 0 ? 0 : p * Math.pow(v, p - 1));
    }

    // ------------------------------------------------------------- structure

    /** The subtree at {@code path}; pullback places the cotangent back at the path. */
    public static Object getIn(Object v, List<String> path) {
        VValue out = primal(v).getIn(path);
        Tape t = tapeOf(v);
        List<String> p = List.copyOf(path);
        return wrap(t, out, g -> acc(t, v, 1, VValue.ZERO.assocIn(p, g)));
    }

    /**
     * The children of {@code v} at several keys at once, with one tape entry whose pullback
     * assembles {@code {keys[i] g_i}} (how a neuron function reads its input fields).
     */
    public static Object[] fields(Object v, String[] keys) {
        VValue pv = primal(v);
        Object[] out = new Object[keys.length];
        Tape t = tapeOf(v);
        if (t == null) {
            for (int i = 0; i < keys.length; i++) out[i] = pv.get(keys[i]);
            return out;
        }
        Tracked[] parts = new Tracked[keys.length];
        for (int i = 0; i < keys.length; i++) out[i] = parts[i] = t.leaf(pv.get(keys[i]));
        t.record(() -> {
            for (int i = 0; i < keys.length; i++) {
                if (!parts[i].hasCotangent()) continue;
                VValue g = parts[i].cotangentValue();
                acc(t, v, 1, keys[i].equals(VValue.NUMBER) ? VValue.of(g.scalarPart()) : VValue.of(keys[i], g));
            }
        });
        return out;
    }

    /** The child at {@code key}. */
    public static Object get(Object v, String key) {
        return getIn(v, List.of(key));
    }

    /**
     * {@code v} with the subtree at {@code path} replaced by {@code x}. Pullback: {@code v} gets
     * the cotangent outside the path, {@code x} the part at the path.
     */
    public static Object assocIn(Object v, List<String> path, Object x) {
        List<String> p = List.copyOf(path);
        VValue out = primal(v).assocIn(p, primal(x));
        Tape t = tapeOf(v, x);
        return wrap(t, out, g -> {
            acc(t, v, 1, g.dissocIn(p));
            acc(t, x, 1, g.getIn(p));
        });
    }

    /**
     * The map {@code {keys[i] values[i]}} (values added when a key repeats; {@code "number"}
     * is the scalar part). One tape entry for the whole literal.
     */
    public static Object makeMap(String[] keys, Object[] values) {
        Tape t = tapeOf(values);
        return wrap(t, mapOf(keys, values), g -> {
            for (int i = 0; i < keys.length; i++) acc(t, values[i], 1, g.get(keys[i]));
        });
    }

    /**
     * The map {@code {keys[i] values[i]}} of the primals (values under one key added, a
     * {@code "number"} key adding to the scalar): with distinct keys, no such key and one or two
     * of them (an observation of one or two neurons, each cycle of a loss), the map itself,
     * without a builder; else as a builder sums it. The same V-value either way.
     */
    private static VValue mapOf(String[] keys, Object[] values) {
        int n = keys.length;
        if (n == 1 && !keys[0].equals(VValue.NUMBER) && !negativeZeroInside(primal(values[0]))) return VValue.of(keys[0], primal(values[0]));
        if (n == 2 && !keys[0].equals(VValue.NUMBER) && !keys[1].equals(VValue.NUMBER) && !negativeZeroInside(primal(values[0]))
                && !negativeZeroInside(primal(values[1]))) {
            int c = keys[0].compareTo(keys[1]);
            if (c != 0) {
                int a = c < 0 ? 0 : 1, b = 1 - a;
                return VValue.ofSorted(new String[] {keys[a], keys[b]}, new VValue[] {primal(values[a]), primal(values[b])}, 2);
            }
        }
        VBuilder b = new VBuilder();
        for (int i = 0; i < n; i++) b.addScaled(keys[i], 1.0, primal(values[i]));
        return b.build();
    }

    /**
     * True when a node of {@code v} has the scalar -0.0 (possible on a node with children, after
     * an underflow): the builder sums every node from +0.0, so such a value goes through it.
     */
    private static boolean negativeZeroInside(VValue v) {
        if (Double.doubleToRawLongBits(v.scalarPart()) == NEGATIVE_ZERO) return true;
        if (v.isScalar() || v.flatValues() != null) return false; // (a flat node's other coordinates are leaves)
        for (int i = 0, n = v.childCount(); i < n; i++) {
            VValue c = v.childAt(i);
            if (!c.isScalar() && negativeZeroInside(c)) return true;
        }
        return false;
    }

    private static final long NEGATIVE_ZERO = Double.doubleToRawLongBits(-0.0);

    /**
     * The tree with {@code values[i]} placed at {@code paths[i]} (values added where paths
     * coincide). One tape entry for the whole tree; used to assemble a network's output layer.
     */
    public static Object makeTree(List<List<String>> paths, Object[] values) {
        VBuilder b = new VBuilder();
        for (int i = 0; i < values.length; i++) placeAt(b, paths.get(i)).add(primal(values[i]));
        Tape t = tapeOf(values);
        return wrap(t, b.build(), g -> {
            for (int i = 0; i < values.length; i++) acc(t, values[i], 1, g.getIn(paths.get(i)));
        });
    }

    /** Identity forward, zero pullback: blocks exactly the gradient through {@code x}. */
    public static VValue stopGradient(Object x) {
        return primal(x);
    }

    /** Lifts a list of paths' leaves; helper for callers that need all leaf paths of a value. */
    public static List<List<String>> leafPaths(VValue v) {
        List<List<String>> out = new ArrayList<>();
        v.forEachLeaf((p, x) -> out.add(List.copyOf(p)));
        return out;
    }
}
