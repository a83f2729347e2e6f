package dmm.compile;

import static org.junit.jupiter.api.Assertions.*;

import dmm.ad.Grad;
import dmm.ad.Ops;
import dmm.ad.Tape;
import dmm.bind.DenseCoordinates;
import dmm.bind.TestInterpreters;
import dmm.lang.Closure;
import dmm.lang.Interpreter;
import dmm.machine.NeuronKernel;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Compiled neuron kernels against the interpreter: values and gradients exactly equal on random
 * inputs, for every neuron of the built-in libraries and for random neurons written in the
 * compiled subset; finite differences; and the refusals.
 */
class CompiledNeuronTest {
    private static final String[] FIELDS = {"dict", "dict-1", "dict-2", "timer", "accum", "delta", "mask", "gate", "main",
            "x", "y", "z", "function", "self", "signal"};
    private static final String[] KEYS = {"a", "b", "c", ".", "accum_add_args", "compare_scalars", "dot_product", "max_norm_dict"};
    private static final String[] OUTPUTS = {"dict", "norm", "dot", "true", "false", "timer", "const_1", "char", "single",
            "difference", "negative-difference", "result", "out", "p", "q", "a", "b"};

    private static double value(Random r) {
        return r.nextInt(4) == 0 ? r.nextInt(7) - 3 : r.nextGaussian() * 3;
    }

    /** A random value: a number, or a map over a few keys (small integers make ties, zeros and clamp crossings common). */
    static VValue randomValue(Random r) {
        if (r.nextInt(5) == 0) return VValue.of(value(r));
        VBuilder b = new VBuilder();
        if (r.nextInt(3) > 0) b.addScalar(value(r));
        for (String k : KEYS)
            if (r.nextInt(3) == 0) b.child(k).addScalar(value(r));
        return b.build();
    }

    static VValue randomInputs(Random r) {
        VBuilder b = new VBuilder();
        for (String f : FIELDS) if (r.nextInt(6) > 0) b.child(f).add(randomValue(r));
        return b.build();
    }

    static VValue randomWeights(Random r) {
        VBuilder b = new VBuilder();
        for (String f : OUTPUTS) b.child(f).add(randomValue(r));
        return b.build();
    }

    /** A kernel as a function under grad: one tape entry with the kernel's pullback (as the bindings apply it). */
    static Object apply(NeuronKernel k, Object in) {
        VValue x = Ops.primal(in), out = k.forward(x);
        Tape t = k.constant() ? null : Ops.recordingTape(in);
        if (t == null) return out;
        return t.record(out, g -> NeuronKernel.pullbackInto(k, t, in, out, g));
    }

    private static Closure neuron(Interpreter interp, String type) {
        return (Closure) interp.findNeuronType(type).get();
    }

    /** Values, gradients and errors of the compiled kernel equal the interpreter's on {@code trials} random inputs. */
    static void assertSameAsInterpreted(Closure c, NeuronKernel k, Random r, int trials) {
        Function<Object, Object> interpreted = in -> c.invoke(new Object[] {in});
        for (int trial = 0; trial < trials; trial++) {
            VValue in = randomInputs(r), w = randomWeights(r);
            String what = c.name() + " on " + in + " weighted by " + w;
            Grad.Result expected;
            try {
                expected = Grad.valueAndGrad(a -> Ops.dot(interpreted.apply(a[0]), w), in);
            } catch (RuntimeException e) {
                assertThrows(RuntimeException.class, () -> Grad.valueAndGrad(a -> Ops.dot(apply(k, a[0]), w), in),
                        what + ": the interpreter fails (" + e.getMessage() + ")");
                continue;
            }
            assertEquals(Ops.primal(interpreted.apply(in)), k.forward(in), what);
            Grad.Result got = Grad.valueAndGrad(a -> Ops.dot(apply(k, a[0]), w), in);
            assertEquals(expected.value(), got.value(), what);
            assertEquals(expected.gradients(), got.gradients(), what);
            if (k.readsNumbersOnly()) {
                VValue out = k.forward(in);
                assertEquals(k.pullback(in, out, w), k.pullback(in, out, numbersOnly(w)), what + ": reads only :number parts");
            }
        }
    }

