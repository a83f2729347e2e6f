package dmm.machine;

import dmm.vvalue.VValue;

/**
 * A neuron type's native rule: its forward rule on primal V-values and its pullback, without
 * tape entries of its own. The engine runs the kernels of a cycle's neurons as one tape entry
 * for the whole up movement (instead of an entry, a closure and an intermediate value per
 * primitive of each neuron), so a layer of standard neurons costs little more under {@code grad}
 * than without it.
 *
 * <p>Contract: {@link #forward} equals what the function's {@link NeuronFunction#apply} returns,
 * and {@link #pullback} the cotangent of the inputs its recorded entries would give, bit for bit
 * (the {@code bind} package's standard neurons are tested against their language definitions).
 * A function offers its kernel through {@link NeuronFunction#kernel()}, asked once per cycle, so
 * a redefinition of the type switches away from it at the next cycle.
 */
public interface NeuronKernel {
    /** The outputs for these (primal) inputs. */
    VValue forward(VValue inputs);

    /**
     * The cotangent of the inputs (a map from input fields), given the inputs, the outputs
     * {@link #forward} made of them, and the outputs' non-zero cotangent; zero when none.
     */
    VValue pullback(VValue inputs, VValue outputs, VValue outputCotangent);

    /**
     * True when {@link #pullback} reads only the {@code :number} part of each output field's
     * cotangent (the outputs are numbers to it), so the down movement's pullback may send only
     * that part.
     */
    default boolean readsNumbersOnly() {
        return false;
    }
}
