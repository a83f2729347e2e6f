package dmm.bind;

import dmm.ad.Ops;
import dmm.ad.Tape;
import dmm.lang.Builtin;
import dmm.lang.Closure;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.lang.Values;
import dmm.lang.Var;
import dmm.machine.Engine;
import dmm.vvalue.VValue;
import java.util.List;

/**
 * A native fast path for a function (not a neuron type) of the built-in libraries that the
 * neuron compiler cannot compile, as it is a function over lists ({@code map}, {@code reduce}):
 * {@code number-squared-error} of {@code train}, the loss of the
 * synthesis experiment ({@code imitation-loss} calls it once per training step on every cycle's
 * observation). The fast path computes what the interpreted definition computes, bit for bit, in
 * values and gradients, with one tape entry per call instead of about ten per observation.
 *
 * <p>The fast path is a {@link Closure.Intrinsic}
 * attached to the library's own definition object (the closure the {@code train} library's
 * {@code defn} put in the var when it loaded), so a user's redefinition is another closure and
 * takes over at once; it runs only while every global function the definition calls is still
 * the interpreter's built-in (a redefined {@code square} changes what the library's definition
 * computes, so it then runs as written); a {@code train.dmm} on the library path gets the fast
 * path only when its text is exactly the built-in copy's ({@link Interpreter#onBuiltinLibraryLoaded});
 * and {@code -Ddmm.general=true} turns it off. Arguments it does not take exactly as the
 * definition would (anything but two vectors of V-values of equal length) let the interpreted
 * body run, so errors stay the interpreter's.
 */
final class StandardFunctions {
    private StandardFunctions() {}

    /**
     * The global functions {@code number-squared-error}'s body calls ({@code let} and {@code fn}
     * are special forms). They are late-bound, so each must still be the interpreter's built-in.
     */
    static final List<String> HELPERS = List.of("reduce", "+", "map", "mapcat", "-", "square", "get-in", "keys", "get");

