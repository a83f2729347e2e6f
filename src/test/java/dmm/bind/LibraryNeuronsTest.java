package dmm.bind;

import static org.junit.jupiter.api.Assertions.*;

import dmm.ad.Grad;
import dmm.ad.Ops;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.machine.Engine;
import dmm.machine.Network;
import dmm.machine.NeuronFunction;
import dmm.machine.NeuronKernel;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's neuron types run compiled like any user's (no hand-written kernels): each gets a
 * kernel equal to its language definition in values and gradients, late-bound helpers and
 * redefinitions take effect, and -Ddmm.general's reference path agrees.
 * (The compiler's own exactness tests are {@code dmm.compile.CompiledNeuronTest} and
 * {@code CodegenTest}.)
 */
class LibraryNeuronsTest {
    private static final List<String> TYPES = List.of("sum-dicts", "max-norm", "dot", "compare", "timer", "output",
            "const-1", "const-end", "sum-dicts-published");

    private final Interpreter interp = newInterpreter();

    private static Interpreter newInterpreter() {
        return TestInterpreters.quiet("(require lite)");
    }

    private Fn definition(String type) {
        return (Fn) interp.findNeuronType(type).get();
    }

    /** A random flat value over a few keys; small integers make ties, zeros and clamp crossings common. */
    private static VValue randomFlat(Random r) {
        VBuilder b = new VBuilder();
        if (r.nextInt(3) > 0) b.addScalar(value(r));
        for (String k : new String[] {"a", "b", "c", "."})
            if (r.nextInt(2) == 0) b.child(k).addScalar(value(r));
        return b.build();
    }

    private static double value(Random r) {
        return r.nextInt(4) == 0 ? r.nextInt(7) - 3 : r.nextGaussian() * 3;
    }

    private static VValue randomInputs(Random r) {
        VBuilder b = new VBuilder();
        for (String f : new String[] {"dict", "dict-1", "dict-2", "timer"}) b.child(f).add(randomFlat(r));
        return b.build();
    }

    /** A random weighting of the output fields (with character keys too), so the cotangents reaching the neuron are general. */
    private static VValue randomWeights(Random r) {
        VBuilder b = new VBuilder();
        for (String f : new String[] {"dict", "norm", "dot", "true", "false", "timer", "const_1", "char"}) b.child(f).add(randomFlat(r));
        return b.build();
    }

    @Test
    void everyStandardTypeRunsCompiled() {
        for (String type : TYPES) {
            assertNotNull(LanguageNeurons.of(definition(type)).kernel(), type);
            assertTrue(LanguageNeurons.explain(interp, type).startsWith("compiled"), LanguageNeurons.explain(interp, type));
        }
    }

    @Test
    void compiledKernelsEqualTheLanguageDefinitionsInValuesAndGradients() {
        Random r = new Random(16);
        for (String type : TYPES) {
            Fn f = definition(type);
            NeuronFunction fast = LanguageNeurons.of(f);
            NeuronFunction general = in -> f.invoke(new Object[] {in});
            assertNotSame(general, fast);
            for (int trial = 0; trial < 300; trial++) {
                VValue in = randomInputs(r), w = randomWeights(r);
                String what = type + " on " + in + " weighted by " + w;
                assertEquals(Ops.primal(general.apply(in)), fast.apply(in), what);
                Grad.Result gGeneral = Grad.valueAndGrad(a -> Ops.dot(general.apply(a[0]), w), in);
                Grad.Result gFast = Grad.valueAndGrad(a -> Ops.dot(fast.apply(a[0]), w), in);
                assertEquals(gGeneral.value(), gFast.value(), what);
                assertEquals(gGeneral.gradients(), gFast.gradients(), what);
            }
        }
    }

    /** Dense coordinates over the keys the random values use. */
    private static final DenseCoordinates COORDINATES = new DenseCoordinates(".", "a", "b", "c");

    /** Every kernel's dense pullback gives its pullback on V-values, coordinate by coordinate. */
    @Test
    void theDensePullbacksEqualThePullbacksOnVValues() {
        Random r = new Random(23);
        for (String type : TYPES) {
            NeuronKernel k = LanguageNeurons.of(definition(type)).kernel();
            assertNotNull(k, type);
            int dense = 0;
            for (int trial = 0; trial < 300; trial++) {
                VValue in = randomInputs(r), out = k.forward(in), g = randomWeights(r);
                VValue expected = k.pullback(in, out, g);
                VBuilder got = new VBuilder();
                boolean ran = k.pullbackDense(in, out, COORDINATES.cotangents(in, g, got));
                if (!ran) continue;
                dense++;
                assertEquals(expected, got.build(), type + " on " + in + " with output cotangent " + g);
            }
            assertTrue(dense > 250, type + " has a dense pullback");
        }
    }

