package dmm.train;

import static org.junit.jupiter.api.Assertions.*;

import dmm.bind.MachineLib;
import dmm.bind.TrainLib;
import dmm.lang.DmmException;
import dmm.lang.Interpreter;
import dmm.vvalue.VValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sparsification schedule's settings are declared once: names, defaults and docs come from the record. */
class SettingsTest {
    @Test
    void optionNamesAreTheRecordComponentsInKebabCase() {
        List<String> names = Settings.options(Sparsifier.Schedule.class);
        assertEquals(25, names.size());
        assertEquals(List.of("threshold", "threshold-growth", "threshold-max", "recover-steps"), names.subList(0, 4));
        assertEquals(List.of("threshold", "threshold-growth", "threshold-max", "recover-steps", "judge-steps", "judge-lr", "tolerance", "slack", "max-loss",
                "lambda-start", "lambda-growth", "lambda-max", "target-links", "max-rounds", "max-rejections", "polish-steps", "polish-lr", "fresh-optimizer", "retry-fewer",
                "regrows", "regrow-steps", "regrow-sigma", "regrow-above", "rounds-after-polish", "tighten-lr"), names);
    }

    @Test
    void givenValuesOverrideTheDefaultsAndTheRestStay() {
        Sparsifier.Schedule s = Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS,
                Map.of("threshold", 0.05, "max-rounds", 7L, "fresh-optimizer", true));
        assertEquals(0.05, s.threshold());
        assertEquals(7, s.maxRounds());
        assertTrue(s.freshOptimizer());
        assertEquals(Sparsifier.Schedule.DEFAULTS.recoverSteps(), s.recoverSteps());
        assertEquals(Sparsifier.Schedule.DEFAULTS.lambdaMax(), s.lambdaMax());
    }

    @Test
    void theDocstringListsEverySettingWithItsDefault() {
        Interpreter interp = new Interpreter();
        MachineLib.install(interp);
        TrainLib.install(interp);
        String doc = interp.findVar("sparsify!").doc();
        for (Settings.Setting s : Settings.of(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS))
            assertTrue(doc.contains(":" + s.option() + " ("), s.option() + " in " + doc);
        assertTrue(doc.contains(":recover-steps (100) steps at the current λ before each cut"), doc);
        assertTrue(doc.contains(":threshold (0.01)"), doc);
        DmmException e = assertThrows(DmmException.class, () -> interp.eval("t", "(sparsify! nil :threshold 0)"));
        assertEquals("t:1:1: sparsify! expects a trainer (made by (trainer net :loss f ...)), got nil", e.getMessage());
    }

    @Test
    void clippingScalesTheWholeGradientDownToTheGivenNorm() {
        Interpreter interp = new Interpreter();
        interp.setOut(new PrintStream(new ByteArrayOutputStream()));
        MachineLib.install(interp);
        TrainLib.install(interp);
        interp.eval("s", """
            (require lite) (require train)
            (def small (feedforward "abcab" {:layers 2 :copies 1 :init 0.1 :seed 2}))
            (def small-loss (imitation-loss (duplicate-detector "abcab") 30 [:output]))""");
        Trainer free = (Trainer) interp.eval("t", "(trainer small :loss small-loss :optimizer (sgd :lr 1 :momentum 0) :quiet true)");
        Trainer clipped = (Trainer) interp.eval("t", "(trainer small :loss small-loss :optimizer (sgd :lr 1 :momentum 0) :quiet true :clip 0.5)");
        VValue w0 = free.weights();
        free.trainStep();
        clipped.trainStep();
        VValue freeStep = free.weights().add(w0.scale(-1)), clippedStep = clipped.weights().add(w0.scale(-1));
        double freeNorm = Math.sqrt(VValue.dot(freeStep, freeStep));
        assertTrue(freeNorm > 0.5, "the raw step is longer than the clip: " + freeNorm);
        assertEquals(0.5, Math.sqrt(VValue.dot(clippedStep, clippedStep)), 1e-9, "lr 1: the step is the clipped gradient");
        assertEquals(0, VValue.dot(freeStep, clippedStep) / (freeNorm * 0.5) - 1, 1e-9, "same direction");
    }
}
