package dmm.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dmm.bind.TestInterpreters;
import dmm.lang.EvalError;
import dmm.lang.Interpreter;
import org.junit.jupiter.api.Test;

/** Optimizer and schedule settings are checked once, in train, for the language and Java alike. */
class TrainingSettingsValidationTest {
    private final Interpreter interp = TestInterpreters.quiet("""
            (require lite) (require train)
            (def tr (trainer (feedforward "ab." {:layers 1 :copies 1}) :loss (imitation-loss (duplicate-detector "ab.") 20 [:output]) :quiet true))
            """);

    private String error(String text) {
        return assertThrows(EvalError.class, () -> interp.eval("t.dmm", text)).getMessage();
    }

    @Test
    void badOptimizerSettingsAreRefusedInTheLanguage() {
        assertTrue(error("(adam :lr -1)").contains("the learning rate must be a positive number, got -1"));
        assertTrue(error("(adam :beta1 2)").contains("beta1 must be in [0, 1), got 2"));
        assertTrue(error("(adam :beta2 -0.1)").contains("beta2 must be in [0, 1)"));
        assertTrue(error("(sgd :lr -1)").contains("the learning rate must be a positive number"));
        assertTrue(error("(sgd :lr 0.1 :momentum 1.5)").contains("momentum must be in [0, 1)"));
        assertTrue(error("(set-lr! (adam) -5)").contains("the learning rate must be a positive number, got -5"));
    }

    @Test
    void badScheduleSettingsAreRefusedInTheLanguage() {
        assertTrue(error("(set-schedule! tr :recover-steps -5)").contains(":recover-steps must be a number at least 0, got -5"));
        assertTrue(error("(set-schedule! tr :threshold-growth 0)").contains(":threshold-growth must be a positive number, got 0"));
        assertTrue(error("(sparsify! tr :slack -1)").contains(":slack must be a positive number"));
    }

    @Test
    void badSettingsAreRefusedInJava() {
        assertThrows(IllegalArgumentException.class, () -> new Adam(-1, 0.9, 0.999, 1e-8));
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.001, 2, 0.999, 1e-8));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1, -0.5));
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.001, 0.9, 0.999, 1e-8).setLearningRate(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Sparsifier.Schedule.of(java.util.Map.of("threshold-growth", 0.0)));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Sparsifier.Schedule.of(java.util.Map.of("nope", 1)));
        assertTrue(unknown.getMessage().contains("the schedule has no parameter `nope`"), unknown.getMessage());
        assertTrue(Sparsifier.Schedule.of(java.util.Map.of("retry-fewer", true)).retryFewer());
    }
}