    /** A helper redefined before the library loads is not the built-in the fast path mirrors: the definition runs as written. */
    @Test
    void aHelperRedefinedBeforeTheLibraryLoadsIsTheOneCompiledIn() {
        Interpreter i = TestInterpreters.quiet();
        i.eval("setup", "(defn clamp [x lo hi] 42) (require lite)");
        Fn dot = (Fn) i.findNeuronType("dot").get();
        NeuronFunction f = LanguageNeurons.of(dot);
        VValue in = VValue.ofPairs("dict-1", 0.5, "dict-2", 2);
        assertEquals(VValue.of("dot", VValue.of(42)), Ops.primal(f.apply(in)));
        assertEquals(VValue.of("dot", VValue.of(42)), f.kernel().forward(in), "the compiled kernel inlines the user's clamp");
    }

    @Test
    void compareOnInfinitiesFailsOrAgreesAsTheLanguageDefinitionDoes() {
        Fn f = definition("compare");
        NeuronFunction fast = LanguageNeurons.of(f);
        double[] xs = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, 2.5, -1};
        for (double a : xs)
            for (double b : xs) {
                VValue in = VValue.ofPairs("dict-1", a, "dict-2", b);
                Object expected;
                try {
                    expected = Ops.primal(f.invoke(new Object[] {in}));
                } catch (RuntimeException e) {
                    assertThrows(RuntimeException.class, () -> fast.apply(in), a + " - " + b + ": the definition fails (" + e.getMessage() + ")");
                    continue;
                }
                assertEquals(expected, fast.apply(in), a + " - " + b);
            }
    }

    @Test
    void theCompiledKernelsAgreeWithFiniteDifferences() {
        Random r = new Random(7);
        for (String type : List.of("sum-dicts", "max-norm", "dot", "compare", "timer")) { // sum-dicts-published stops the gradient on purpose
            NeuronFunction fast = LanguageNeurons.of(definition(type));
            for (int trial = 0; trial < 20; trial++) {
                VBuilder b = new VBuilder();   // distinct non-integer leaves: away from kinks and ties
                for (String f : new String[] {"dict", "dict-1", "dict-2", "timer"}) {
                    b.child(f).addScalar(0.1 + r.nextDouble());
                    for (String k : new String[] {"a", "b"}) b.child(f).child(k).addScalar(0.1 + r.nextDouble() * (k.equals("a") ? 1 : -1));
                }
                VValue w = randomWeights(r);
                Grad.Check c = Grad.check(a -> Ops.dot(fast.apply(a[0]), w), b.build(), 100, 1e-6, trial);
                assertTrue(c.maxRelativeError() < 1e-5, type + ": " + c);
            }
        }
    }

    @Test
    void redefiningAFunctionTheLibraryDefinitionCallsChangesWhatItComputes() {
        Network n = (Network) interp.eval("t", "(run (duplicate-detector \"aab.\") 35)");
        Engine.Context ctx = LanguageNeurons.context(interp);
        assertEquals(VValue.of("dot", 1), Ops.primal(Engine.step(n, ctx).outputOf("dot")));
        // the library's dot is (clamp (dot dict-1 dict-2) -4 4): clamp is late-bound, as in the language
        interp.eval("t", "(defn clamp [x lo hi] 42)");
        assertEquals(VValue.of("dot", 42), Ops.primal(Engine.step(n, ctx).outputOf("dot")));
        assertEquals(VValue.of("dot", 42), Ops.primal(((Network) interp.eval("t", "(step (run (duplicate-detector \"aab.\") 35))")).outputOf("dot")),
                "the language's own step agrees");
    }

    @Test
    void redefiningAStandardTypeInARunningNetworkTakesOverAtTheNextCycle() {
        Network n = (Network) interp.eval("t", "(run (duplicate-detector \"aab.\") 35)");
        Engine.Context ctx = LanguageNeurons.context(interp);
        Network next = Engine.step(n, ctx);
        // the library's dot: accum · {"." 1}, here 1 (the "." fed at timer 30 has reached the accumulator)
        assertEquals(VValue.of("dot", 1), Ops.primal(next.outputOf("dot")));
        interp.eval("t", "(defneuron dot [dict-1 dict-2] {:dot 7})");
        next = Engine.step(next, ctx);
        assertEquals(VValue.of("dot", 7), Ops.primal(next.outputOf("dot")));
        // and the other standard neurons keep running: the accumulator still sums its input
        VValue accum = Ops.primal(next.outputOf("accum")).get("dict");
        assertEquals(VValue.ofPairs("a", 2.0, "b", 1.0, ".", 1.0), accum);
    }
}
