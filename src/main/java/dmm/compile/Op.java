package dmm.compile;

import dmm.ad.Ops;
import dmm.vvalue.VValue;
import java.util.List;

/**
 * One operation of a compiled {@link Program}: a differentiable primitive of {@link Ops} applied
 * to earlier slots. Its forward rule is the primitive itself on primal values (so the program
 * computes what the interpreter computes, bit for bit; where the primitive's forward rule is one
 * call of the V-value algebra, that call is made directly, and where its arguments are numbers,
 * the algebra's arithmetic on numbers, {@link #numeric}), and its transpose is the primitive's
 * one transpose rule ({@code Ops.addT}, {@code Ops.dotT}, ...) with the program's slots as the sink.
 *
 * <p>The file is long because it is the one list of the compiled operations (over 500 lines),
 * each a record of a few one-line rules, read side by side.
 */
sealed interface Op {
    /** The slots this operation reads, in argument order (argument i of the transpose rule is {@code args()[i]}). */
    int[] args();

    /** The value, given the values of all earlier slots. */
    VValue forward(Frame f);

    /** Sends the cotangent {@code g} of this operation's value to its arguments through {@code s} (argument i: {@code args()[i]}). */
    void transpose(Frame f, VValue out, VValue g, Ops.Sink s);

    /** True when the value is a number whatever the inputs (for {@link Program#readsNumbersOnly}). */
    default boolean number(boolean[] numberSlots) {
        return false;
    }

    /**
     * True when the value can be computed as a {@code double} ({@link #forwardNumber}) when the
     * arguments marked in {@code numeric} are held as numbers: the V-value algebra's result on
     * numbers, without its objects.
     */
    default boolean numeric(boolean[] numeric) {
        return false;
    }

    /** The value as a number (see {@link #numeric}); equal to {@code forward(f).scalarPart()}. */
    default double forwardNumber(Frame f) {
        throw new IllegalStateException(name() + " has no rule on numbers");
    }

    /** The primitive's name, for listings. */
    String name();

    private static VValue p(Object x) {
        return (VValue) x;
    }

    /** A constant (no arguments; nothing to transpose). */
    record Const(VValue value) implements Op {
        public int[] args() {
            return new int[0];
        }

        public VValue forward(Frame f) {
            return value;
        }

        public void transpose(Frame f, VValue out, VValue g, Ops.Sink s) {}

        public boolean number(boolean[] n) {
            return value.isScalar();
        }

        public boolean numeric(boolean[] n) {
            return value.isScalar();
        }

        public double forwardNumber(Frame f) {
            return value.scalarPart();
        }

        public String name() {
            return "const " + value;
        }
    }

    record Add(int a, int b) implements Op {
        public int[] args() {
            return new int[] {a, b};
        }

        public VValue forward(Frame f) {
            return value(f.val(a), f.val(b));
        }

        /** Ops.add on primal values. */
        VValue value(VValue x, VValue y) {
            return x.add(y);
        }

        public void transpose(Frame f, VValue out, VValue g, Ops.Sink s) {
            Ops.addT(g, s);
        }

        public boolean number(boolean[] n) {
            return n[a] && n[b];
        }

        public boolean numeric(boolean[] n) {
            return n[a] && n[b];
        }

        public double forwardNumber(Frame f) {
            return number(f.n[a], f.n[b]);
        }

        /** combine(1, x, 1, y) on numbers: x + y (either alone when the other is 0). */
        double number(double x, double y) {
            return Frame.number(x + y);
        }

        public String name() {
            return "+";
        }
    }

    record Subtract(int a, int b) implements Op {
        public int[] args() {
            return new int[] {a, b};
        }

        public VValue forward(Frame f) {
            return value(f.val(a), f.val(b));
        }

        VValue value(VValue x, VValue y) {
            return x.subtract(y);
        }

        public void transpose(Frame f, VValue out, VValue g, Ops.Sink s) {
            Ops.subtractT(g, s);
        }

        public boolean number(boolean[] n) {
            return n[a] && n[b];
        }

        public boolean numeric(boolean[] n) {
            return n[a] && n[b];
        }

        public double forwardNumber(Frame f) {
            return number(f.n[a], f.n[b]);
        }

        /** combine(1, x, −1, y) on numbers: x + (−1)·y, which is x − y. */
        double number(double x, double y) {
            return Frame.number(x - y);
        }

        public String name() {
            return "-";
        }
    }

    record Negate(int a) implements Op {
        public int[] args() {
            return new int[] {a};
        }

        public VValue forward(Frame f) {
            return value(f.val(a));
        }

        VValue value(VValue x) {
            return x.negate();
        }

