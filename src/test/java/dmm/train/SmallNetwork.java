package dmm.train;

import dmm.bind.DataLib;
import dmm.bind.MachineLib;
import dmm.bind.TrainLib;
import dmm.lang.Interpreter;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The training tests' fixture: an interpreter with the network and training forms, and `small`
 * (a 2-layer feedforward network on "abcab") with `small-loss` (its imitation loss over 30 cycles).
 */
final class SmallNetwork {
    private SmallNetwork() {}

    static Interpreter interpreter(OutputStream printed) {
        Interpreter interp = new Interpreter();
        interp.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        MachineLib.install(interp);
        TrainLib.install(interp);
        DataLib.install(interp);
        interp.eval("setup", """
            (require lite)
            (require train)
            (def small (feedforward "abcab" {:layers 2 :copies 1 :init 0.1 :seed 2}))
            (def small-loss (imitation-loss (duplicate-detector "abcab") 30 [:output]))
            """);
        return interp;
    }
}