    private static VValue numbersOnly(VValue g) {
        VBuilder b = new VBuilder();
        for (int i = 0; i < g.childCount(); i++) b.child(g.keyAt(i)).addScalar(g.childAt(i).scalarPart());
        return b.build();
    }

    private static final List<String> LIBRARY_NEURONS = List.of("accum", "sum-dicts", "identity", "max-norm", "dot", "compare",
            "mult", "symmetric-minus", "timer", "output", "const-1", "const-end", "sum-dicts-published", "fluid");

    @Test
    void everyLibraryNeuronCompilesAndEqualsItsInterpretedDefinition() {
        Interpreter interp = TestInterpreters.quiet("(require superfluid)");
        NeuronCompiler compiler = NeuronCompiler.of(interp);
        Random r = new Random(31);
        for (String type : LIBRARY_NEURONS) {
            Closure c = neuron(interp, type);
            NeuronKernel k = compiler.kernel(c);
            assertNotNull(k, type + ": " + compiler.explain(c));
            assertTrue(compiler.explain(c).startsWith("compiled"), compiler.explain(c));
            assertSameAsInterpreted(c, k, r, 300);
        }
    }

    @Test
    void theStandardNumberValuedNeuronsReadOnlyNumbers() {
        Interpreter interp = TestInterpreters.quiet("(require lite)");
        NeuronCompiler compiler = NeuronCompiler.of(interp);
        for (String type : List.of("max-norm", "dot", "compare", "timer"))
            assertTrue(compiler.kernel(neuron(interp, type)).readsNumbersOnly(), type);
        assertFalse(compiler.kernel(neuron(interp, "sum-dicts")).readsNumbersOnly());
        assertTrue(compiler.kernel(neuron(interp, "const-1")).constant());
        assertFalse(compiler.kernel(neuron(interp, "dot")).constant());
    }

    @Test
    void compiledKernelsAgreeWithFiniteDifferences() {
        Interpreter interp = TestInterpreters.quiet("(require superfluid)");
        NeuronCompiler compiler = NeuronCompiler.of(interp);
        Random r = new Random(7);
        for (String type : List.of("sum-dicts", "max-norm", "dot", "compare", "timer", "mult", "fluid")) {
            NeuronKernel k = compiler.kernel(neuron(interp, type));
            for (int trial = 0; trial < 10; trial++) {
                VBuilder b = new VBuilder();   // distinct non-integer leaves: away from kinks and ties
                for (String f : FIELDS) {
                    b.child(f).addScalar(0.1 + r.nextDouble());
                    for (String key : KEYS) b.child(f).child(key).addScalar((0.1 + r.nextDouble()) * (r.nextBoolean() ? 1 : -1));
                }
                VValue w = randomWeights(r);
                Grad.Check c = Grad.check(a -> Ops.dot(apply(k, a[0]), w), b.build(), 60, 1e-6, trial);
                assertTrue(c.maxRelativeError() < 1e-5, type + ": " + c);
            }
        }
    }

    // ------------------------------------------------------------------ random neurons

    /** A random expression of the compiled subset over the fields x, y, z. */
    static String expr(Random r, int depth) {
        if (depth == 0 || r.nextInt(4) == 0) {
            return switch (r.nextInt(5)) {
                case 0 -> "x";
                case 1 -> "y";
                case 2 -> "z";
                case 3 -> String.valueOf(r.nextInt(5) - 2);
                default -> "{:a 1 :b -2}";
            };
        }
        String a = expr(r, depth - 1);
        return switch (r.nextInt(22)) {
            case 0 -> "(+ " + a + " " + expr(r, depth - 1) + ")";
            case 1 -> "(+ " + a + " " + expr(r, depth - 1) + " " + expr(r, depth - 1) + ")";
            case 2 -> "(- " + a + ")";
            case 3 -> "(- " + a + " " + expr(r, depth - 1) + ")";
            case 4 -> "(* " + a + " " + expr(r, depth - 1) + ")";
            case 5 -> "(dot " + a + " " + expr(r, depth - 1) + ")";
            case 6 -> "(max-norm " + a + ")";
            case 7 -> "(num " + a + ")";
            case 8 -> "(relu " + a + ")";
            case 9 -> "(tanh " + a + ")";
            case 10 -> "(sigmoid " + a + ")";
            case 11 -> "(clamp " + a + " -1 2)";
            case 12 -> "(square " + a + ")";
            case 13 -> "(abs " + a + ")";
            case 14 -> "(stop-gradient " + a + ")";
            case 15 -> "(get " + a + " :a)";
            case 16 -> "(sum " + a + ")";
            case 17 -> "(scale (num " + a + ") " + expr(r, depth - 1) + ")";
            case 18 -> "(let [t " + a + "] (+ t (* 2 t)))";
            case 19 -> "(get {:p " + a + " :q " + expr(r, depth - 1) + "} :q)";
            case 20 -> "(/ " + a + " 2)";
            default -> "(helper " + a + " " + expr(r, depth - 1) + ")";
        };
    }