        public void transpose(Frame f, VValue out, VValue g, Ops.Sink s) {
            Ops.negateT(g, s);
        }

        public boolean number(boolean[] n) {
            return n[a];
        }

        public boolean numeric(boolean[] n) {
            return n[a];
        }

        public double forwardNumber(Frame f) {
            return number(f.n[a]);
        }

        double number(double x) {
            return Frame.number(-x);
        }

        public String name() {
            return "-";
        }
    }

    /** {@code (+ x y z ...)} with three or more arguments: one sum. */
    record Sum(int[] xs) implements Op {
        public int[] args() {
            return xs;
        }

        public VValue forward(Frame f) {
            VValue[] a = new VValue[xs.length];
            for (int i = 0; i < xs.length; i++) a[i] = f.val(xs[i]);
            return value(a);
        }

        /** {@code a}: the arguments' values, in order. */
        VValue value(VValue[] a) {
            return p(Ops.sum(a));
        }

        public void transpose(Frame f, VValue out, VValue g, Ops.Sink s) {
            Ops.sumT(xs.length, g, s);
        }

        public boolean number(boolean[] n) {
            for (int x : xs) if (!n[x]) return false;
            return true;
        }

        public String name() {
            return "+";
        }
    }

    /** {@code (* a b)}: scaling when either side is a number at run time, else the pointwise product (as {@link Ops#multiply}). */
    record Multiply(int a, int b) implements Op {
        public int[] args() {
            return new int[] {a, b};
        }

        public VValue forward(Frame f) {
            return value(f.val(a), f.val(b));
        }

        /** Ops.multiply on primal values. */
        VValue value(VValue va, VValue vb) {
            if (va.isScalar()) return vb.scale(va.scalarPart());
            if (vb.isScalar()) return va.scale(vb.scalarPart());
            return VValue.multiply(va, vb);
        }

        public void transpose(Frame f, VValue out, VValue g, Ops.Sink s) {
            if (f.isScalar(a)) Ops.scaleT(f.num(a), f.val(b), g, s);
            else if (f.isScalar(b)) Ops.scaleT(f.num(b), f.val(a), g, swapped(s));
            else Ops.multiplyT(f.val(a), f.val(b), g, s);
        }

        public boolean number(boolean[] n) {
            return n[a] && n[b];
        }

        public boolean numeric(boolean[] n) {
            return n[a] && n[b];
        }

        /** y.scale(x) on numbers: y when x is 1, 0 when either is 0, else x·y. */
        public double forwardNumber(Frame f) {
            return number(f.n[a], f.n[b]);
        }

        double number(double x, double y) {
            if (x == 1) return y;
            if (x == 0 || y == 0) return 0;
            return Frame.number(x * y);
        }

        public String name() {
            return "*";
        }
    }

    /** The sink with arguments 0 and 1 exchanged (a product scaled by its second argument). */
    private static Ops.Sink swapped(Ops.Sink s) {
        return new Ops.Sink() {
            public boolean wants(int arg) {
                return s.wants(1 - arg);
            }

            public void add(int arg, double w, VValue g) {
                s.add(1 - arg, w, g);
            }
        };
    }

    /** {@code (scale k v)}. */
    record Scale(int k, int v) implements Op {
        public int[] args() {
            return new int[] {k, v};
        }

        public VValue forward(Frame f) {
            return value(f.val(k), f.val(v));
        }

        VValue value(VValue k, VValue v) {
            return p(Ops.scale(k, v));
        }

        public void transpose(Frame f, VValue out, VValue g, Ops.Sink s) {
            Ops.scaleT(f.num(k), f.val(v), g, s);
        }

        public boolean number(boolean[] n) {
            return n[v];
        }

        public String name() {
            return "scale";
        }
    }

    /** {@code (/ v k)}. */
    record Divide(int v, int k) implements Op {
        public int[] args() {
            return new int[] {v, k};
        }

        public VValue forward(Frame f) {
            return value(f.val(v), f.val(k));
        }

        VValue value(VValue v, VValue k) {
            return p(Ops.divide(v, k));
        }

        public void transpose(Frame f, VValue out, VValue g, Ops.Sink s) {
            Ops.divideT(f.num(k), f.val(v), g, s);
        }

        public boolean number(boolean[] n) {
            return n[v];
        }

        public String name() {
            return "/";
        }
    }

    record Dot(int a, int b) implements Op {
        public int[] args() {
            return new int[] {a, b};
        }

        public VValue forward(Frame f) {
            return VValue.of(VValue.dot(f.val(a), f.val(b)));
        }

        public void transpose(Frame f, VValue out, VValue g, Ops.Sink s) {
            Ops.dotT(f.val(a), f.val(b), g, s);
        }

