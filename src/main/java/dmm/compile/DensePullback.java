package dmm.compile;

import dmm.machine.NeuronKernel.DenseCotangents;
import dmm.vvalue.VValue;

/**
 * A program's pullback on the compiled down movement's dense coordinates (coordinate 0 the
 * scalar part, q > 0 the run's keys): the same transpose rules as {@link Program#pullback},
 * coordinate by coordinate, with contributions added as {@code ad.Cotangent} adds them (the
 * first kept with its weight, then {@code x + w·g} per coordinate), so the result equals the
 * pullback on V-values. A slot the program knows to be a number keeps only its cotangent's
 * scalar part: every rule reading the cotangent of a number reads only that (the same argument
 * as {@link Program#readsNumbersOnly}).
 *
 * <p>It covers the rules that stay on flat values — sums, differences, {@code num}, {@code dot},
 * {@code max-norm}, leaf-wise functions, products with a number, one-key gets, max/min,
 * stop-gradient, and a map literal as the result — and declines (returning false, having set
 * nothing) anything else, or a non-finite number, leaving the V-value pullback to run (and to
 * report what it reports).
 */
final class DensePullback {
    private final Program p;
    private final Frame f;
    private final DenseCotangents d;
    /** Per slot that is not a number: its cotangent's coordinates (null: zero); whether this pass owns the array: {@link #owned}. */
    private final double[][] g;
    /** Per number slot: its cotangent's scalar part; whether any contribution arrived: {@link #has}. */
    private final double[] s;
    /** The two flags of slots 0..63 as bits (most programs), of the others in arrays. */
    private long hasBits, ownedBits;
    private final boolean[] hasMore, ownedMore;

    private DensePullback(Program p, Frame f, DenseCotangents d) {
        this.p = p;
        this.f = f;
        this.d = d;
        int n = p.size();
        this.g = new double[n][];
        this.s = new double[n];
        this.hasMore = n > 64 ? new boolean[n] : null;
        this.ownedMore = n > 64 ? new boolean[n] : null;
    }

    /** Runs program {@code p}'s pullback densely, given its forward run {@code f}; false when it cannot here. */
    static boolean run(Program p, Frame f, DenseCotangents d) {
        if (!p.denseForm) return false;
        // a zero cotangent skips a number's rule, which with an infinite value could have made a NaN
        for (int slot = p.inputs; slot < p.size(); slot++) if (p.numeric[slot] && !Double.isFinite(f.n[slot])) return false;
        return new DensePullback(p, f, d).run();
    }

    private boolean run() {
        for (int k = p.ops.length - 1; k >= 0; k--) {
            int slot = p.inputs + k;
            if (!p.differentiable[slot]) continue;
            Op op = p.ops[k];
            if (slot == p.result) {
                Op.MakeMap m = (Op.MakeMap) op;
                for (int i = 0; i < m.keys().length; i++) {
                    String key = m.keys()[i];
                    int vi = m.values()[i];
                    if (p.number[vi]) addNum(vi, 1, d.outScalar(key));
                    else addVec(vi, 1, outCoordinates(d, key));
                }
                continue;
            }
            boolean ok;
            if (p.number[slot]) {
                if (!has(slot) || s[slot] == 0) continue;
                ok = transposeNumber(op, slot, s[slot]);
            } else {
                double[] gk = g[slot];
                if (gk == null || zero(gk)) continue;
                ok = transposeVector(op, gk);
            }
            if (!ok) return false;
        }
        for (int i = 0; i < p.inputs; i++) if (g[i] != null && !finite(g[i])) return false;
        for (int i = 0; i < p.inputs; i++) if (g[i] != null && !zero(g[i])) d.setIn(p.fields[i], g[i]);
        return true;
    }

