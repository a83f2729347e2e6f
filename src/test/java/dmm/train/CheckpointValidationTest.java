package dmm.train;

import dmm.bind.TrainLib;
import static org.junit.jupiter.api.Assertions.*;

import dmm.lang.Interpreter;
import dmm.bind.MachineLib;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a checkpoint into a network or optimizer it does not belong to names the mismatch and changes nothing. */
class CheckpointValidationTest {
    private final Interpreter interp = new Interpreter();

    @TempDir
    Path dir;

    CheckpointValidationTest() {
        interp.setOut(new PrintStream(new ByteArrayOutputStream()));
        MachineLib.install(interp);
        TrainLib.install(interp);
        interp.eval("setup", """
            (require lite)
            (require train)
            (def loss (imitation-loss (duplicate-detector "abcab") 10 [:output]))
            (def two (feedforward "abcab" {:layers 2 :copies 1 :init 0.1 :seed 2}))
            (def one (feedforward "abcab" {:layers 1 :copies 1 :init 0.1 :seed 2}))
            """);
    }

    private Trainer trainer(String net, String options) {
        return (Trainer) interp.eval("t.dmm", "(trainer " + net + " :loss loss :quiet true " + options + ")");
    }

    private Path saved() {
        Trainer t = trainer("two", "");
        t.train(2);
        Path ckpt = dir.resolve("two.ckpt.json");
        t.saveCheckpoint(ckpt);
        return ckpt;
    }

    private String loadError(Trainer t, Path ckpt) {
        TrainingError e = assertThrows(TrainingError.class, () -> t.loadCheckpoint(ckpt));
        assertEquals(0, t.step(), "nothing restored");
        return e.getMessage();
    }

    @Test
    void aCheckpointNamingAnUndeclaredNeuronIsRefused() {
        Path ckpt = saved();
        String m = loadError(trainer("one", ""), ckpt);
        // the first undeclared neuron in the matrix's order: a neuron of the second layer
        assertEquals("checkpoint " + ckpt + " names neuron `compare-2-1`, which network `feedforward` does not declare", m);
    }

    @Test
    void theNetworkNameItWasSavedFromIsMentionedWhenItDiffers() {
        Path ckpt = saved();
        interp.eval("t.dmm", "(def other (network other (neurons timer timer, input (text-driver \"abcab\" 10), output output) "
                + "(hard timer.timer <- timer.timer, input.timer <- timer.timer) (links output.dict-1 <- input.char)))");
        String m = loadError(trainer("other", ""), ckpt);
        assertEquals("checkpoint " + ckpt + " names neuron `compare-1-1`, which network `other` does not declare (it was saved from network `feedforward`)", m);
    }

    @Test
    void aNeuronWithAnotherTypeIsRefused() throws Exception {
        Path ckpt = saved();
        Files.writeString(ckpt, Files.readString(ckpt).replace("\"max-norm\"", "\"maxnorm\""));
        String m = loadError(trainer("two", ""), ckpt);
        assertEquals("checkpoint " + ckpt + " names neuron `norm-1-1` with type `maxnorm`, but network `feedforward` declares it as `max-norm`", m);
    }

    @Test
    void aFieldTheTypeDoesNotHaveIsRefused() throws Exception {
        Path ckpt = saved();
        Files.writeString(ckpt, Files.readString(ckpt).replace("\"dict-2\"", "\"dict-3\""));
        String m = loadError(trainer("two", ""), ckpt);
        assertEquals("checkpoint " + ckpt + " does not fit network `feedforward`: the matrix names a field that does not exist: neuron `compare-1-1` "
                + "(type `compare`) has no input field `dict-3`: did you mean `dict-1`? (input fields of `compare`: dict-1, dict-2)", m);
    }

    @Test
    void otherHardLinksAreRefused() throws Exception {
        Path ckpt = saved();
        interp.eval("t.dmm", "(def more (add-hard-link two 'norm-1-1 'dict 'norm-1-1 'norm 1))");
        String m = loadError(trainer("more", ""), ckpt);
        assertEquals("checkpoint " + ckpt + " lacks the hard link norm-1-1.dict <- norm-1-1.norm of network `feedforward`", m);
    }

    @Test
    void incompleteOrMistypedOptimizerStateIsNamed() throws Exception {
        Path ckpt = saved();
        String text = Files.readString(ckpt);
        Files.writeString(ckpt, text.replaceFirst("\"beta2\"", "\"beta-2\""));
        assertEquals("checkpoint " + ckpt + " has incomplete optimizer state: \"beta2\" is missing", loadError(trainer("two", ""), ckpt));
        Files.writeString(ckpt, text.replaceFirst("\"lr\" : [0-9.eE-]+", "\"lr\" : \"fast\""));
        assertEquals("checkpoint " + ckpt + " has invalid optimizer state: \"lr\" should be a number, not a string", loadError(trainer("two", ""), ckpt));
    }

    @Test
    void theRightNetworkStillLoads() {
        Path ckpt = saved();
        Trainer t = trainer("two", "");
        t.loadCheckpoint(ckpt);
        assertEquals(2, t.step());
    }
}
