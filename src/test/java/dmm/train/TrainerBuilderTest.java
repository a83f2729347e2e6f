package dmm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dmm.ad.Ops;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.machine.Network;
import java.io.ByteArrayOutputStream;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Trainer.builder names every setting; what it builds trains exactly as the positional constructor's trainer. */
class TrainerBuilderTest {
    private final Interpreter interp = SmallNetwork.interpreter(new ByteArrayOutputStream());
    private final Network net = (Network) interp.eval("t", "small");
    private final Loss loss = n -> interp.call((Fn) interp.eval("t", "small-loss"), n);

    @Test
    void theBuilderTrainsAsThePositionalConstructorDoes() {
        Trainer built = Trainer.builder(net, loss).optimizer(new Adam(0.01, 0.9, 0.999, 1e-8)).l1(0.001).exclude("timer", "input").quiet().build();
        Trainer positional = new Trainer(Trainer.Host.standard(), net, loss, new Adam(0.01, 0.9, 0.999, 1e-8),
                new Regularizer(0.001, 0, Set.of("timer", "input")), null, new Trainer.Options(true, 0, 500, 60, 0));
        built.train(5);
        positional.train(5);
        assertEquals(Ops.primal(positional.network().softMatrix()), Ops.primal(built.network().softMatrix()), "bit for bit");
        assertEquals(0.001, built.lambda());
        assertTrue(built.options().quiet());
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder(net, loss).l1(-1).build());
        assertThrows(NullPointerException.class, () -> Trainer.builder(null, loss));
    }
}
