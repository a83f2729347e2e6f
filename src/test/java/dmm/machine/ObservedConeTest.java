package dmm.machine;

import static org.junit.jupiter.api.Assertions.*;

import dmm.ad.Grad;
import dmm.ad.Ops;
import dmm.bind.LanguageNeurons;
import dmm.bind.TestInterpreters;
import dmm.lang.Interpreter;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A run for a reader of some neurons only ({@link Engine#runObserving}, what {@code observe} and
 * so every loss uses) computes only the neurons those depend on: on pruned networks, where most
 * neurons are cut off, the observed values, the loss and its gradient at the soft matrix are
 * those of the whole run, bit for bit — and the plans of the two kinds of run, sharing a
 * lineage, never stand in for each other.
 */
class ObservedConeTest {
    private final Interpreter interp = TestInterpreters.quiet("(require lite)");
    private final Engine.Context ctx = LanguageNeurons.context(interp);

    /** The observed neuron's inputs of every cycle, the loss Σ (inputs)², and its gradient. */
    private record Run(List<VValue> seen, VValue loss, VValue grad) {}

    private Run run(Network net, int cycles, boolean observing) {
        List<VValue> seen = new ArrayList<>();
        Grad.Result r = Grad.valueAndGrad(a -> {
            Network n = net.withSoftMatrix(a[0]);
            Object[] loss = {VValue.ZERO};
            Engine.CycleListener l = after -> {
                Object x = after.inputOf("output");
                seen.add(Ops.primal(x));
                loss[0] = Ops.add(loss[0], Ops.sumLeaves(Ops.square(x)));
                return true;
            };
            if (observing) Engine.runObserving(n, cycles, ctx, List.of("output"), l);
            else Engine.run(n, cycles, ctx, l);
            return loss[0];
        }, Ops.primal(net.softMatrix()));
        return new Run(seen, r.value(), r.gradients().get(0));
    }

    /** The feedforward network on {@code s} with only its soft links of |w| >= cut. */
    private Network pruned(String s, int seed, double cut) {
        return (Network) interp.eval("t", String.format(java.util.Locale.ROOT,
                "(let [net (feedforward \"%s\" {:seed %d})] (with-matrix net (filter-leaves (fn [x] (>= (abs x) %s)) (matrix net))))", s, seed, cut));
    }

    @Test
    void aPrunedNetworksObservedRunIsTheWholeRunBitForBit() {
        int restricted = 0;
        for (int seed = 1; seed <= 4; seed++)
            for (double cut : new double[] {0, 0.5, 1.0, 1.4, 1.8}) {
                Network net = pruned("abca.", seed, cut);
                Set<String> cone = net.coneOf(List.of("output"));
                if (cone != null) restricted++;
                Run whole = run(net, 60, false), observed = run(net, 60, true);
                String what = "seed " + seed + ", links of |w| >= " + cut + " (" + net.softLinkCount() + " links, "
                        + (cone == null ? "every neuron" : cone.size() + " neurons") + " computed)";
                assertEquals(whole.seen, observed.seen, what);
                assertEquals(whole.loss, observed.loss, what);
                assertTrue(whole.grad.equals(observed.grad), () -> what + ": the gradients differ by up to " + whole.grad.subtract(observed.grad).maxAbs());
                if (cut == 0) assertNull(cone, "the dense network: every neuron reaches the output");
            }
        assertTrue(restricted >= 10, "the pruned cases leave neurons out: " + restricted);
    }

    @Test
    void theConeIsTheObservedNeuronsAndWhatTheyRead() {
        Network net = (Network) interp.eval("t", """
            (network c (neurons a sum-dicts, b sum-dicts, n max-norm, o output, one const-1)
              (links a.dict-2 <- one.const_1, n.dict <- a.dict, o.x <- n.norm, b.dict-2 <- a.dict))""");
        assertEquals(Set.of(Layer.key("sum-dicts", "a"), Layer.key("max-norm", "n"), Layer.key("output", "o"), Layer.key("const-1", "one")),
                net.coneOf(List.of("o")), "b reads a but nobody reads b");
        assertNull(net.coneOf(List.of("o", "b")), "observing b too: every neuron");
    }

    @Test
    void aNeuronWithoutAKernelRunsEvenWhenNobodyReadsIt() {
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        interp.setOut(new java.io.PrintStream(printed, true));
        Network net = (Network) interp.eval("t", """
            (defneuron counted [x] (do (println "ran") {:y x}))
            (network c (neurons a sum-dicts, k counted, o output, one const-1, spare max-norm)
              (links a.dict-2 <- one.const_1, o.x <- a.dict, k.x <- a.dict, spare.dict <- a.dict))""");
        Set<String> cone = net.coneOf(List.of("o"));
        assertNotNull(cone);
        assertTrue(cone.contains(Layer.key("counted", "k")), "k has no kernel (it prints), so it runs: " + cone);
        assertFalse(cone.contains(Layer.key("max-norm", "spare")), "nobody reads spare: " + cone);
        Engine.runObserving(net, 5, ctx, List.of("o"), null);
        assertEquals(5, printed.toString().lines().filter(l -> l.equals("ran")).count(), printed.toString());
    }

    @Test
    void wholeAndObservedRunsOfOneLineageKeepTheirOwnPlans() {
        Network net = pruned("abca.", 2, 1.4);
        assertNotNull(net.coneOf(List.of("output")));
        Network whole = Engine.run(net, 20, ctx, null);
        int all = whole.plan.links.neurons.size();
        Network observed = Engine.runObserving(net, 20, ctx, List.of("output"), null);
        assertTrue(observed.plan.links.neurons.size() < all, "the observed run computes fewer neurons");
        assertEquals(Ops.primal(whole.inputOf("output")), Ops.primal(observed.inputOf("output")));
        // the lineage's latest plan is now the observed run's: a whole run must not reuse it
        Network again = Engine.run(net.withSoftMatrix(Ops.scale(VValue.of(1.0), net.softMatrix())), 20, ctx, null);
        assertEquals(all, again.plan.links.neurons.size(), "a whole run computes every neuron");
        assertEquals(Ops.primal(whole.outputs()), Ops.primal(again.outputs()));
    }

    @Test
    void aSelfReferentialNetworkIsRunWhole() {
        Network net = (Network) interp.eval("t", """
            (defnet w
              (neurons self accum, src (const {:v 1.5}), acc sum-dicts, o output, spare max-norm)
              (accumulators self)
              (links acc.dict-2 <- 0.5 src.v, o.x <- 0.75 acc.dict, spare.dict <- src.v)
              (self self))
            w""");
        assertTrue(net.isSelfReferential());
        assertNull(net.coneOf(List.of("o")), "its links may change as it runs");
    }
}
