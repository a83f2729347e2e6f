package dmm.bind;

import dmm.ad.Ops;
import dmm.ad.Tape;
import dmm.lang.Builtin;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.lang.Var;
import dmm.machine.Engine;
import dmm.machine.NeuronFunction;
import dmm.machine.NeuronKernel.DenseCotangents;
import dmm.machine.NeuronKernel;
import dmm.vvalue.VValue;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;

/**
 * Native fast paths for the standard neuron types of the built-in {@code std} and {@code lite}
 * libraries. Each one calls the same differentiable primitives, in the same order, as the
 * library's {@code defneuron} body does when interpreted, so values and gradients are the same
 * bit for bit; only the interpreter's work per call (frames, argument checks, node dispatch) is
 * saved.
 *
 * <p>A fast path is attached to the library's own definition (the function object the built-in
 * library put in the type's var when it loaded), never to the name: a redefinition of the type
 * is another function, so {@link LanguageNeurons#fromVar} adapts it through the general path at
 * the next cycle; and a fast path runs only while the global functions the definition calls
 * (clamp, dot, +, ...) are still the ones the library loaded with. A library file on the library path gets fast paths only when its text is exactly
 * the built-in copy's (as the checkout's own {@code lib-dmm/} is); any other copy gets none.
 */
final class StandardNeurons {
    private StandardNeurons() {}

    /** A fast path and the helper functions its library definition calls, as they were when the library loaded. */
    private record Native(NeuronKernel kernel, Var[] helpers, Object[] loaded) {
        /** True while every helper the definition calls is still the one the library loaded with. */
        boolean intact() {
            for (int i = 0; i < helpers.length; i++) if (helpers[i].get() != loaded[i]) return false;
            return true;
        }
    }

    /**
     * The global functions the library bodies call. They are late-bound in the language, so a
     * user's {@code (defn clamp ...)} changes what the library's {@code dot} computes: a fast path
     * runs only while none of them has been redefined.
     */
    private static final String[] HELPERS = {"+", "-", "max-norm", "clamp", "dot", "num", "relu", "stop-gradient"};

    /** The library definitions with a fast path (weak keys: definitions of discarded interpreters go away). */
    private static final Map<Object, Native> NATIVE = Collections.synchronizedMap(new WeakHashMap<>());

    private static final String[] DICTS = {"dict-1", "dict-2"};
    /** The output fields of compare, sorted. */
    private static final String[] OUT_COMPARE_SORTED = {"false", "true"};

    /** The fast paths of one built-in library, by neuron type name (each the rule of the library's defneuron). */
    static Map<String, NeuronKernel> of(String library) {
        switch (library) {
            case "std":
                return Map.of("sum-dicts", new SumDicts(true), "max-norm", new MaxNorm(), "dot", new Dot(), "compare", new Compare(),
                        "timer", new Timer(),
                        // inputs → {}
                        "output", new Constant(VValue.ZERO));
            case "lite":
                return Map.of(
                        // {:const_1 1}
                        "const-1", new Constant(VValue.of("const_1", VValue.ONE)),
                        // {:char {"." 1}}
                        "const-end", new Constant(VValue.of("char", VValue.of(".", 1))),
                        "sum-dicts-published", new SumDicts(false));
            default:
                return Map.of();
        }
    }

    // Each fast path is a kernel: the forward rule on the primal values, and a pullback that
    // sends the output's cotangent to the input map. The comments give the library's definition
    // and how the chain of its primitives' pullbacks reduces to the one written here (each
    // intermediate value has one consumer, so no cotangent is ever a sum of two terms except in
    // compare, where at most one of the two terms is non-zero). Called as a function (outside a
    // network's cycle), a kernel records one tape entry per call; in a network's cycle the
    // engine records none for it (see NeuronKernel).

