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
 *
 * <p>Each primitive's transpose rule is a public static method beside its forward rule (named
 * after it with a {@code T}: {@link #addT}, {@link #dotT}, ...), written against a {@link Sink}: the
 * tape's entries and the neuron compiler's programs run the same rules. The file is long because
 * it is the one list of primitives (over 500 lines); splitting it would separate rules that are
 * read together.
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

    /**
     * Where a primitive's transpose rule sends cotangents: argument {@code arg} receives
     * {@code w · g}. Each primitive states its rule once, as a static method beside its forward
     * rule; a tape entry runs it with a sink into the tracked arguments, and a compiled program
     * (the neuron compiler's) with a sink into its slots, so both compute the same cotangents
     * in the same order.
     */
    public interface Sink {
        /** True when argument {@code arg} takes a cotangent (a rule skips work for the others only where the tape's entry did). */
        boolean wants(int arg);

        /** Adds {@code w · g} to argument {@code arg}'s cotangent. */
        void add(int arg, double w, VValue g);
    }

    /** The sink of a tape entry: argument i is {@code args[i]}, which takes cotangents when tracked on {@code tape}. */
    private record TapeSink(Tape tape, Object[] args) implements Sink {
        @Override
        public boolean wants(int arg) {
            return tapeOf(args[arg]) != null;
        }

        @Override
        public void add(int arg, double w, VValue g) {
            acc(tape, args[arg], w, g);
        }
    }

    private static Sink sink(Tape t, Object... args) {
        return new TapeSink(t, args);
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
        return wrap(t, out, g -> addT(g, sink(t, a, b)));
    }

    /** The transpose of {@code a + b}: both receive g. */
    public static void addT(VValue g, Sink s) {
        s.add(0, 1, g);
        s.add(1, 1, g);
    }

    /** {@code a − b}. */
    public static Object subtract(Object a, Object b) {
        VValue out = primal(a).subtract(primal(b));
        Tape t = tapeOf(a, b);
        return wrap(t, out, g -> subtractT(g, sink(t, a, b)));
    }

    /** The transpose of {@code a − b}: a receives g, b −g. */
    public static void subtractT(VValue g, Sink s) {
        s.add(0, 1, g);
        s.add(1, -1, g);
    }

    /** {@code −a}. */
    public static Object negate(Object a) {
        VValue out = primal(a).negate();
        Tape t = tapeOf(a);
        return wrap(t, out, g -> negateT(g, sink(t, a)));
    }

    /** The transpose of {@code −a}: a receives −g. */
    public static void negateT(VValue g, Sink s) {
        s.add(0, -1, g);
    }

    /** Σ of the arguments (one tape entry for the whole sum). */
    public static Object sum(Object[] xs) {
        VBuilder b = new VBuilder();
        for (Object x : xs) b.add(primal(x));
        Tape t = tapeOf(xs);
        return wrap(t, b.build(), g -> sumT(xs.length, g, sink(t, xs)));
    }

    /** The transpose of a sum of n arguments: each receives g, in order. */
    public static void sumT(int n, VValue g, Sink s) {
        for (int i = 0; i < n; i++) s.add(i, 1, g);
    }

    /** {@code s · v} where {@code s} is a scalar V-value (both may be tracked). */
    public static Object scale(Object s, Object v) {
        double k = requireScalar(primal(s), "scale");
        VValue vv = primal(v);
        VValue out = vv.scale(k);
        Tape t = tapeOf(s, v);
        return wrap(t, out, g -> scaleT(k, vv, g, sink(t, s, v)));
    }

    /** The transpose of {@code k · v} (argument 0 the scalar k, 1 the V-value v): v receives k·g, k receives dot(g, v). */
    public static void scaleT(double k, VValue v, VValue g, Sink s) {
        s.add(1, k, g);
        if (s.wants(0)) s.add(0, 1, VValue.of(VValue.dot(g, v)));
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
        return wrap(t, out, g -> multiplyT(va, vb, g, sink(t, a, b)));
    }

    /** The transpose of the pointwise product {@code a ⊙ b} (neither a number): a receives g ⊙ b, b receives g ⊙ a. */
    public static void multiplyT(VValue a, VValue b, VValue g, Sink s) {
        s.add(0, 1, VValue.multiply(g, b));
        s.add(1, 1, VValue.multiply(g, a));
    }

    /** {@code v / s} for a non-zero scalar {@code s}. */
    public static Object divide(Object v, Object s) {
        double k = requireScalar(primal(s), "/ (the divisor)");
        if (k == 0) throw new ArithmeticException("division by zero");
        VValue vv = primal(v);
        VValue out = vv.scale(1 / k);
        Tape t = tapeOf(v, s);
        return wrap(t, out, g -> divideT(k, vv, g, sink(t, v, s)));
    }

    /** The transpose of {@code v / k} (argument 0 v, 1 the scalar k): v receives g/k, k receives −dot(g, v)/k². */
    public static void divideT(double k, VValue v, VValue g, Sink s) {
        s.add(0, 1 / k, g);
        if (s.wants(1)) s.add(1, 1, VValue.of(-VValue.dot(g, v) / (k * k)));
    }

    /** The dot product Σ a_p b_p (a scalar). */
    public static Object dot(Object a, Object b) {
        VValue va = primal(a), vb = primal(b);
        VValue out = VValue.of(VValue.dot(va, vb));
        Tape t = tapeOf(a, b);
        return wrap(t, out, g -> dotT(va, vb, g, sink(t, a, b)));
    }

    /** The transpose of {@code dot(a, b)}: with k the scalar part of g, a receives k·b and b receives k·a. */
    public static void dotT(VValue a, VValue b, VValue g, Sink s) {
        double k = g.scalarPart();
        s.add(0, k, b);
        s.add(1, k, a);
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
        return wrap(t, out, g -> scalarPartT(g, sink(t, v)));
    }

    /** The transpose of {@code num}: the argument receives g's scalar part, as a number. */
    public static void scalarPartT(VValue g, Sink s) {
        s.add(0, 1, VValue.of(g.scalarPart()));
    }

    /** Σ of all leaves (a scalar). */
    public static Object sumLeaves(Object v) {
        VValue vv = primal(v);
        Tape t = tapeOf(v);
        return wrap(t, VValue.of(vv.sum()), g -> sumLeavesT(vv, g, sink(t, v)));
    }

    /** The transpose of Σ-of-leaves: every leaf of v receives g's scalar part. */
    public static void sumLeavesT(VValue v, VValue g, Sink s) {
        double k = g.scalarPart();
        s.add(0, 1, v.isScalar() ? VValue.of(k) : v.mapLeaves(x -> k)); // a number, 0 included, is its own leaf
    }

    /** The largest absolute leaf (0 when empty); the gradient is split equally among tied maxima. */
    public static Object maxNorm(Object v) {
        VValue vv = primal(v);
        double m = vv.maxAbs();
        Tape t = tapeOf(v);
        return wrap(t, VValue.of(m), g -> maxNormT(vv, m, g, sink(t, v)));
    }

    /** The transpose of {@code max-norm} (m = the largest absolute leaf of v): g's scalar part split equally among the tied largest leaves, with their signs. */
    public static void maxNormT(VValue v, double m, VValue g, Sink s) {
        if (m == 0) return;
        int[] ties = {0};
        v.forEachLeaf((p, x) -> {
            if (Math.abs(x) == m) ties[0]++;
        });
        double k = g.scalarPart() / ties[0];
        s.add(0, 1, v.mapLeaves(x -> Math.abs(x) == m ? Math.signum(x) * k : 0));
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
        return wrap(t, VValue.of(out), g -> pickT(x, y, out, g, sink(t, a, b)));
    }

    /** The transpose of max/min of the numbers x, y (their result {@code out}): the one picked receives g, each half of it on a tie. */
    public static void pickT(double x, double y, double out, VValue g, Sink s) {
        double wa = x == y ? 0.5 : (x == out ? 1 : 0);
        s.add(0, wa, g);
        s.add(1, 1 - wa, g);
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
        VValue out = vx.isScalar() ? VValue.of(f.applyAsDouble(vx.scalarPart())) : vx.mapLeaves(f);
        return wrap(t, out, g -> mapLeavesT(vx, df, g, sink(t, x)));
    }

    /** The transpose of a scalar function f lifted to V-values, with f's derivative {@code df}: x receives g · df(x) (on a map, at its present leaves). */
    public static void mapLeavesT(VValue x, DoubleUnaryOperator df, VValue g, Sink s) {
        if (x.isScalar()) {
            double gs = g.scalarPart();
            if (gs != 0) s.add(0, 1, VValue.of(gs * df.applyAsDouble(x.scalarPart())));
            return;
        }
        s.add(0, 1, VValue.zipOver(x, g, (xv, gv) -> gv == 0 ? 0 : gv * df.applyAsDouble(xv)));
    }

    /**
     * A scalar function and its derivative, lifted leaf-wise by {@link #mapLeaves}: the named
     * functions of the language are these values, so a compiled program runs the very same
     * functions as the primitives.
     */
    public record Leafwise(String name, DoubleUnaryOperator f, DoubleUnaryOperator df) {}

    /** {@code max(0, x)}; {@code relu'(0) = 0}. */
    public static final Leafwise RELU = new Leafwise("relu", v -> v > 0 ? v : 0, v -> v > 0 ? 1 : 0);
    /** {@code |x|}; {@code |x|'(0) = 0}. */
    public static final Leafwise ABS = new Leafwise("abs", Math::abs, Math::signum);
    /** {@code tanh}; {@code tanh'(0) = 1}. */
    public static final Leafwise TANH = new Leafwise("tanh", Math::tanh, v -> {
        double th = Math.tanh(v);
        return 1 - th * th;
    });
    /** The logistic sigmoid: {@code sigmoid(0) = 0.5}, {@code sigmoid'(0) = 0.25}. */
    public static final Leafwise SIGMOID = new Leafwise("sigmoid", Ops::sig, v -> sig(v) * (1 - sig(v)));
    /** {@code exp}: {@code exp(0) = 1}. */
    public static final Leafwise EXP = new Leafwise("exp", Math::exp, Math::exp);
    /** Natural logarithm; a zero or negative number is an error. */
    public static final Leafwise LOG = new Leafwise("log", v -> {
        if (v == 0) throw new ArithmeticException("log of 0");
        if (v < 0) throw new ArithmeticException("log of a negative number: " + VValue.of(v));
        return Math.log(v);
    }, v -> 1 / v);
    /** Square root; a negative number is an error. {@code sqrt'(0) = +∞}. */
    public static final Leafwise SQRT = new Leafwise("sqrt", v -> {
        if (v < 0) throw new ArithmeticException("sqrt of a negative number: " + VValue.of(v));
        return Math.sqrt(v);
    }, v -> 0.5 / Math.sqrt(v));
    /** {@code x²}. */
    public static final Leafwise SQUARE = new Leafwise("square", v -> v * v, v -> 2 * v);

    /** Clamping to {@code [lo, hi]}; the gradient passes only inside the closed range. */
    public static Leafwise clampTo(double lo, double hi) {
        if (lo > hi) throw new IllegalArgumentException("clamp: lower bound " + lo + " exceeds upper bound " + hi);
        return new Leafwise("clamp", v -> Math.max(lo, Math.min(hi, v)), v -> v >= lo && v <= hi ? 1 : 0);
    }

    /**
     * {@code x^p} for a constant exponent {@code p} ({@code 0^0 = 1}); 0 to a negative power
     * and a negative number to a fractional power are errors.
     */
    public static Leafwise powerOf(double p) {
        return new Leafwise("pow", v -> {
            if (v == 0 && p < 0) throw new ArithmeticException("0 to the negative power " + VValue.of(p));
            if (v < 0 && p != Math.rint(p))
                throw new ArithmeticException("a negative number (" + VValue.of(v) + ") to the fractional power " + VValue.of(p));
            return Math.pow(v, p);
        }, v -> p == 0 ? 0 : p * Math.pow(v, p - 1));
    }

    private static double sig(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** {@code f} leaf-wise ({@link #mapLeaves}). */
    public static Object mapLeaves(Object x, Leafwise f) {
        return mapLeaves(x, f.f(), f.df());
    }

    /** {@code max(0, x)} leaf-wise; {@code relu'(0) = 0}. */
    public static Object relu(Object x) {
        return mapLeaves(x, RELU);
    }

    /** {@code |x|} leaf-wise; {@code |x|'(0) = 0}. */
    public static Object abs(Object x) {
        return mapLeaves(x, ABS);
    }

    /** Clamps each leaf to {@code [lo, hi]}; the gradient passes only inside the closed range. */
    public static Object clamp(Object x, double lo, double hi) {
        return mapLeaves(x, clampTo(lo, hi));
    }

    /** {@code tanh}; {@code tanh'(0) = 1}. */
    public static Object tanh(Object x) {
        return mapLeaves(x, TANH);
    }

    /** The logistic sigmoid: {@code sigmoid(0) = 0.5}, {@code sigmoid'(0) = 0.25}; on a map, its present leaves. */
    public static Object sigmoid(Object x) {
        return mapLeaves(x, SIGMOID);
    }

    /** {@code exp}: {@code exp(0) = 1}; on a map, its present leaves (absent leaves stay absent). */
    public static Object exp(Object x) {
        return mapLeaves(x, EXP);
    }

    /** Natural logarithm; a zero or negative number (or leaf) is an error. */
    public static Object log(Object x) {
        return mapLeaves(x, LOG);
    }

    /** Square root; a negative number (or leaf) is an error. {@code sqrt'(0) = +∞}. */
    public static Object sqrt(Object x) {
        return mapLeaves(x, SQRT);
    }

    /** {@code x²} leaf-wise. */
    public static Object square(Object x) {
        return mapLeaves(x, SQUARE);
    }

    /** {@code x^p} for a constant exponent {@code p} ({@link #powerOf}). */
    public static Object pow(Object x, double p) {
        return mapLeaves(x, powerOf(p));
    }

    // ------------------------------------------------------------- structure

    /** The subtree at {@code path}; pullback places the cotangent back at the path. */
    public static Object getIn(Object v, List<String> path) {
        VValue out = primal(v).getIn(path);
        Tape t = tapeOf(v);
        List<String> p = List.copyOf(path);
        return wrap(t, out, g -> getInT(p, g, sink(t, v)));
    }

    /** The transpose of {@code get-in} at {@code path}: the argument receives g placed at the path. */
    public static void getInT(List<String> path, VValue g, Sink s) {
        s.add(0, 1, VValue.ZERO.assocIn(path, g));
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
        return wrap(t, mapOf(keys, values), g -> makeMapT(keys, g, sink(t, values)));
    }

    /** The transpose of a map literal {@code {keys[i] values[i]}}: value i receives g's child at keys[i]. */
    public static void makeMapT(String[] keys, VValue g, Sink s) {
        for (int i = 0; i < keys.length; i++) s.add(i, 1, g.get(keys[i]));
    }

    /**
     * The map {@code {keys[i] values[i]}} of the primals — {@link #makeMap}'s forward rule — (values under one key added, a
     * {@code "number"} key adding to the scalar): with distinct keys, no such key and one or two
     * of them (an observation of one or two neurons, each cycle of a loss), the map itself,
     * without a builder; else as a builder sums it. The same V-value either way.
     */
    public static VValue mapOf(String[] keys, Object[] values) {
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
    public static boolean negativeZeroInside(VValue v) {
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