    /** The transpose rule of an operation whose value is a number, with its cotangent's scalar part {@code gs} (non-zero). */
    private boolean transposeNumber(Op op, int slot, double gs) {
        if (linear(op, (x, w) -> addNum(x, w, gs))) return true;
        if (op instanceof Op.Dot o) {
            // Ops.dotT: a receives k·b, b receives k·a, with k the scalar part of g
            if (!addValue(o.a(), gs, o.b())) return false;
            return addValue(o.b(), gs, o.a());
        } else if (op instanceof Op.MaxNorm o) {
            return maxNorm(o.a(), f.num(slot), gs);
        } else if (op instanceof Op.Leafwise o) {
            // Ops.mapLeavesT on a number (the argument of a number-valued leaf-wise function is a number)
            addNum(o.a(), 1, gs * o.derivative(f.num(o.a())));
        } else if (op instanceof Op.Multiply o) {
            // both numbers: Ops.scaleT with the first as the factor
            double x = f.num(o.a()), y = f.num(o.b());
            addNum(o.b(), x, gs);
            if (p.differentiable[o.a()]) addNum(o.a(), 1, gs * y);
        } else if (op instanceof Op.Pick o) {
            double wa = pickWeight(f.num(o.a()), f.num(o.b()), f.num(slot));
            addNum(o.a(), wa, gs);
            addNum(o.b(), 1 - wa, gs);
        } else return false;   // scale, /, sum of leaves: on V-values
        return true;
    }

    /** The transpose rule of an operation whose value may be a map, with its cotangent's coordinates {@code gk} (non-zero). */
    private boolean transposeVector(Op op, double[] gk) {
        if (linear(op, (x, w) -> addVec(x, w, gk))) return true;
        if (op instanceof Op.Leafwise o) {
            return leafwise(o, gk);
        } else if (op instanceof Op.Multiply o) {
            // a product with a number is a scaling (Ops.multiply): Ops.scaleT, the number's side taking dot(g, v)
            if (f.isScalar(o.a())) return scale(o.a(), o.b(), gk);
            if (f.isScalar(o.b())) return scale(o.b(), o.a(), gk);
            return false;
        } else if (op instanceof Op.GetIn o) {
            return get(o, gk);
        }
        return false;   // get-in deeper, scale, /, a nested map literal: on V-values
    }

    /** Adds {@code w} times slot {@code from}'s value to slot {@code to}'s cotangent; false when the value has no coordinates here. */
    private boolean addValue(int to, double w, int from) {
        if (!p.differentiable[to] || w == 0) return true;
        if (p.number[to] || f.numeric[from]) {
            if (p.number[to]) addNum(to, w, f.num(from));
            else addVec(to, w, new double[] {f.num(from)});
            return true;
        }
        double[] x = coordinates(from);
        if (x == null) return false;
        addVec(to, w, x);
        return true;
    }

    /** Ops.scaleT on coordinates for {@code k · x} (k the number in slot {@code ks}): x receives k·g; k receives dot(g, x) in the V-value algebra's order. */
    private boolean scale(int ks, int xs, double[] gk) {
        double k = f.num(ks);
        VValue gv = null;
        if (p.differentiable[ks] && (gv = d.value(gk)) == null) return false;
        addVec(xs, k, gk);   // in Ops.scaleT's order: the scaled side first
        if (gv != null) addNum(ks, 1, VValue.dot(gv, f.val(xs)));
        return true;
    }

    /** Ops.getInT on coordinates for a one-key path: the number g placed at the key's coordinate (a cotangent with keys of its own would nest: declined). */
    private boolean get(Op.GetIn o, double[] gk) {
        if (o.path().size() != 1) return false;
        double[] r = getCoordinates(d, o.path().get(0), gk);
        if (r == null) return false;
        addVec(o.a(), 1, r);
        return true;
    }

    /** Ops.maxNormT on coordinates: g's scalar part split among the tied largest leaves, with their signs. */
    private boolean maxNorm(int a, double m, double gs) {
        if (m == 0) return true;
        if (f.isScalar(a)) {
            double x = f.num(a);
            addNum(a, 1, Math.signum(x) * gs);   // one leaf, the largest: k = gs / 1
            return true;
        }
        double[] x = coordinates(a);
        if (x == null) return false;
        addVec(a, 1, maxNormCoordinates(x, m, gs));
        return true;
    }

