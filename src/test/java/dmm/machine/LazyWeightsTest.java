package dmm.machine;

import static org.junit.jupiter.api.Assertions.*;

import dmm.ad.Grad;
import dmm.ad.Ops;
import dmm.bind.LanguageNeurons;
import dmm.bind.TestInterpreters;
import dmm.lang.Interpreter;
import dmm.vvalue.LeafVector;
import dmm.vvalue.VValue;
import dmm.vvalue.VValueJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A chain of weight trees made by withLeaves, some dropping a weight
 * (non-keepsAll, recompiled plans) and some not (reused plans, leavesOver), run on the compiled
 * path of one network lineage, give the same loss and gradient, bit for bit, as plain copies of
 * the same weights on a fresh network on the general path.
 */
class LazyWeightsTest {
    private static Grad.Result run(Network net, VValue w, Engine.Context ctx, boolean compiled, int cycles) {
        return Grad.valueAndGrad(a -> {
            Network n = net.withSoftMatrix(a[0]);
            Object loss = VValue.ZERO;
            for (int c = 0; c < cycles; c++) {
                n = compiled ? Engine.step(n, ctx) : Engine.stepGeneral(n, ctx);
                loss = Ops.add(loss, Ops.sumLeaves(Ops.square(n.inputOf("output"))));
            }
            return loss;
        }, w);
    }

    @Test
    void aChainOfLazyWeightsWithDroppedLeavesGivesThePlainTreesGradients() {
        String src = "(feedforward \"abcab.\" {:layers 2 :copies 1 :seed 3})";
        Interpreter fast = TestInterpreters.quiet("(require lite)");
        Network lineage = (Network) fast.eval("t", src);
        Engine.Context ctx = LanguageNeurons.context(fast);
        VValue w = Ops.primal(lineage.softMatrix());
        Random r = new Random(5);
        for (int step = 0; step < 10; step++) {
            Grad.Result lazy = run(lineage, w, ctx, true, 12);
            VValue plain = VValueJson.read(VValueJson.write(w));
            Network fresh = (Network) fast.eval("t", src);
            Grad.Result ref = run(fresh, plain, ctx, false, 12);
            assertEquals(Double.doubleToLongBits(ref.value().scalarPart()), Double.doubleToLongBits(lazy.value().scalarPart()), "step " + step + ": loss");
            assertEquals(ref.gradients().get(0).toString(), lazy.gradients().get(0).toString(), "step " + step + ": gradient");
            assertEquals(ref.gradients().get(0), lazy.gradients().get(0), "step " + step + ": gradient");
            // the next weights: a step on every leaf, every third step one weight exactly 0
            List<Double> xs = new ArrayList<>();
            VValue g = lazy.gradients().get(0);
            w.forEachLeaf((p, x) -> xs.add(x - 0.01 * g.getIn(p).scalarPart()));
            double[] a = new double[xs.size()];
            for (int i = 0; i < a.length; i++) a[i] = xs.get(i);
            if (step % 3 == 1) a[r.nextInt(a.length)] = 0;
            w = LeafVector.tree(w, a);
        }
    }
}