    /** The outputs of {@code k} on {@code in}; under grad, one entry whose pullback gives the input map's cotangent. */
    static Object apply(NeuronKernel k, Object in) {
        VValue x = Ops.primal(in), out = k.forward(x);
        Tape t = k.constant() ? null : Ops.recordingTape(in);
        if (t == null) return out;
        Consumer<VValue> back = g -> NeuronKernel.pullbackInto(k, t, in, out, g);
        return k.readsNumbersOnly() ? t.recordNumbers(out, back) : t.record(out, back);
    }

    private static VValue pair(VValue d1, VValue d2) {
        return VValue.ofSortedKeeping(DICTS, new VValue[] {d1, d2});
    }

    /** Input field {@code field}'s coordinates (a number: one coordinate). */
    private static double[] vector(DenseCotangents g, String field) {
        double[] v = g.inVector(field);
        return v != null ? v : new double[] {g.inScalar(field)};
    }

    /** {@code k · v} coordinate by coordinate, as a flat value's scale does (k = 1 gives v itself); null where that fails (a product overflows). */
    private static double[] scaled(double[] v, double k) {
        if (k == 1.0) return v;
        double[] r = new double[v.length];
        for (int q = 0; q < v.length; q++) {
            double x = v[q];
            if (x != 0 && !Double.isFinite(r[q] = k * x)) return null;
        }
        return r;
    }

    /** A type whose outputs do not depend on its inputs: pullback zero. */
    private record Constant(VValue out) implements NeuronKernel {
        @Override
        public VValue forward(VValue in) {
            return out;
        }

        @Override
        public VValue pullback(VValue in, VValue out, VValue g) {
            return VValue.ZERO;
        }

        @Override
        public boolean pullbackDense(VValue in, VValue out, DenseCotangents g) {
            return true;
        }

        @Override
        public boolean constant() {
            return true;
        }
    }

    /**
     * sum-dicts: {@code {:dict (+ dict-1 dict-2)}}; pullback {@code {dict-1 g, dict-2 g}} with
     * {@code g} the cotangent at dict. sum-dicts-published: {@code {:dict (+ (stop-gradient
     * dict-1) dict-2)}}; pullback {@code {dict-2 g}}.
     */
    private record SumDicts(boolean throughMemory) implements NeuronKernel {
        @Override
        public VValue forward(VValue v) {
            return VValue.of("dict", v.get("dict-1").add(v.get("dict-2")));
        }

        @Override
        public VValue pullback(VValue in, VValue out, VValue g) {
            VValue gd = g.get("dict");
            return throughMemory ? pair(gd, gd) : VValue.of("dict-2", gd);
        }

        @Override
        public boolean pullbackDense(VValue in, VValue out, DenseCotangents g) {
            double[] gd = g.outVector("dict");
            if (gd == null) gd = new double[] {g.outScalar("dict")};
            if (throughMemory) g.setIn("dict-1", gd);
            g.setIn("dict-2", gd);
            return true;
        }
    }

    /** {@code {:norm (max-norm dict)}}; pullback: the gradient split equally among the tied largest leaves (Ops.maxNorm). */
    private static final class MaxNorm implements NeuronKernel {
        @Override
        public VValue forward(VValue in) {
            return VValue.of("norm", VValue.of(in.get("dict").maxAbs()));
        }

        @Override
        public VValue pullback(VValue in, VValue out, VValue g) {
            double m = out.get("norm").scalarPart();
            if (m == 0) return VValue.ZERO;
            VValue d = in.get("dict");
            double k = g.get("norm").scalarPart() / ties(d, m);
            return VValue.of("dict", d.mapLeaves(x -> Math.abs(x) == m ? Math.signum(x) * k : 0));
        }

        @Override
        public boolean pullbackDense(VValue in, VValue out, DenseCotangents g) {
            double m = out.get("norm").scalarPart();
            if (m == 0) return true;
            double[] a = vector(g, "dict"), r = new double[a.length];
            double k = g.outScalar("norm") / ties(a, m);
            if (Double.isNaN(k)) return false;
            for (int q = 0; q < a.length; q++) r[q] = Math.abs(a[q]) == m ? Math.signum(a[q]) * k : 0;
            g.setIn("dict", r);
            return true;
        }

