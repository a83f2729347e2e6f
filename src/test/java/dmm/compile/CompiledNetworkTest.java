package dmm.compile;

import static org.junit.jupiter.api.Assertions.*;

import dmm.ad.Ops;
import dmm.bind.MachineLib;
import dmm.bind.TestInterpreters;
import dmm.lang.Interpreter;
import dmm.machine.Network;
import dmm.machine.Runner;
import dmm.vvalue.VValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/**
 * Compiled neurons inside networks: training with a user's copies of the lite neurons gives the
 * same weights, bit for bit, as the library's hand-written kernels and as the same copies run
 * interpreted; and a live network switches to a redefinition's kernel at the next cycle.
 */
class CompiledNetworkTest {
    /** The lite neurons the flagship uses, as a user would copy them (BODY-WRAP lets a variant keep them interpreted). */
    private static String copies(String wrapOpen, String wrapClose) {
        return """
            (defneuron max-norm "Mine." [dict] %1$s{:norm (max-norm dict)}%2$s)
            (defneuron dot "Mine." [dict-1 dict-2] %1$s{:dot (clamp (dot dict-1 dict-2) -4 4)}%2$s)
            (defneuron compare "Mine." [dict-1 dict-2] %1$s(let [d (- (num dict-1) (num dict-2))] {:true (relu d) :false (relu (- d))})%2$s)
            (defneuron sum-dicts-published "Mine." [dict-1 dict-2] %1$s{:dict (+ (stop-gradient dict-1) dict-2)}%2$s)
            """.formatted(wrapOpen, wrapClose);
    }

    private static final String TRAIN = """
        (require lite) (require train)
        %s
        (def net (feedforward "test string." {:layers 2 :copies 2 :published 1 :seed 3}))
        (def tr (trainer net :loss (imitation-loss (duplicate-detector "test string.") 80 [:output]) :optimizer (adam :lr 0.01)))
        (dotimes [i 5] (train-step! tr))
        (matrix (trained tr))
        """;

    private static VValue trainedMatrix(String definitions) {
        Interpreter i = TestInterpreters.quiet();
        return Ops.primal(i.eval("train", TRAIN.formatted(definitions)));
    }

    @Test
    void trainingWithCompiledCopiesEqualsTheLibraryAndTheInterpreterBitForBit() {
        VValue library = trainedMatrix("");
        VValue compiled = trainedMatrix(copies("", ""));
        // (if true BODY nil) is the same function, but the compiler keeps it interpreted
        VValue interpreted = trainedMatrix(copies("(if true ", " nil)"));
        assertEquals(library, compiled, "compiled copies vs the library's kernels");
        assertEquals(interpreted, compiled, "compiled copies vs the same copies interpreted");
        assertNotEquals(Ops.primal(TestInterpreters.quiet("(require lite)").eval("t",
                "(matrix (feedforward \"test string.\" {:layers 2 :copies 2 :published 1 :seed 3}))")), compiled, "training moved the weights");
    }

    @Test
    void theCopiesRunCompiledAndTheWrappedOnesInterpreted() {
        Interpreter i = TestInterpreters.quiet("(require lite)");
        i.eval("t", copies("", ""));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        i.setOut(new PrintStream(out));
        i.eval("t", "(explain-neuron 'dot)");
        assertTrue(out.toString().startsWith("compiled: `dot`"), out.toString());
        assertTrue(out.toString().contains("written as a class"), out.toString());
        i.eval("t", copies("(if true ", " nil)"));
        out.reset();
        i.eval("t", "(explain-neuron 'dot)");
        assertTrue(out.toString().startsWith("interpreted: `dot`: `(if ...)`"), out.toString());
        assertTrue(out.toString().contains("t:2:"), out.toString());   // dot is defined on the second line
    }

    @Test
    void aLiveNetworkSwitchesToARedefinitionsKernelAtTheNextCycle() throws Exception {
        Interpreter i = new Interpreter();
        i.setOut(new PrintStream(new ByteArrayOutputStream()));
        MachineLib.install(i);
        try {
            i.eval("setup", """
                (require std)
                (defneuron gain "Doubles x." [x] {:y (* 2 x)})
                (defnet live (neurons src (const {:x 3}), g gain, sink identity) (links g.x <- src.x, sink.in <- g.y))
                """);
            Runner r = (Runner) i.eval("t", "(start! live :rate 0)");
            assertEquals(VValue.of("y", VValue.of(6)), ((Network) i.eval("t", "(await (first (running)) 5)")).outputOf("g"));
            i.eval("t", "(defneuron gain \"Triples x.\" [x] {:y (* 3 x)})");
            long c = ((Network) i.eval("t", "(current (first (running)))")).cycle();
            Network later = (Network) i.eval("t", "(await (first (running)) " + (c + 3) + ")");
            assertEquals(VValue.of("y", VValue.of(9)), later.outputOf("g"), "the new compiled kernel");
            // a redefinition the compiler cannot handle runs interpreted, without an error
            i.eval("t", "(defneuron gain \"Negates x when positive.\" [x] (if (> (num x) 0) {:y (- x)} {:y x}))");
            c = ((Network) i.eval("t", "(current (first (running)))")).cycle();
            later = (Network) i.eval("t", "(await (first (running)) " + (c + 3) + ")");
            assertEquals(VValue.of("y", VValue.of(-3)), later.outputOf("g"), "the interpreted definition");
            assertNull(r.lastError(), "no error");
            assertFalse(r.isPaused(), "still running");
        } finally {
            MachineLib.runners(i).stopAll();
        }
    }
}
