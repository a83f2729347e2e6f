package dmm.machine;

import static org.junit.jupiter.api.Assertions.*;

import dmm.ad.Ops;
import dmm.bind.MachineLib;
import dmm.lang.Interpreter;
import dmm.vvalue.VValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A matrix with the links of an earlier plan (a training step) reuses its rows: the same plan as compiling anew. */
class PlanReuseTest {
    private final Interpreter interp = new Interpreter();

    PlanReuseTest() {
        interp.setOut(new PrintStream(new ByteArrayOutputStream()));
        MachineLib.install(interp);
        interp.eval("setup", "(require lite)");
    }

    private Network net(String text) {
        return (Network) interp.eval("t", text);
    }

    private static Plan compile(Network n, Object w) {
        return Plan.compile(n.neurons, n.hard, w, n.activeNeurons(Ops.primal(w)), null);
    }

    @Test
    void newWeightsOnTheSameLinksGiveTheCompiledPlan() {
        Network n = net("(feedforward \"ab.\" {:layers 2 :copies 1 :seed 3})");
        Plan first = n.planFor(n.softMatrix());
        VValue w2 = Ops.primal(n.softMatrix()).mapLeaves(x -> x * 1.5 - 0.001);
        Plan reused = Plan.reuse(first, w2);
        assertNotNull(reused);
        assertSame(first.links, reused.links);
        Plan fresh = compile(n, w2);
        assertTrue(Arrays.deepEquals(fresh.weight, reused.weight));
        assertTrue(Arrays.deepEquals(fresh.links.src, reused.links.src));
        assertTrue(Arrays.deepEquals(fresh.links.softIndex, reused.links.softIndex));
        assertTrue(Arrays.deepEquals(fresh.links.fields, reused.links.fields));
        assertArrayEquals(fresh.links.slotNeuron, reused.links.slotNeuron);
        assertEquals(fresh.links.slotPath, reused.links.slotPath);
        assertEquals(fresh.links.softPaths, reused.links.softPaths);
        // and a network made with the new weights runs exactly like one compiled from nothing
        Network viaTemplate = n.withSoftMatrix(w2);
        assertSame(first, viaTemplate.lineage.last);
        Network ran = Engine.run(viaTemplate, 40);
        Network scratch = Engine.run(net("(feedforward \"ab.\" {:layers 2 :copies 1 :seed 3})").withSoftMatrix(w2).reset(), 40);
        assertEquals(Ops.primal(scratch.inputOf("output")), Ops.primal(ran.inputOf("output")));
        assertNotEquals(VValue.ZERO, Ops.primal(ran.inputOf("output")));
    }

    @Test
    void siblingsMadeFromANetworkThatNeverRanShareTheirRows() {
        // a training step: the trainer's network never runs; each step runs a copy with new weights
        Network n = net("(feedforward \"ab.\" {:layers 2 :copies 1 :seed 3})");
        VValue w1 = Ops.primal(n.softMatrix()).mapLeaves(x -> x * 1.5);
        VValue w2 = Ops.primal(n.softMatrix()).mapLeaves(x -> x * 0.5);
        Network a = n.withSoftMatrix(w1);
        Plan pa = a.planFor(w1);
        Network b = n.withSoftMatrix(w2);
        Plan pb = b.planFor(w2);
        assertNotSame(pa, pb);
        assertSame(pa.links, pb.links, "the second sibling reuses the first one's links");
        assertEquals(Ops.primal(Engine.run(net("(feedforward \"ab.\" {:layers 2 :copies 1 :seed 3})").withSoftMatrix(w2), 30).inputOf("output")),
                Ops.primal(Engine.run(b, 30).inputOf("output")));
    }

    @Test
    void otherLinksCompileAnew() {
        Network n = net("(feedforward \"ab.\" {:layers 2 :copies 1 :seed 3})");
        Plan first = n.planFor(n.softMatrix());
        Network more = net("(add-link (feedforward \"ab.\" {:layers 2 :copies 1 :seed 3}) \"output\" \"dict-1\" \"timer\" \"timer\" 0.5)");
        assertNull(Plan.reuse(first, more.softMatrix()));
        VValue fewer = Ops.primal(n.softMatrix()).mapLeaves(x -> Math.abs(x) < 0.005 ? 0 : x);
        assertNull(Plan.reuse(first, fewer));
    }
}
