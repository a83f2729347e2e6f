package dmm.compile;

import dmm.machine.NeuronKernel.DenseCotangents;
import dmm.vvalue.VValue;

/**
 * A program's pullback on the compiled down movement's dense coordinates (coordinate 0 the
 * scalar part, q > 0 the run's keys): the same transpose rules as {@link Program#pullback},
 * coordinate by coordinate, with contributions added as {@code ad.Cotangent} adds them (the
 * first kept with its weight, then {@code x + w·g} per coordinate), so the result equals the
 * pullback on V-values. It covers the operations whose rules stay on flat values — sums,
 * differences, {@code num}, {@code dot}, {@code max-norm}, leaf-wise functions, a product or
 * quotient by a number that takes no gradient, stop-gradient, and a map literal as the result —
 * and declines (returning false, having set nothing) anything else, or a non-finite number,
 * leaving the V-value pullback to run (and to report what it reports).
 */
final class DensePullback {
    private final Program p;
    private final VValue[] v;
    private final DenseCotangents d;
    /** Per slot: its cotangent's coordinates (null: zero), and whether this pass owns the array (may write it). */
    private final double[][] g;
    private final boolean[] owned;

    private DensePullback(Program p, VValue[] v, DenseCotangents d) {
        this.p = p;
        this.v = v;
        this.d = d;
        this.g = new double[p.size()][];
        this.owned = new boolean[p.size()];
    }

    /** Runs program {@code p}'s pullback densely, given its slots' values {@code v}; false when it cannot here. */
    static boolean run(Program p, VValue[] v, DenseCotangents d) {
        if (p.fields == null || !p.differentiable[p.result] || p.result < p.inputs) return false;
        for (String f : p.fields) if (f.equals(VValue.NUMBER)) return false;
        if (!(p.ops[p.result - p.inputs] instanceof Op.MakeMap)) return false;
        return new DensePullback(p, v, d).run();
    }

    private boolean run() {
        for (int k = p.ops.length - 1; k >= 0; k--) {
            int slot = p.inputs + k;
            if (!p.differentiable[slot]) continue;
            Op op = p.ops[k];
            if (slot == p.result) {
                Op.MakeMap m = (Op.MakeMap) op;
                for (int i = 0; i < m.keys().length; i++) {
                    double[] gi = d.outVector(m.keys()[i]);
                    add(m.values()[i], 1, gi != null ? gi : new double[] {d.outScalar(m.keys()[i])});
                }
                continue;
            }
            double[] gk = g[slot];
            if (gk == null || zero(gk)) continue;
            if (!transpose(op, slot, gk)) return false;
        }
        for (int i = 0; i < p.inputs; i++) if (g[i] != null && !finite(g[i])) return false;
        for (int i = 0; i < p.inputs; i++) if (g[i] != null && !zero(g[i])) d.setIn(p.fields[i], g[i]);
        return true;
    }

    /** One operation's transpose rule on coordinates; false when it has none here. */
    private boolean transpose(Op op, int slot, double[] gk) {
        if (op instanceof Op.Add o) {
            add(o.a(), 1, gk);
            add(o.b(), 1, gk);
        } else if (op instanceof Op.Subtract o) {
            add(o.a(), 1, gk);
            add(o.b(), -1, gk);
        } else if (op instanceof Op.Negate o) {
            add(o.a(), -1, gk);
        } else if (op instanceof Op.Sum o) {
            for (int x : o.xs()) add(x, 1, gk);
        } else if (op instanceof Op.Num o) {
            add(o.a(), 1, new double[] {gk[0]});
        } else if (op instanceof Op.Dot o) {
            double k = gk[0];
            double[] a = coordinates(o.a()), b = coordinates(o.b());
            if (a == null || b == null) return false;
            add(o.a(), k, b);
            add(o.b(), k, a);
        } else if (op instanceof Op.MaxNorm o) {
            return maxNorm(o.a(), v[slot].scalarPart(), gk[0]);
        } else if (op instanceof Op.Leafwise o) {
            return leafwise(o, gk);
        } else if (op instanceof Op.Multiply o) {
            // a product with a number is a scaling (Ops.multiply): Ops.scaleT, the number's side taking dot(g, v)
            if (v[o.a()].isScalar()) return scale(o.a(), o.b(), gk);
            if (v[o.b()].isScalar()) return scale(o.b(), o.a(), gk);
            return false;
        } else if (op instanceof Op.GetIn o) {
            return get(o, gk);
        } else if (op instanceof Op.Divide o) {
            if (p.differentiable[o.k()]) return false;
            add(o.v(), 1 / v[o.k()].scalarPart(), gk);
        } else return false;   // get, get-in, max/min, scale, sum of leaves, a nested map literal: on V-values
        return true;
    }

