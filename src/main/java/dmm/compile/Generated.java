package dmm.compile;

import dmm.machine.NeuronKernel.DenseCotangents;
import dmm.vvalue.VValue;

/**
 * A {@link Program} as a class of its own, written by {@link Codegen}: the same operations and
 * the same rules, with every slot in a local variable and every operation a direct call, so the
 * JIT compiles one straight method per neuron type instead of a loop over operations.
 */
abstract class Generated {
    /** Every slot's value for these inputs: {@link Program#forward}. */
    abstract Frame frame(VValue in);

    /**
     * The result for these inputs; unless {@code residuals} is null, the residual the dense
     * pullback reads at {@code residuals[at]}: the number slots' values in a {@code double[]}
     * when that is all it reads besides the inputs, else the whole {@link Frame}.
     */
    abstract VValue forward(VValue in, Object[] residuals, int at);

    /** The dense pullback given the forward run's residual: {@link DensePullback#run}. */
    abstract boolean dense(Object residual, DenseCotangents d, VValue in);
}