    /**
     * Makes {@code interp} attach the fast paths when the built-in {@code train} library loads.
     * The helpers are taken now, when only the built-ins can be in their vars: a helper already
     * redefined when the library loads must not count as intact.
     */
    static void install(Interpreter interp) {
        Var[] helpers = new Var[HELPERS.size()];
        Object[] builtins = new Object[helpers.length];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = interp.findVar(HELPERS.get(i));
            if (helpers[i] == null || !helpers[i].isBound() || !(helpers[i].get() instanceof Builtin b) || !b.name().equals(HELPERS.get(i)))
                return;   // not the core language this fast path was written against
            builtins[i] = helpers[i].get();
        }
        interp.onBuiltinLibraryLoaded(lib -> {
            if (!lib.equals("train")) return;
            Var v = interp.findVar("number-squared-error");
            if (v != null && v.isBound() && v.get() instanceof Closure c) c.setIntrinsic(new NumberSquaredError(helpers, builtins));
        });
    }

    /** True when {@code f} carries the fast path of {@code number-squared-error} (for tests). */
    static boolean hasFastPath(Fn f) {
        return f instanceof Closure c && c.intrinsic() instanceof NumberSquaredError;
    }

    /**
     * {@code number-squared-error} of {@code train.dmm}:
     *
     * <pre>{@code
     * (reduce + 0 (map (fn [a b]
     *                    (let [d (- a b)]
     *                      (reduce + 0 (mapcat (fn [n] (map (fn [f] (square (get-in d [n f :number])))
     *                                                       (keys (get d n))))
     *                                          (keys d)))))
     *                  as bs))
     * }</pre>
     *
     * <p>Forward, per pair: {@code d = a − b} (the same tree subtraction), then over d's keys n
     * and the keys f of {@code d[n]}, both in key order, the square {@code s·s} of the scalar part
     * s of {@code d[n][f]} (whatever else lies below f is not read, as {@code get-in ... :number}
     * does not read it), summed from 0 from the left; the pairs' sums summed from 0 from the left.
     * The additions are those of the scalar tree algebra ({@code 0 + x = x}, then {@code acc + x}),
     * so every partial sum is the interpreter's.
     *
     * <p>Tracking: the interpreted result is tracked when some pair has at least one term and a
     * tracked {@code a} or {@code b}; then it records one entry. The chain of pullbacks it
     * replaces: each {@code +} passes the result's cotangent g unchanged to both its arguments, so
     * every square receives g and sends {@code gs·(2s)} ({@code gs} g's scalar part; nothing when
     * {@code gs = 0}, a zero contribution dropped) to its {@code get-in}, which places it at
     * {@code [n f :number]} of d's cotangent; the paths are distinct, so d's cotangent is the tree
     * of those numbers; {@code -} sends it with weight 1 to a and −1 to b. The backward walk runs
     * the pairs' entries last pair first, so the pullback here accumulates into the inputs in that
     * order too (an input appearing in several pairs receives its contributions in the same order).
     */
    static final class NumberSquaredError implements Closure.Intrinsic {
        private final Var[] helpers;
        private final Object[] builtins;

        NumberSquaredError(Var[] helpers, Object[] builtins) {
            this.helpers = helpers;
            this.builtins = builtins;
        }

        /** True while every helper is still the interpreter's built-in. */
        boolean intact() {
            for (int i = 0; i < helpers.length; i++) if (helpers[i].get() != builtins[i]) return false;
            return true;
        }

        @Override
        public Object apply(Object[] args) {
            if (Engine.GENERAL || args.length != 2 || !intact()) return DECLINE;
            if (!(args[0] instanceof List<?> as) || !(args[1] instanceof List<?> bs) || as.size() != bs.size()) return DECLINE;
            int n = as.size();
            Object[] a = as.toArray(), b = bs.toArray();
            if (a.length != n || b.length != n) return DECLINE;
            for (int i = 0; i < n; i++) if (!Values.isVValue(a[i]) || !Values.isVValue(b[i])) return DECLINE;
            VValue[] ds = new VValue[n];
            boolean[] tracked = new boolean[n];
            Tape tape = null;
            double total = 0;
            try {
                for (int i = 0; i < n; i++) {
                    VValue d = Ops.primal(a[i]).subtract(Ops.primal(b[i]));
                    double sum = 0;
                    int terms = 0;
                    for (int j = 0, nn = d.childCount(); j < nn; j++) {
                        VValue dn = d.childAt(j);
                        for (int k = 0, nf = dn.childCount(); k < nf; k++) {
                            double s = dn.childAt(k).scalarPart();
                            sum = add(sum, s * s);
                            terms++;
                        }
                    }
                    total = add(total, sum);
                    Tape t = terms == 0 ? null : Ops.recordingTape(a[i], b[i]);
                    if (t != null) {
                        tape = t;
                        tracked[i] = true;
                        ds[i] = d;
                    }
                }
            } catch (RuntimeException e) {
                return DECLINE;   // (a NaN from ∞ − ∞, say): the interpreted body fails as it does, at its place
            }
            VValue out = VValue.of(total);
            if (tape == null) return out;
            Tape t = tape;
            return t.record(out, g -> {
                double gs = g.scalarPart();
                if (gs == 0) return;
                for (int i = n - 1; i >= 0; i--) {
                    if (!tracked[i]) continue;
                    VValue gd = cotangentOfDifference(ds[i], gs);
                    if (gd.isZero()) continue;
                    Ops.accumulate(t, a[i], 1, gd);
                    Ops.accumulate(t, b[i], -1, gd);
                }
            });
        }

        /** {@code x + y} as the scalar tree algebra adds two numbers ({@code 0 + y} is y, {@code x + 0} is x). */
        private static double add(double x, double y) {
            if (y == 0) return x;
            if (x == 0) return y;
            return x + y;
        }

        /**
         * The cotangent d receives: {@code {n {f gs·(2s)}}} over its terms, zero contributions
         * dropped; a NaN contribution fails as {@code square}'s pullback does ({@link VValue#of(double)}).
         */
        private static VValue cotangentOfDifference(VValue d, double gs) {
            int nn = d.childCount();
            String[] nkeys = new String[nn];
            VValue[] nodes = new VValue[nn];
            for (int j = 0; j < nn; j++) {
                VValue dn = d.childAt(j);
                int nf = dn.childCount();
                String[] fkeys = new String[nf];
                VValue[] leaves = new VValue[nf];
                for (int k = 0; k < nf; k++) {
                    fkeys[k] = dn.keyAt(k);
                    leaves[k] = VValue.of(gs * (2 * dn.childAt(k).scalarPart()));
                }
                nkeys[j] = d.keyAt(j);
                nodes[j] = VValue.ofSorted(fkeys, leaves, nf);
            }
            return VValue.ofSorted(nkeys, nodes, nn);
        }
    }
}