    /** Ops.scaleT on coordinates for {@code k · x} (k the number in slot {@code ks}): x receives k·g; k receives dot(g, x) in the V-value algebra's order. */
    private boolean scale(int ks, int xs, double[] gk) {
        double k = v[ks].scalarPart();
        VValue gv = null;
        if (p.differentiable[ks] && (gv = d.value(gk)) == null) return false;
        add(xs, k, gk);   // in Ops.scaleT's order: the scaled side first
        if (gv != null) add(ks, 1, new double[] {VValue.dot(gv, v[xs])});
        return true;
    }

    /** Ops.getInT on coordinates for a one-key path: the number g placed at the key's coordinate (a cotangent with keys of its own would nest: declined). */
    private boolean get(Op.GetIn o, double[] gk) {
        if (o.path().size() != 1) return false;
        for (int q = 1; q < gk.length; q++) if (gk[q] != 0) return false;
        int c = d.coordinate(o.path().get(0));
        if (c < 0) return false;
        double[] r = new double[c + 1];
        r[c] = gk[0];
        add(o.a(), 1, r);
        return true;
    }

    /** Ops.maxNormT on coordinates: g's scalar part split among the tied largest leaves, with their signs. */
    private boolean maxNorm(int a, double m, double gs) {
        if (m == 0) return true;
        double[] x = coordinates(a);
        if (x == null) return false;
        int ties = 0;
        for (double xi : x) if (Math.abs(xi) == m) ties++;
        double k = gs / ties;
        double[] r = new double[x.length];
        for (int q = 0; q < x.length; q++) r[q] = Math.abs(x[q]) == m ? Math.signum(x[q]) * k : 0;
        add(a, 1, r);
        return true;
    }

    /** Ops.mapLeavesT on coordinates: a number gets g·df(x) at its scalar; a map g·df at its present leaves. */
    private boolean leafwise(Op.Leafwise o, double[] gk) {
        VValue x = v[o.a()];
        if (x.isScalar()) {
            double gs = gk[0];
            if (gs != 0) add(o.a(), 1, new double[] {gs * o.f().df().applyAsDouble(x.scalarPart())});
            return true;
        }
        double[] xs = coordinates(o.a());
        if (xs == null) return false;
        double[] r = new double[xs.length];
        for (int q = 0; q < xs.length; q++) {
            double gv = q < gk.length ? gk[q] : 0;
            if (xs[q] != 0) r[q] = gv == 0 ? 0 : gv * o.f().df().applyAsDouble(xs[q]);
        }
        add(o.a(), 1, r);
        return true;
    }

    /** Slot {@code s}'s value as coordinates (an input's from the down movement's arrays), or null. */
    private double[] coordinates(int s) {
        if (s < p.inputs) {
            double[] x = d.inVector(p.fields[s]);
            return x != null ? x : new double[] {d.inScalar(p.fields[s])};
        }
        return d.coordinates(v[s]);
    }

    /**
     * Adds {@code w · x} to slot {@code s}'s cotangent, as {@code Cotangent.accumulate} adds it
     * (which drops a zero {@code x}: adding its zeros changes no coordinate but the sign of a zero,
     * which nothing reads; and a non-finite product makes the whole run decline).
     */
    private void add(int s, double w, double[] x) {
        if (!p.differentiable[s] || w == 0) return;
        double[] c = g[s];
        if (c == null) {
            if (w == 1) g[s] = x;   // kept, not copied: written only once owned
            else {
                double[] r = new double[x.length];
                for (int q = 0; q < x.length; q++) r[q] = w * x[q];
                g[s] = r;
                owned[s] = true;
            }
            return;
        }
        if (!owned[s] || c.length < x.length) {
            double[] r = new double[Math.max(c.length, x.length)];
            System.arraycopy(c, 0, r, 0, c.length);
            g[s] = c = r;
            owned[s] = true;
        }
        for (int q = 0; q < x.length; q++) c[q] += w * x[q];
    }

    private static boolean zero(double[] x) {
        for (double e : x) if (e != 0) return false;
        return true;
    }

    private static boolean finite(double[] x) {
        for (double e : x) if (!Double.isFinite(e)) return false;
        return true;
    }
}