    @Test
    void randomNeuronsOfTheCompiledSubsetEqualTheInterpreter() {
        Interpreter interp = TestInterpreters.quiet("(defn helper [u v] (+ (* u (num v)) (max (num u) (num v))))");
        NeuronCompiler compiler = NeuronCompiler.of(interp);
        Random r = new Random(2026);
        for (int n = 0; n < 150; n++) {
            String body = "{:p " + expr(r, 4) + " :q " + expr(r, 3) + "}";
            interp.eval("neuron " + n, "(defneuron random-" + n + " [x y z] " + body + ")");
            Closure c = neuron(interp, "random-" + n);
            NeuronKernel k = compiler.kernel(c);
            assertNotNull(k, body + ": " + compiler.explain(c));
            assertSameAsInterpreted(c, k, r, 40);
        }
    }

    // ------------------------------------------------------------------ what stays interpreted

    @Test
    void controlFlowOnValuesStaysInterpretedAndExplainSaysWhere() {
        Interpreter interp = TestInterpreters.quiet("(require std)");
        NeuronCompiler compiler = NeuronCompiler.of(interp);
        Closure cons = neuron(interp, "cons-list");
        assertNull(compiler.kernel(cons));
        String why = compiler.explain(cons);
        assertTrue(why.startsWith("interpreted: `cons-list`: `(if ...)`"), why);
        assertTrue(why.contains("std.dmm:"), why);
        assertTrue(why.contains("^"), why);
    }

    @Test
    void callsOfUnknownFunctionsAndComputedKeysStayInterpreted() {
        Interpreter interp = TestInterpreters.quiet();
        NeuronCompiler compiler = NeuronCompiler.of(interp);
        interp.eval("t", """
                (defneuron printing [x] (println x) {:out x})
                (defneuron keyed [x k] {:out (get x (str "a" "b"))})
                (defneuron looping [x] (loop [i 0 acc x] (if (< i 3) (recur (+ i 1) (+ acc x)) {:out acc})))""");
        for (String type : List.of("printing", "keyed", "looping")) {
            Closure c = neuron(interp, type);
            assertNull(compiler.kernel(c), type);
            assertTrue(compiler.explain(c).startsWith("interpreted"), compiler.explain(c));
        }
        assertTrue(compiler.explain(neuron(interp, "keyed")).contains("`str`"), compiler.explain(neuron(interp, "keyed")));
    }

    @Test
    void aRedefinedHelperRecompilesTheNeuronThatInlinedIt() {
        Interpreter interp = TestInterpreters.quiet("(defn twice [v] (* 2 v)) (defneuron doubler [x] {:out (twice x)})");
        NeuronCompiler compiler = NeuronCompiler.of(interp);
        Closure c = neuron(interp, "doubler");
        VValue in = VValue.ofPairs("x", 3);
        assertEquals(VValue.ofPairs("out", 6), compiler.kernel(c).forward(in));
        interp.eval("redefine", "(defn twice [v] (* 3 v))");
        assertEquals(VValue.ofPairs("out", 9), compiler.kernel(c).forward(in));
        interp.eval("redefine", "(defn twice [v] (if (> (num v) 0) v (- v)))");
        assertNull(compiler.kernel(c), "a helper the compiler cannot handle: interpreted");
    }