        @Override
        public boolean readsNumbersOnly() {
            return true;
        }
    }

    /** The number of coordinates whose absolute value is {@code m > 0}. */
    private static int ties(double[] a, double m) {
        int n = 0;
        for (double x : a) if (Math.abs(x) == m) n++;
        return n;
    }

    /** The number of leaves of {@code d} whose absolute value is {@code m > 0} (on a flat node's array, no tree made). */
    private static int ties(VValue d, double m) {
        double[] f = d.flatValues();
        if (f != null) return ties(f, m);
        int[] n = {0};
        d.forEachLeaf((p, x) -> {
            if (Math.abs(x) == m) n[0]++;
        });
        return n[0];
    }

    /** {@code {:dot (clamp (dot dict-1 dict-2) -4 4)}}; pullback {@code k = g} inside [-4, 4] (else 0), {@code {dict-1 k·dict-2, dict-2 k·dict-1}}. */
    private static final class Dot implements NeuronKernel {
        @Override
        public VValue forward(VValue v) {
            double x = VValue.dot(v.get("dict-1"), v.get("dict-2"));
            return VValue.of("dot", VValue.of(Math.max(-4, Math.min(4, x))));
        }

        @Override
        public VValue pullback(VValue v, VValue out, VValue g) {
            double k = g.get("dot").scalarPart();
            if (k == 0) return VValue.ZERO;
            VValue a = v.get("dict-1"), b = v.get("dict-2");
            // inside the clamp's range the output is the dot product itself; at its ends, or past
            // them (or NaN), the product says which
            double y = out.get("dot").scalarPart();
            if (!(y > -4 && y < 4)) {
                double x = VValue.dot(a, b);
                if (!(x >= -4 && x <= 4)) return VValue.ZERO;
            }
            return pair(b.scale(k), a.scale(k));
        }

        @Override
        public boolean pullbackDense(VValue v, VValue out, DenseCotangents g) {
            double k = g.outScalar("dot");
            if (k == 0) return true;
            if (Double.isNaN(k)) return false; // (the scaling fails on V-values: let pullback say so)
            double y = out.get("dot").scalarPart();
            if (!(y > -4 && y < 4)) {
                double x = VValue.dot(v.get("dict-1"), v.get("dict-2"));
                if (!(x >= -4 && x <= 4)) return true;
            }
            double[] da = scaled(vector(g, "dict-2"), k), db = scaled(vector(g, "dict-1"), k);
            if (da == null || db == null) return false;
            g.setIn("dict-1", da);
            g.setIn("dict-2", db);
            return true;
        }

        @Override
        public boolean readsNumbersOnly() {
            return true;
        }
    }

    /**
     * {@code (let [d (- (num dict-1) (num dict-2))] {:true (relu d) :false (relu (- d))})};
     * pullback {@code e = g_true} when d > 0, {@code -g_false} when d < 0 (0 at d = 0):
     * {@code {dict-1 e, dict-2 -e}}.
     */
    private static final class Compare implements NeuronKernel {
        /** (- n1 n2) on numbers is 1·n1 + (−1)·n2 = n1 − n2 exactly (the tree algebra on scalars, without its objects). */
        private static double difference(VValue v) {
            return v.get("dict-1").scalarPart() - v.get("dict-2").scalarPart();
        }

        @Override
        public VValue forward(VValue v) {
            double d = difference(v);
            if (Double.isNaN(d)) VValue.of(d); // a NaN (∞ − ∞) fails as the tree's would
            double nd = -d;
            return VValue.ofSortedKeeping(OUT_COMPARE_SORTED, new VValue[] {VValue.of(nd > 0 ? nd : 0), VValue.of(d > 0 ? d : 0)});
        }

