package dmm.compile;

import static org.junit.jupiter.api.Assertions.*;

import dmm.bind.DenseCoordinates;
import dmm.bind.TestInterpreters;
import dmm.lang.Closure;
import dmm.lang.Interpreter;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The classes {@link Codegen} writes against the programs they are written from: every compiled
 * neuron gets a class, and the class's forward run, pullback and dense pullback (including when
 * it declines) are the program's, exactly, on random inputs.
 */
class CodegenTest {
    private static final DenseCoordinates COORDINATES = new DenseCoordinates(".", "a", "accum_add_args", "b", "c", "compare_scalars",
            "dot_product", "max_norm_dict");

    /** How many residuals of each kind the checks met (both kinds must be checked). */
    private static int numbersOnlyResiduals, frameResiduals;

    private static CompiledNeuron kernel(Interpreter interp, NeuronCompiler compiler, String type) {
        Closure c = (Closure) interp.findNeuronType(type).get();
        CompiledNeuron k = (CompiledNeuron) compiler.kernel(c);
        assertNotNull(k, compiler.explain(c));
        assertNotNull(k.generated, type + " has no class: " + k.notGenerated);
        return k;
    }

    /** The class and the program agree on {@code trials} random inputs and output cotangents; returns how often the dense pullback ran. */
    private static int assertClassEqualsProgram(CompiledNeuron k, Random r, int trials, String what) {
        Program p = k.program;
        int dense = 0;
        for (int trial = 0; trial < trials; trial++) {
            VValue in = CompiledNeuronTest.randomInputs(r), g = CompiledNeuronTest.randomWeights(r);
            String at = what + " on " + in + " with output cotangent " + g;
            Frame expected;
            try {
                expected = p.forward(in);
            } catch (RuntimeException e) {
                assertThrows(e.getClass(), () -> k.generated.frame(in), at + ": the program fails (" + e + ")");
                assertThrows(e.getClass(), () -> k.generated.forward(in, new Object[1], 0), at + ": the program fails (" + e + ")");
                continue;
            }
            Frame got = k.generated.frame(in);
            for (int s = 0; s < p.size(); s++) assertEquals(expected.val(s), got.val(s), at + ": slot %" + s);
            Object[] residual = new Object[1];
            assertEquals(expected.val(p.result), k.generated.forward(in, residual, 0), at + ": result");
            if (residual[0] instanceof double[]) numbersOnlyResiduals++;
            else if (residual[0] instanceof Frame) frameResiduals++;
            assertEquals(expected.val(p.result), k.generated.forward(in, null, 0), at + ": result without a residual");
            assertEquals(p.pullback(expected, g), p.pullback(got, g), at + ": pullback");
            VBuilder byProgram = new VBuilder(), byClass = new VBuilder();
            boolean ran = DensePullback.run(p, expected, COORDINATES.cotangents(in, g, byProgram));
            assertEquals(ran, k.generated.dense(residual[0], COORDINATES.cotangents(in, g, byClass), in),
                    at + ": the dense pullback runs or declines alike");
            assertEquals(byProgram.build(), byClass.build(), at + ": dense pullback");
            if (ran) dense++;
        }
        return dense;
    }

    @Test
    void everyLibraryNeuronRunsAsAClassEqualToItsProgram() {
        Interpreter interp = TestInterpreters.quiet("(require superfluid)");
        NeuronCompiler compiler = NeuronCompiler.of(interp);
        Random r = new Random(41);
        for (String type : List.of("accum", "sum-dicts", "identity", "max-norm", "dot", "compare", "mult", "symmetric-minus", "timer",
                "output", "const-1", "const-end", "sum-dicts-published", "fluid"))
            assertClassEqualsProgram(kernel(interp, compiler, type), r, 200, type);
    }

    @Test
    void randomNeuronsRunAsClassesEqualToTheirPrograms() {
        Interpreter interp = TestInterpreters.quiet("(defn helper [u v] (+ (* u (num v)) (max (num u) (num v))))");
        NeuronCompiler compiler = NeuronCompiler.of(interp);
        Random r = new Random(4242);
        int dense = 0;
        for (int n = 0; n < 200; n++) {
            String body = "{:p " + CompiledNeuronTest.expr(r, 4) + " :q " + CompiledNeuronTest.expr(r, 3) + "}";
            interp.eval("neuron " + n, "(defneuron gen-" + n + " [x y z] " + body + ")");
            dense += assertClassEqualsProgram(kernel(interp, compiler, "gen-" + n), r, 30, body);
        }
        assertTrue(dense > 1500, "dense pullbacks ran " + dense + " times");
        assertTrue(numbersOnlyResiduals > 500 && frameResiduals > 500, numbersOnlyResiduals + " numbers-only residuals, " + frameResiduals + " frames");
    }

    @Test
    void aNeuronOverTheWholeInputMapRunsAsAClass() {
        Interpreter interp = TestInterpreters.quiet("(defneuron whole \"Whole map.\" all {:p (+ (get all :x) (max-norm all))})");
        CompiledNeuron k = kernel(interp, NeuronCompiler.of(interp), "whole");
        assertNull(k.program.fields);
        assertClassEqualsProgram(k, new Random(5), 100, "whole");
    }
}
