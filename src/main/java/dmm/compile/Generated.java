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
    abstract Frame forward(VValue in);

    /** The dense pullback given the forward run's slots: {@link DensePullback#run}. */
    abstract boolean dense(Frame f, DenseCotangents d);
}