        public boolean number(boolean[] n) {
            return true;
        }

        public boolean numeric(boolean[] n) {
            return true;
        }

        /** The dot product of two numbers is their product; of anything else, VValue.dot. */
        public double forwardNumber(Frame f) {
            if (f.numeric[a] && f.numeric[b]) return number(f.n[a], f.n[b]);
            return numberOf(f.val(a), f.val(b));
        }

        double number(double x, double y) {
            return Frame.number(x * y);
        }

        double numberOf(VValue x, VValue y) {
            return Frame.number(VValue.dot(x, y));
        }

        public String name() {
            return "dot";
        }
    }

    /** {@code (num v)}. */
    record Num(int a) implements Op {
        public int[] args() {
            return new int[] {a};
        }

        public VValue forward(Frame f) {
            return VValue.of(f.num(a));
        }

        public void transpose(Frame f, VValue out, VValue g, Ops.Sink s) {
            Ops.scalarPartT(g, s);
        }

        public boolean number(boolean[] n) {
            return true;
        }

        public boolean numeric(boolean[] n) {
            return true;
        }

        public double forwardNumber(Frame f) {
            return number(f.num(a));
        }

        /** {@code x}: the argument's scalar part. */
        double number(double x) {
            return Frame.number(x);
        }

        public String name() {
            return "num";
        }
    }

    /** {@code (sum v)}: Σ of the leaves. */
    record SumLeaves(int a) implements Op {
        public int[] args() {
            return new int[] {a};
        }

        public VValue forward(Frame f) {
            return value(f.val(a));
        }

        VValue value(VValue x) {
            return p(Ops.sumLeaves(x));
        }

        public void transpose(Frame f, VValue out, VValue g, Ops.Sink s) {
            Ops.sumLeavesT(f.val(a), g, s);
        }

        public boolean number(boolean[] n) {
            return true;
        }

        public String name() {
            return "sum";
        }
    }

    record MaxNorm(int a) implements Op {
        public int[] args() {
            return new int[] {a};
        }

        public VValue forward(Frame f) {
            return VValue.of(f.val(a).maxAbs());
        }

        public void transpose(Frame f, VValue out, VValue g, Ops.Sink s) {
            Ops.maxNormT(f.val(a), out.scalarPart(), g, s);
        }

        public boolean number(boolean[] n) {
            return true;
        }

        public boolean numeric(boolean[] n) {
            return true;
        }

        public double forwardNumber(Frame f) {
            return f.numeric[a] ? number(f.n[a]) : numberOf(f.v[a]);
        }

        double number(double x) {
            return Frame.number(Math.abs(x));
        }

        double numberOf(VValue x) {
            return Frame.number(x.maxAbs());
        }

        public String name() {
            return "max-norm";
        }
    }

    /** {@code (max a b)} / {@code (min a b)} of numbers. */
    record Pick(int a, int b, boolean larger) implements Op {
        public int[] args() {
            return new int[] {a, b};
        }

        public VValue forward(Frame f) {
            return value(f.val(a), f.val(b));
        }

        VValue value(VValue x, VValue y) {
            return p(larger ? Ops.max(x, y) : Ops.min(x, y));
        }

        public void transpose(Frame f, VValue out, VValue g, Ops.Sink s) {
            Ops.pickT(f.num(a), f.num(b), out.scalarPart(), g, s);
        }

        /** Only when both arguments are: its transpose passes its cotangent whole to them. */
        public boolean number(boolean[] n) {
            return n[a] && n[b];
        }

        public String name() {
            return larger ? "max" : "min";
        }
    }

    /** A scalar function leaf-wise (relu, clamp, tanh, ...). */
    record Leafwise(int a, Ops.Leafwise f) implements Op {
        public int[] args() {
            return new int[] {a};
        }

        public VValue forward(Frame fr) {
            return value(fr.val(a));
        }

        /** Ops.mapLeaves on a primal value. */
        VValue value(VValue x) {
            return x.isScalar() ? VValue.of(f.f().applyAsDouble(x.scalarPart())) : x.mapLeaves(f.f());
        }

        public void transpose(Frame fr, VValue out, VValue g, Ops.Sink s) {
            Ops.mapLeavesT(fr.val(a), f.df(), g, s);
        }

        public boolean number(boolean[] n) {
            return n[a];
        }

        public boolean numeric(boolean[] n) {
            return n[a];
        }

        public double forwardNumber(Frame fr) {
            return number(fr.n[a]);
        }

        double number(double x) {
            return Frame.number(f.f().applyAsDouble(x));
        }

        /** The function's derivative at {@code x}. */
        double derivative(double x) {
            return f.df().applyAsDouble(x);
        }

