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
public final class FlagshipStep implements Supplier<Runnable> {
    @Override
    public Runnable get() {
        Interpreter interp = new Interpreter();
        interp.setOut(new PrintStream(new ByteArrayOutputStream()));
        Bindings.install(interp);
        interp.eval("compare", "(require lite) (require train)");
        Network trainable = (Network) interp.eval("compare", "(feedforward \"test string.\" {:layers 5 :copies 2 :published 1 :seed 1})");
        Network reference = (Network) interp.eval("compare", "(duplicate-detector \"test string.\")");
        interp.define("*compare-reference*", reference, null);
        Fn loss = (Fn) interp.eval("compare", "(imitation-loss *compare-reference* 140 [:output])");
        Trainer t = new Trainer(new Trainer.Host(new PrintStream(new ByteArrayOutputStream()), false, null), trainable,
                net -> interp.call(loss, net), new Adam(0.001, 0.9, 0.999, 1e-8), new Regularizer(0.001, 0, Set.of("timer", "input")),
                null, Trainer.Options.DEFAULTS);
        return t::trainStep;
    }
}
