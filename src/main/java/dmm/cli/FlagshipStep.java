package dmm.cli;

import dmm.bind.Bindings;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.machine.Network;
import dmm.train.Adam;
import dmm.train.Regularizer;
import dmm.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The flagship training step (1486 links, T = 140, the published loss, Adam, L1), as
 * {@code dmm bench} measures it, set up through the API every build since the first wave
 * has: {@link BuildComparison} loads this class into another build's class loader to time that
 * build's step next to this one's. Keep it to that stable API.
 */
public class FlagshipStep implements Supplier<Runnable> {
    @Override
    public Runnable get() {
        Interpreter interp = new Interpreter();
        interp.setOut(new PrintStream(new ByteArrayOutputStream()));
        Bindings.install(interp);
        interp.eval("compare", "(require lite) (require train)");
        Network trainable = trainable(interp);
        Network reference = (Network) interp.eval("compare", "(duplicate-detector \"test string.\")");
        interp.define("*compare-reference*", reference, null);
        Fn loss = (Fn) interp.eval("compare", "(imitation-loss *compare-reference* 140 [:output])");
        Trainer t = new Trainer(new Trainer.Host(new PrintStream(new ByteArrayOutputStream()), false, null), trainable,
                net -> interp.call(loss, net), new Adam(0.001, 0.9, 0.999, 1e-8), new Regularizer(0.001, 0, Set.of("timer", "input")),
                null, Trainer.Options.DEFAULTS);
        return t::trainStep;
    }

    /** The network trained: the flagship's 1486-link network. */
    Network trainable(Interpreter interp) {
        return (Network) interp.eval("compare", "(feedforward \"test string.\" {:layers 5 :copies 2 :published 1 :seed 1})");
    }

    /**
     * The same step on a sparsified machine: the flagship network with the 19 links of
     * docs/results/synthesis-published-init-matrix.json (most neurons cut off), where what a run
     * costs per neuron and per link gives way to what it costs per cycle.
     */
    public static final class Pruned extends FlagshipStep {
        @Override
        Network trainable(Interpreter interp) {
            String file = java.nio.file.Path.of(System.getProperty("dmm.home", "."), "docs/results/synthesis-published-init-matrix.json").toString();
            interp.define("*compare-matrix-file*", file, null);
            return (Network) interp.eval("compare", "(load-matrix (feedforward \"test string.\" {:layers 5 :copies 2 :published 1 :seed 1}) *compare-matrix-file*)");
        }
    }
}
