package dmm.train;

import dmm.bind.TrainLib;
import static org.junit.jupiter.api.Assertions.*;

import dmm.lang.Interpreter;
import dmm.lang.Values;
import dmm.bind.MachineLib;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The flagship loss is the published one: the published initial matrix of the synthesis
 * experiment (a test resource, MIT, from the public reference repository), driven by
 * "test string." for 140 cycles, scores the published prereg loss 434.98627 (float32) when only
 * the `:number` parts of output.dict-1/dict-2 are compared (REFERENCE-EXPERIMENT.md, "Loss").
 */
class PublishedLossTest {
    private static final double PUBLISHED_PREREG = 434.98627;
    private static final double PUBLISHED_L1 = 11.908083;

    private final Interpreter interp = new Interpreter();

    PublishedLossTest() throws URISyntaxException {
        MachineLib.install(interp);
        TrainLib.install(interp);
        Path matrix = Path.of(getClass().getResource("/published/initial-matrix.json").toURI());
        interp.eval("setup", """
            (require lite)
            (require train)
            (def net (load-matrix (feedforward "test string." {}) "%s"))
            (def reference (duplicate-detector "test string."))
            """.formatted(matrix.toString().replace("\\", "\\\\")));
    }

    private double eval(String text) {
        return Values.toDouble(interp.eval("t.dmm", text), "test");
    }

    @Test
    void imitationLossOfThePublishedInitialMatrixIsThePublishedValue() {
        assertEquals(1486, eval("(link-count net)"));
        double loss = eval("((imitation-loss reference 140 [:output]) net)");
        assertEquals(PUBLISHED_PREREG, loss, PUBLISHED_PREREG * 1e-6, "relative 1e-6 of the float32 published value");
        assertEquals(434.9863420826384, loss, 1e-9, "and this implementation's double-precision value, to rounding");
    }

    @Test
    void comparingEveryLeafIsADifferentObjective() {
        double all = eval("((imitation-loss-all-leaves reference 140 [:output]) net)");
        assertEquals(435.3651711691215, all, 1e-9, "the character keys reaching output.dict-1/2 add 0.38");
        assertTrue(Math.abs(all - PUBLISHED_PREREG) > 0.3);
    }

    @Test
    void l1NormOfThePublishedInitialMatrixExcludingTimerAndInputRows() {
        Trainer t = (Trainer) interp.eval("t.dmm", "(trainer net :loss (imitation-loss reference 140 [:output]) :l1 0.001 :exclude [:timer :input] :quiet true)");
        assertEquals(PUBLISHED_L1, t.regularizer().l1Norm(t.weights()), PUBLISHED_L1 * 1e-6);
        assertEquals(PUBLISHED_PREREG, t.evaluate(), PUBLISHED_PREREG * 1e-6);
    }

    /**
     * REFERENCE-EXPERIMENT.md's calibration from an independent reference implementation: from the
     * published initial matrix (λ = 0.001, Adam lr 0.001, 140 cycles) the prereg after 100 steps is
     * ≈ 21 with the published (stop-gradient) variant and ≈ 25 with the full gradient.
     */
    @Test
    void hundredStepsFromThePublishedInitialMatrixMatchTheReferenceCalibration() {
        double published = preregAfter(100, true), full = preregAfter(100, false);
        assertEquals(21, published, 0.5);
        assertEquals(25, full, 1.0);
        // and this implementation's own figures (deterministic), so a change in training shows
        assertEquals(20.652926924995022, published, 1e-6);
        assertEquals(25.397584497589254, full, 1e-6);
    }

    private double preregAfter(int steps, boolean published) {
        Trainer t = (Trainer) interp.eval("t.dmm", """
            (trainer (with-named-matrix (feedforward "test string." {:published %d}) (named-matrix net))
                     :loss (imitation-loss reference 140 [:output]) :optimizer (adam :lr 0.001)
                     :l1 0.001 :exclude [:timer :input] :quiet true)""".formatted(published ? 1 : 0));
        for (int i = 0; i < steps; i++) t.trainStep();
        return t.evaluate();
    }

    @Test
    void numberPartLossGradientMatchesFiniteDifferences() {
        // a small network whose output inputs carry character keys too, so the two losses differ
        interp.eval("t.dmm", """
            (def small (feedforward "abca." {:layers 2 :copies 1 :init 0.3 :seed 3}))
            (def small-ref (duplicate-detector "abca."))
            (def small-loss (imitation-loss small-ref 25 [:output]))
            """);
        assertEquals(646.472960696796, eval("(small-loss small)"), 1e-9);
        assertEquals(824.8191537739486, eval("((imitation-loss-all-leaves small-ref 25 [:output]) small)"), 1e-9);
        double worst = eval("(check-grad (fn [w] (small-loss (with-matrix small w))) (matrix small) :quiet true)");
        assertTrue(worst < 1e-5, "worst relative error " + worst);
    }
}
