package dmm.train;

import dmm.machine.Network;

/**
 * A loss: a number computed from a network (run it, compare what it does with a target). Under
 * the trainer's gradient the network's soft matrix is tracked, so the result must be computed
 * with the {@code ad} primitives (the engine's runs are); it may be a tracked number or a plain
 * one. A language function and a Java lambda both implement it:
 * <pre>{@code Loss l = net -> Ops.dot(Engine.run(net, 10).outputOf("out"), target);}</pre>
 */
@FunctionalInterface
public interface Loss {
    Object of(Network net);
}
