package dmm.machine;

import dmm.bind.MachineLib;
import static org.junit.jupiter.api.Assertions.*;

import dmm.lang.Interpreter;
import dmm.lang.Values;
import dmm.vvalue.VValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** Gradients of losses over whole network runs, with respect to the matrix, against finite differences. */
class BackpropThroughTimeTest {
    private final Interpreter interp = new Interpreter();

    BackpropThroughTimeTest() {
        interp.setOut(new PrintStream(new ByteArrayOutputStream()));
        MachineLib.install(interp);
        interp.eval("setup", """
            (require lite)
            (def target (observe (duplicate-detector "abcab") 40 :inputs [:output]))
            (defn loss-of [net]
              (fn [w] (reduce + (map (fn [a b] (sum (square (- a b))))
                                     (observe (with-matrix net w) 40 :inputs [:output]) target))))
            (def ff (feedforward "abcab" {:layers 2 :copies 1 :init 0.3 :seed 3}))
            (def ff-published (feedforward "abcab" {:layers 2 :copies 1 :init 0.3 :seed 3 :published 1}))
            """);
    }

    private double eval(String text) {
        return Values.toDouble(interp.eval("t", text), "test");
    }

    @Test
    void gradientThroughFortyCyclesMatchesFiniteDifferences() {
        double err = eval("(check-grad (loss-of ff) (matrix ff) :leaves 92 :quiet true)");
        assertTrue(err <= 1e-6, "worst relative error " + err);
    }

    @Test
    void gradientThroughTheFullSizeNetworkMatchesOnASample() {
        interp.eval("t", "(def big (feedforward \"abcab\" {:init 0.1 :seed 5}))");
        double err = eval("(check-grad (loss-of big) (matrix big) :leaves 30 :seed 4 :quiet true)");
        assertTrue(err <= 1e-6, "worst relative error " + err);
    }

    @Test
    void publishedVariantDropsTheGradientThroughAccumulatorMemory() {
        VValue full = Values.vvalue(interp.eval("t", "(grad (loss-of ff) (matrix ff))"), "t");
        VValue published = Values.vvalue(interp.eval("t", "(grad (loss-of ff-published) (matrix ff-published))"), "t");
        assertEquals(interp.eval("t", "((loss-of ff) (matrix ff))"), interp.eval("t", "((loss-of ff-published) (matrix ff-published))"),
                "same forward values");
        assertEquals(interp.eval("t", "(named-matrix ff)"), interp.eval("t", "(named-matrix ff-published)"), "same weights");
        VValue fullNamed = Network.namedView(full), publishedNamed = Network.namedView(published);
        assertFalse(VValue.approxEquals(fullNamed, publishedNamed, 1e-6), "the gradients differ");
        // through the memory-free path (a link into an output from layer 0) they agree
        assertEquals(fullNamed.getIn("output", "dict-2", "eos", "char").scalarPart(),
                publishedNamed.getIn("output", "dict-2", "eos", "char").scalarPart(), 1e-9);
    }

    @Test
    void gradientOfASelfReferentialRunFlowsThroughTheMatrixNeuron() {
        interp.eval("t", """
            (defnet w
              (neurons self accum, src (const {:v 1.5}), acc sum-dicts, upd identity)
              (accumulators self)
              (accumulators [dict-1 <- dict] acc)
              (hard upd.frag <- upd.frag)
              (links acc.dict-2 <- src.v, self.delta <- 0.1 upd.frag)
              (self self))
            (def w (set-output w 'upd {:frag (fragment w acc.dict-2 <- 1 src.v)}))
            (defn self-loss [m] (sum (square (get (get (last (observe (with-matrix w m) 6 :outputs [:acc])) :acc) :dict))))
            """);
        double err = eval("(check-grad self-loss (matrix w) :quiet true)");
        assertTrue(err <= 1e-6, "worst relative error " + err);
    }
}