    /** Ops.mapLeavesT on coordinates: a number gets g·df(x) at its scalar; a map g·df at its present leaves. */
    private boolean leafwise(Op.Leafwise o, double[] gk) {
        if (f.isScalar(o.a())) {
            double gs = gk[0];
            if (gs != 0) addNum(o.a(), 1, gs * o.derivative(f.num(o.a())));
            return true;
        }
        double[] xs = coordinates(o.a());
        if (xs == null) return false;
        addVec(o.a(), 1, leafwiseCoordinates(o, xs, gk));
        return true;
    }

    /** Slot {@code slot}'s value as coordinates (an input's from the down movement's arrays), or null. */
    private double[] coordinates(int slot) {
        if (slot < p.inputs) return inCoordinates(d, p.fields[slot]);
        if (f.numeric[slot]) return new double[] {f.n[slot]};
        return d.coordinates(f.v[slot]);
    }

    /** Adds {@code w · x} (a number) to slot {@code slot}'s cotangent. */
    private void addNum(int slot, double w, double x) {
        if (!p.differentiable[slot] || w == 0) return;
        if (!p.number[slot]) {
            addVec(slot, w, new double[] {x});
            return;
        }
        if (has(slot)) s[slot] += w * x;
        else {
            s[slot] = w * x;
            if (slot < 64) hasBits |= 1L << slot;
            else hasMore[slot] = true;
        }
    }

    /**
     * Adds {@code w · x} to slot {@code slot}'s cotangent, as {@code Cotangent.accumulate} adds it
     * (which drops a zero {@code x}: adding its zeros changes no coordinate but the sign of a zero,
     * which nothing reads; and a non-finite product makes the whole run decline). A number slot
     * takes the scalar part.
     */
    private void addVec(int slot, double w, double[] x) {
        if (!p.differentiable[slot] || w == 0) return;
        if (p.number[slot]) {
            addNum(slot, w, x[0]);
            return;
        }
        double[] c = g[slot];
        if (c == null) {
            if (w == 1) g[slot] = x;   // kept, not copied: written only once owned
            else {
                double[] r = new double[x.length];
                for (int q = 0; q < x.length; q++) r[q] = w * x[q];
                g[slot] = r;
                own(slot);
            }
            return;
        }
        if (!owned(slot) || c.length < x.length) {
            double[] r = new double[Math.max(c.length, x.length)];
            System.arraycopy(c, 0, r, 0, c.length);
            g[slot] = c = r;
            own(slot);
        }
        for (int q = 0; q < x.length; q++) c[q] += w * x[q];
    }

    private boolean has(int slot) {
        return slot < 64 ? (hasBits & 1L << slot) != 0 : hasMore[slot];
    }

    private boolean owned(int slot) {
        return slot < 64 ? (ownedBits & 1L << slot) != 0 : ownedMore[slot];
    }

    private void own(int slot) {
        if (slot < 64) ownedBits |= 1L << slot;
        else ownedMore[slot] = true;
    }

    private static boolean zero(double[] x) {
        for (double e : x) if (e != 0) return false;
        return true;
    }

    private static boolean finite(double[] x) {
        for (double e : x) if (!Double.isFinite(e)) return false;
        return true;
    }

    // The rules' arithmetic on coordinates, shared with the code Codegen emits for a program.

    /** A slot and the weight of the cotangent it receives. */
    interface Term {
        void add(int slot, double w);
    }