        public String name() {
            return f.name();
        }
    }

    /** {@code (get v k)} / {@code (get-in v path)} with a constant key path. */
    record GetIn(int a, List<String> path) implements Op {
        public int[] args() {
            return new int[] {a};
        }

        public VValue forward(Frame f) {
            return value(f.val(a));
        }

        VValue value(VValue x) {
            return x.getIn(path);
        }

        public void transpose(Frame f, VValue out, VValue g, Ops.Sink s) {
            Ops.getInT(path, g, s);
        }

        public String name() {
            return "get-in " + path;
        }
    }

    /**
     * A map literal with constant keys. {@code sorted} and {@code order} are the keys in key order
     * and where each comes from, or null when keys repeat or one is {@code :number}: then its
     * value is made by {@link Ops#mapOf} (a builder's sum); otherwise, when no value is zero or
     * holds a -0 (which the builder's sum from +0 would turn into +0), it is the same map made
     * directly over one shared key array — the shape a kernel's outputs have from cycle to cycle.
     */
    record MakeMap(String[] keys, int[] values, String[] sorted, int[] order) implements Op {
        MakeMap(String[] keys, int[] values) {
            this(keys, values, sortedKeys(keys), orderOf(keys));
        }

        private static String[] sortedKeys(String[] keys) {
            if (List.of(keys).contains(VValue.NUMBER) || new java.util.HashSet<>(List.of(keys)).size() < keys.length) return null;
            String[] s = keys.clone();
            java.util.Arrays.sort(s);
            return s;
        }

        private static int[] orderOf(String[] keys) {
            String[] s = sortedKeys(keys);
            if (s == null) return null;
            int[] o = new int[s.length];
            for (int i = 0; i < s.length; i++) o[i] = List.of(keys).indexOf(s[i]);
            return o;
        }

        public int[] args() {
            return values;
        }

        public VValue forward(Frame f) {
            VValue[] a = new VValue[values.length];
            for (int i = 0; i < a.length; i++) a[i] = f.val(values[i]);
            return value(a);
        }

        /** {@code a}: the values, in the order of {@link #keys} (read, not kept). */
        VValue value(VValue[] a) {
            int n = a.length;
            if (sorted != null) {
                VValue[] s = new VValue[n];
                for (int i = 0; i < n; i++) s[i] = a[order[i]];
                return sortedValue(s);
            }
            return built(a);
        }

        /**
         * {@code s}: the values in the order of {@link #sorted} (not null), in a new array the map
         * may keep: {@link #value}. Without a -0 inside, the builder's sum over distinct keys is
         * the map of the non-zero values, which {@code VValue.ofSorted} makes directly.
         */
        VValue sortedValue(VValue[] s) {
            boolean zero = false;
            for (VValue x : s) {
                if (Ops.negativeZeroInside(x)) return sortedValueSlowly(s);
                zero |= x.isZero();
            }
            return zero ? VValue.ofSorted(sorted, s, s.length) : VValue.ofSortedKeeping(sorted, s);
        }

        private VValue sortedValueSlowly(VValue[] s) {
            VValue[] a = new VValue[s.length];
            for (int i = 0; i < s.length; i++) a[order[i]] = s[i];
            return built(a);
        }

        private VValue built(VValue[] a) {
            int n = a.length;
            for (int i = 0; i < n; i++)
                if (keys[i].equals(VValue.NUMBER) && !a[i].isScalar())
                    throw new Guard("a map literal's :number value is not a number");
            return Ops.mapOf(keys, a);
        }

        public void transpose(Frame f, VValue out, VValue g, Ops.Sink s) {
            Ops.makeMapT(keys, g, s);
        }

        public String name() {
            return "map " + List.of(keys);
        }
    }

    /** {@code (stop-gradient v)}: the value itself, and no gradient (its slot is not differentiable). */
    record StopGradient(int a) implements Op {
        public int[] args() {
            return new int[] {a};
        }

        public VValue forward(Frame f) {
            return value(f.val(a));
        }

        VValue value(VValue x) {
            return Ops.stopGradient(x);
        }

        public void transpose(Frame f, VValue out, VValue g, Ops.Sink s) {}

        public boolean number(boolean[] n) {
            return n[a];
        }

        public boolean numeric(boolean[] n) {
            return n[a];
        }

        public double forwardNumber(Frame f) {
            return number(f.n[a]);
        }

        double number(double x) {
            return x;
        }

        public String name() {
            return "stop-gradient";
        }
    }

    /** A run-time condition the interpreter reports as an error: the compiled run stops and the interpreted body runs instead. */
    final class Guard extends RuntimeException {
        Guard(String why) {
            super(why, null, false, false);
        }
    }
}
