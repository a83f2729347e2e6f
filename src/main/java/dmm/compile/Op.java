package dmm.compile;

import dmm.ad.Ops;
import dmm.vvalue.VValue;
import java.util.List;

/**
 * One operation of a compiled {@link Program}: a differentiable primitive of {@link Ops} applied
 * to earlier slots. Its forward rule is the primitive itself on primal values (so the program
 * computes what the interpreter computes, bit for bit; where the primitive's forward rule is one
 * call of the V-value algebra, that call is made directly), and its transpose is the primitive's one
 * transpose rule ({@code Ops.addT}, {@code Ops.dotT}, ...) with the program's slots as the sink.
 */
sealed interface Op {
    /** The slots this operation reads, in argument order (argument i of the transpose rule is {@code args()[i]}). */
    int[] args();

    /** The value, given the values of all earlier slots. */
    VValue forward(VValue[] v);

    /** Sends the cotangent {@code g} of this operation's value to its arguments through {@code s} (argument i: {@code args()[i]}). */
    void transpose(VValue[] v, VValue out, VValue g, Ops.Sink s);

    /** True when the value is a number whatever the inputs (for {@link Program#readsNumbersOnly}). */
    default boolean number(boolean[] numberSlots) {
        return false;
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

        public VValue forward(VValue[] v) {
            return value;
        }

        public void transpose(VValue[] v, VValue out, VValue g, Ops.Sink s) {}

        public boolean number(boolean[] n) {
            return value.isScalar();
        }

        public String name() {
            return "const " + value;
        }
    }

    record Add(int a, int b) implements Op {
        public int[] args() {
            return new int[] {a, b};
        }

        public VValue forward(VValue[] v) {
            return v[a].add(v[b]); // Ops.add on primal values
        }

        public void transpose(VValue[] v, VValue out, VValue g, Ops.Sink s) {
            Ops.addT(g, s);
        }

        public boolean number(boolean[] n) {
            return n[a] && n[b];
        }

        public String name() {
            return "+";
        }
    }

    record Subtract(int a, int b) implements Op {
        public int[] args() {
            return new int[] {a, b};
        }

        public VValue forward(VValue[] v) {
            return v[a].subtract(v[b]);
        }

        public void transpose(VValue[] v, VValue out, VValue g, Ops.Sink s) {
            Ops.subtractT(g, s);
        }

        public boolean number(boolean[] n) {
            return n[a] && n[b];
        }

        public String name() {
            return "-";
        }
    }

    record Negate(int a) implements Op {
        public int[] args() {
            return new int[] {a};
        }

        public VValue forward(VValue[] v) {
            return v[a].negate();
        }

        public void transpose(VValue[] v, VValue out, VValue g, Ops.Sink s) {
            Ops.negateT(g, s);
        }

        public boolean number(boolean[] n) {
            return n[a];
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

        public VValue forward(VValue[] v) {
            Object[] a = new Object[xs.length];
            for (int i = 0; i < xs.length; i++) a[i] = v[xs[i]];
            return p(Ops.sum(a));
        }

        public void transpose(VValue[] v, VValue out, VValue g, Ops.Sink s) {
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

        public VValue forward(VValue[] v) {
            VValue va = v[a], vb = v[b];   // Ops.multiply on primal values
            if (va.isScalar()) return vb.scale(va.scalarPart());
            if (vb.isScalar()) return va.scale(vb.scalarPart());
            return VValue.multiply(va, vb);
        }

        public void transpose(VValue[] v, VValue out, VValue g, Ops.Sink s) {
            VValue va = v[a], vb = v[b];
            if (va.isScalar()) Ops.scaleT(va.scalarPart(), vb, g, s);
            else if (vb.isScalar()) Ops.scaleT(vb.scalarPart(), va, g, swapped(s));
            else Ops.multiplyT(va, vb, g, s);
        }

        public boolean number(boolean[] n) {
            return n[a] && n[b];
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

        public VValue forward(VValue[] x) {
            return p(Ops.scale(x[k], x[v]));
        }

        public void transpose(VValue[] x, VValue out, VValue g, Ops.Sink s) {
            Ops.scaleT(x[k].scalarPart(), x[v], g, s);
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

        public VValue forward(VValue[] x) {
            return p(Ops.divide(x[v], x[k]));
        }

        public void transpose(VValue[] x, VValue out, VValue g, Ops.Sink s) {
            Ops.divideT(x[k].scalarPart(), x[v], g, s);
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

        public VValue forward(VValue[] v) {
            return VValue.of(VValue.dot(v[a], v[b]));
        }

        public void transpose(VValue[] v, VValue out, VValue g, Ops.Sink s) {
            Ops.dotT(v[a], v[b], g, s);
        }

        public boolean number(boolean[] n) {
            return true;
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

        public VValue forward(VValue[] v) {
            return VValue.of(v[a].scalarPart());
        }

        public void transpose(VValue[] v, VValue out, VValue g, Ops.Sink s) {
            Ops.scalarPartT(g, s);
        }

        public boolean number(boolean[] n) {
            return true;
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

        public VValue forward(VValue[] v) {
            return p(Ops.sumLeaves(v[a]));
        }

        public void transpose(VValue[] v, VValue out, VValue g, Ops.Sink s) {
            Ops.sumLeavesT(v[a], g, s);
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

        public VValue forward(VValue[] v) {
            return VValue.of(v[a].maxAbs());
        }

        public void transpose(VValue[] v, VValue out, VValue g, Ops.Sink s) {
            Ops.maxNormT(v[a], out.scalarPart(), g, s);
        }

        public boolean number(boolean[] n) {
            return true;
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

        public VValue forward(VValue[] v) {
            return p(larger ? Ops.max(v[a], v[b]) : Ops.min(v[a], v[b]));
        }

        public void transpose(VValue[] v, VValue out, VValue g, Ops.Sink s) {
            Ops.pickT(v[a].scalarPart(), v[b].scalarPart(), out.scalarPart(), g, s);
        }

        public boolean number(boolean[] n) {
            return true;
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

        public VValue forward(VValue[] v) {
            VValue x = v[a];   // Ops.mapLeaves on a primal value
            return x.isScalar() ? VValue.of(f.f().applyAsDouble(x.scalarPart())) : x.mapLeaves(f.f());
        }

        public void transpose(VValue[] v, VValue out, VValue g, Ops.Sink s) {
            Ops.mapLeavesT(v[a], f.df(), g, s);
        }

        public boolean number(boolean[] n) {
            return n[a];
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

        public VValue forward(VValue[] v) {
            return v[a].getIn(path);
        }

        public void transpose(VValue[] v, VValue out, VValue g, Ops.Sink s) {
            Ops.getInT(path, g, s);
        }

        public String name() {
            return "get-in " + path;
        }
    }

    /** A map literal with constant keys. */
    record MakeMap(String[] keys, int[] values) implements Op {
        public int[] args() {
            return values;
        }

        public VValue forward(VValue[] v) {
            VValue[] a = new VValue[values.length];
            for (int i = 0; i < values.length; i++) {
                a[i] = v[values[i]];
                if (keys[i].equals(VValue.NUMBER) && !a[i].isScalar())
                    throw new Guard("a map literal's :number value is not a number");
            }
            return Ops.mapOf(keys, a);
        }

        public void transpose(VValue[] v, VValue out, VValue g, Ops.Sink s) {
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

        public VValue forward(VValue[] v) {
            return Ops.stopGradient(v[a]);
        }

        public void transpose(VValue[] v, VValue out, VValue g, Ops.Sink s) {}

        public boolean number(boolean[] n) {
            return n[a];
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