    @Test
    void aBuiltinRedefinedByTheUserIsNotCompiledAsTheBuiltin() {
        Interpreter interp = TestInterpreters.quiet("(defn dot [a b] 42) (defneuron d [x y] {:out (dot x y)})");
        NeuronCompiler compiler = NeuronCompiler.of(interp);
        NeuronKernel k = compiler.kernel(neuron(interp, "d"));
        assertNotNull(k, "the user's dot is inlined");
        assertEquals(VValue.ofPairs("out", 42), k.forward(VValue.ofPairs("x", 2, "y", 5)));
    }

    @Test
    void aRunTimeErrorIsTheInterpretersError() {
        Interpreter interp = TestInterpreters.quiet("(defneuron lg [x] {:out (log x)})");
        NeuronKernel k = NeuronCompiler.of(interp).kernel(neuron(interp, "lg"));
        RuntimeException e = assertThrows(RuntimeException.class, () -> k.forward(VValue.ofPairs("x", 0)));
        assertTrue(String.valueOf(e.getMessage()).contains("log of 0"), e.toString());
    }

    // ------------------------------------------------------------------ dense coordinates

    /** Dense coordinates over the keys the random values use. */
    private static final DenseCoordinates COORDINATES = new DenseCoordinates(".", "a", "accum_add_args", "b", "c", "compare_scalars",
            "dot_product", "max_norm_dict");

    /** Kernel {@code k}'s dense pullback, or null when it declines; checks it equals the pullback on V-values. */
    private static boolean assertDenseEqualsVValuePullback(NeuronKernel k, VValue in, VValue g, String what) {
        VValue out;
        VValue expected;
        try {
            out = k.forward(in);
            expected = k.pullback(in, out, g);
        } catch (RuntimeException e) {
            return false;
        }
        VBuilder got = new VBuilder();
        boolean ran = k.pullbackDense(in, out, COORDINATES.cotangents(in, g, got));
        if (ran) assertEquals(expected, got.build(), what);
        return ran;
    }

    @Test
    void theDensePullbacksEqualThePullbacksOnVValues() {
        Interpreter interp = TestInterpreters.quiet("(require superfluid)");
        NeuronCompiler compiler = NeuronCompiler.of(interp);
        Random r = new Random(23);
        for (String type : List.of("sum-dicts", "max-norm", "dot", "compare", "timer", "sum-dicts-published", "symmetric-minus", "accum", "mult", "fluid")) {
            NeuronKernel k = compiler.kernel(neuron(interp, type));
            int dense = 0;
            for (int trial = 0; trial < 300; trial++) {
                VValue in = randomInputs(r), g = randomWeights(r);
                if (assertDenseEqualsVValuePullback(k, in, g, type + " on " + in + " with output cotangent " + g)) dense++;
            }
            // mult's product of two maps is pointwise (Hadamard), which stays on V-values
            assertTrue(dense > (type.equals("mult") ? 150 : 250), type + " runs densely (" + dense + " of 300)");
        }
    }

    @Test
    void randomNeuronsDensePullbacksEqualTheirPullbacksOnVValues() {
        Interpreter interp = TestInterpreters.quiet("(defn helper [u v] (+ (* u (num v)) (max (num u) (num v))))");
        NeuronCompiler compiler = NeuronCompiler.of(interp);
        Random r = new Random(99);
        int dense = 0;
        for (int n = 0; n < 150; n++) {
            String body = "{:p " + expr(r, 4) + " :q " + expr(r, 3) + "}";
            interp.eval("neuron " + n, "(defneuron dense-" + n + " [x y z] " + body + ")");
            NeuronKernel k = compiler.kernel(neuron(interp, "dense-" + n));
            for (int trial = 0; trial < 30; trial++) {
                VValue in = randomInputs(r), g = randomWeights(r);
                if (assertDenseEqualsVValuePullback(k, in, g, body + " on " + in + " with output cotangent " + g)) dense++;
            }
        }
        assertTrue(dense > 1000, "dense pullbacks ran " + dense + " times");
    }
}