    /**
     * The linear rules (sums, differences, negation, {@code num}): each argument receives the
     * cotangent times a constant weight, in argument order. False for any other operation.
     */
    static boolean linear(Op op, Term t) {
        if (op instanceof Op.Add o) {
            t.add(o.a(), 1);
            t.add(o.b(), 1);
        } else if (op instanceof Op.Subtract o) {
            t.add(o.a(), 1);
            t.add(o.b(), -1);
        } else if (op instanceof Op.Negate o) {
            t.add(o.a(), -1);
        } else if (op instanceof Op.Sum o) {
            for (int x : o.xs()) t.add(x, 1);
        } else if (op instanceof Op.Num o) {
            t.add(o.a(), 1);
        } else return false;
        return true;
    }

    /** The coordinates of output field {@code key}'s cotangent (a number's: its scalar part alone). */
    static double[] outCoordinates(DenseCotangents d, String key) {
        double[] gi = d.outVector(key);
        return gi != null ? gi : new double[] {d.outScalar(key)};
    }

    /** The coordinates of input field {@code field} (a number's: its scalar part alone). */
    static double[] inCoordinates(DenseCotangents d, String field) {
        double[] x = d.inVector(field);
        return x != null ? x : new double[] {d.inScalar(field)};
    }

    /** Ops.pickT's weight of the first argument: ½ on a tie, else 1 for the one picked. */
    static double pickWeight(double x, double y, double out) {
        return x == y ? 0.5 : (x == out ? 1 : 0);
    }

    /** Ops.getInT for one key: the number g at the key's coordinate, or null when the cotangent has keys of its own (nesting) or the key has no coordinate. */
    static double[] getCoordinates(DenseCotangents d, String key, double[] gk) {
        for (int q = 1; q < gk.length; q++) if (gk[q] != 0) return null;
        int c = d.coordinate(key);
        if (c < 0) return null;
        double[] r = new double[c + 1];
        r[c] = gk[0];
        return r;
    }

    /** Ops.maxNormT on coordinates x with largest magnitude m: gs split among the tied largest leaves, with their signs. */
    static double[] maxNormCoordinates(double[] x, double m, double gs) {
        int ties = 0;
        for (double xi : x) if (Math.abs(xi) == m) ties++;
        double k = gs / ties;
        double[] r = new double[x.length];
        for (int q = 0; q < x.length; q++) r[q] = Math.abs(x[q]) == m ? Math.signum(x[q]) * k : 0;
        return r;
    }

    /** Ops.mapLeavesT on coordinates: g·df at the present leaves of xs. */
    static double[] leafwiseCoordinates(Op.Leafwise o, double[] xs, double[] gk) {
        double[] r = new double[xs.length];
        for (int q = 0; q < xs.length; q++) {
            double gv = q < gk.length ? gk[q] : 0;
            if (xs[q] != 0) r[q] = gv == 0 ? 0 : gv * o.derivative(xs[q]);
        }
        return r;
    }

    /**
     * {@code s + w·x}, a number slot's cotangent after a contribution (a weight of 0 adds nothing,
     * even to an infinite x). Starting from 0 rather than from the first contribution differs
     * only in the sign of a zero, and a number slot's zero cotangent is never read.
     */
    static double addNumber(double s, double w, double x) {
        return w == 0 ? s : s + w * x;
    }

    /** {@link #addVec}'s sum as a value: c + w·x in a new array (x itself when c is null and w is 1: never written). */
    static double[] addCoordinates(double[] c, double w, double[] x) {
        if (w == 0) return c;
        if (c == null) {
            if (w == 1) return x;
            double[] r = new double[x.length];
            for (int q = 0; q < x.length; q++) r[q] = w * x[q];
            return r;
        }
        double[] r = new double[Math.max(c.length, x.length)];
        System.arraycopy(c, 0, r, 0, c.length);
        for (int q = 0; q < x.length; q++) r[q] += w * x[q];
        return r;
    }

    static double[] one(double x) {
        return new double[] {x};
    }

    static boolean zeroOrNull(double[] x) {
        return x == null || zero(x);
    }

    static boolean finiteOrNull(double[] x) {
        return x == null || finite(x);
    }
}
