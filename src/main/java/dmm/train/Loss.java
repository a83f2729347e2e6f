package dmm.train;

import dmm.ad.Grad;
import dmm.ad.Ops;
import dmm.machine.Network;
import dmm.vvalue.VValue;

/**
 * A loss: a number computed from a network (run it, compare what it does with a target). Under
 * the trainer's gradient the network's soft matrix is tracked, so the result must be computed
 * with the {@code ad} primitives (the engine's runs are); it may be a tracked number or a plain
 * one. A language function and a Java lambda both implement it:
 * <pre>{@code Loss l = net -> Ops.dot(Engine.run(net, 10).outputOf("out"), target);}</pre>
 *
 * <p>Two refinements let a loss take part in training beyond one run: {@link #at} names the
 * loss that applies after a number of steps (a {@link Curriculum} changes with the step), and
 * {@link #valueAndGradient} computes one step's value and gradient (a {@link BatchLoss} samples
 * its mini-batch from the step and runs the batch's items on several threads).
 */
@FunctionalInterface
public interface Loss {
    /** The loss of {@code net} (under a tape when the caller differentiates it). */
    Object of(Network net);

    /** The loss that applies once {@code stepsDone} steps have been taken: this one, unless it is a curriculum. */
    default Loss at(long stepsDone) {
        return this;
    }

    /**
     * The value and the gradient with respect to {@code w} of this loss of {@code net} with soft
     * matrix {@code w}, for training step {@code step} (1-based: the step about to be taken).
     * One run on a fresh tape by default.
     */
    default Grad.Result valueAndGradient(Network net, VValue w, long step) {
        return Grad.valueAndGrad(args -> requireNumber(of(net.withSoftMatrix(args[0]))), w);
    }

    /** What the trainer prints about this loss when it starts applying (a curriculum stage says which). */
    default String describe() {
        return "the loss";
    }

    /** The value of {@code loss} on {@code net}, computed without a tape. */
    static double value(Loss loss, Network net) {
        return Ops.primal(requireNumber(loss.of(net))).scalarPart();
    }

    /** {@code v} when it is a number (tracked or not); a {@link TrainingError} otherwise. */
    static Object requireNumber(Object v) {
        VValue p = v instanceof VValue || Ops.isTracked(v) ? Ops.primal(v) : null;
        if (p == null || p.childCount() != 0)
            throw new TrainingError("the loss must be a number, got " + (p == null ? (v == null ? "nothing" : "a " + v.getClass().getSimpleName()) : "a map"));
        return v;
    }
}