        @Override
        public VValue pullback(VValue v, VValue out, VValue g) {
            double d = difference(v), nd = -d;
            double e = d > 0 ? g.get("true").scalarPart() : nd > 0 ? -g.get("false").scalarPart() : 0;
            if (e == 0) return VValue.ZERO;
            return pair(VValue.of(e), VValue.of(-e));
        }

        @Override
        public boolean pullbackDense(VValue v, VValue out, DenseCotangents g) {
            double d = g.inScalar("dict-1") - g.inScalar("dict-2"), nd = -d;
            double e = d > 0 ? g.outScalar("true") : nd > 0 ? -g.outScalar("false") : 0;
            if (e == 0) return true;
            if (Double.isNaN(e)) return false;
            g.setIn("dict-1", new double[] {e});
            g.setIn("dict-2", new double[] {-e});
            return true;
        }

        @Override
        public boolean readsNumbersOnly() {
            return true;
        }
    }

    /** {@code {:timer (+ (num timer) 1)}}; pullback {@code {timer g}} (its :number part). */
    private static final class Timer implements NeuronKernel {
        @Override
        public VValue forward(VValue in) {
            return VValue.of("timer", VValue.of(in.get("timer").scalarPart()).add(VValue.ONE));
        }

        @Override
        public VValue pullback(VValue in, VValue out, VValue g) {
            return VValue.of("timer", VValue.of(g.get("timer").scalarPart()));
        }

        @Override
        public boolean pullbackDense(VValue in, VValue out, DenseCotangents g) {
            double x = g.outScalar("timer");
            if (Double.isNaN(x)) return false;
            g.setIn("timer", new double[] {x});
            return true;
        }

        @Override
        public boolean readsNumbersOnly() {
            return true;
        }
    }

    /**
     * Makes {@code interp} attach the fast paths when a built-in library with standard neurons
     * loads. The helpers are taken now, when only the interpreter's built-ins can be in their
     * vars: a helper already redefined when the library loads (say {@code (defn clamp ...)}
     * before {@code (require std)}) must not count as intact.
     */
    static void install(Interpreter interp) {
        Var[] helpers = new Var[HELPERS.length];
        Object[] builtins = new Object[HELPERS.length];
        for (int i = 0; i < HELPERS.length; i++) {
            helpers[i] = interp.findVar(HELPERS[i]);
            if (helpers[i] == null || !helpers[i].isBound() || !(helpers[i].get() instanceof Builtin b) || !b.name().equals(HELPERS[i]))
                return;   // not the core language these fast paths were written against
            builtins[i] = helpers[i].get();
        }
        interp.onBuiltinLibraryLoaded(library -> {
            for (Map.Entry<String, NeuronKernel> e : of(library).entrySet()) {
                Var v = interp.findNeuronType(e.getKey());
                if (v != null && v.get() instanceof Fn f) NATIVE.put(f, new Native(e.getValue(), helpers, builtins));
            }
        });
    }

    /**
     * The fast path of {@code f} when it is a built-in library's own definition, with the fields
     * of {@code general} (the general adapter of the same function); otherwise {@code general}.
     */
    static NeuronFunction fastPath(Fn f, NeuronFunction general) {
        Native n = NATIVE.get(f);
        if (n == null || Engine.GENERAL || Boolean.getBoolean("dmm.nohand")) return general;
        // a redefined helper (say clamp) changes the definition's meaning: then run it as written
        return new NeuronFunction() {
            @Override
            public Object apply(Object inputs) {
                return n.intact() ? StandardNeurons.apply(n.kernel(), inputs) : general.apply(inputs);
            }

            @Override
            public NeuronKernel kernel() {
                return n.intact() ? n.kernel() : null;
            }

            @Override
            public List<String> inputFields() {
                return general.inputFields();
            }

            @Override
            public List<String> outputFields() {
                return general.outputFields();
            }

            @Override
            public String toString() {
                return general.toString();
            }
        };
    }

    /** True when {@code f} is a built-in library's definition with a fast path (for tests). */
    static boolean hasFastPath(Fn f) {
        return NATIVE.containsKey(f);
    }
}
