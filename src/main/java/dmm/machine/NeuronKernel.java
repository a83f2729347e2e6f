package dmm.machine;

import dmm.ad.Ops;
import dmm.ad.Tape;
import dmm.vvalue.VValue;

/**
 * A neuron type's native rule: its forward rule on primal V-values and its pullback, without
 * tape entries of its own. In a network's cycle the engine records no entry for a kernel (not
 * an entry, a closure and an intermediate value per primitive of each neuron): on the compiled
 * path the kernels' pullbacks run inside the cycle's down-movement entry, on dense coordinates
 * ({@link #pullbackDense}); on the general path (self-referential networks) in one entry for
 * the cycle's up movement. So a layer of standard neurons costs little more under {@code grad}
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
     * {@link #forward}, keeping in {@code residuals[at]} what the pullback needs (a compiled
     * kernel's intermediate values), which the engine hands back to {@link #pullback(VValue,
     * VValue, Object, VValue)} and {@link #pullbackDense(VValue, VValue, Object, DenseCotangents)}
     * so they need not compute the forward run again. By default nothing is kept.
     */
    default VValue forward(VValue inputs, Object[] residuals, int at) {
        return forward(inputs);
    }

    /**
     * The cotangent of the inputs (a map from input fields), given the inputs, the outputs
     * {@link #forward} made of them, and the outputs' non-zero cotangent; zero when none.
     */
    VValue pullback(VValue inputs, VValue outputs, VValue outputCotangent);

    /** {@link #pullback} given what {@link #forward(VValue, Object[], int)} kept (null: nothing). */
    default VValue pullback(VValue inputs, VValue outputs, Object residual, VValue outputCotangent) {
        return pullback(inputs, outputs, outputCotangent);
    }

    /** {@link #pullbackDense} given what {@link #forward(VValue, Object[], int)} kept (null: nothing). */
    default boolean pullbackDense(VValue inputs, VValue outputs, Object residual, DenseCotangents g) {
        return pullbackDense(inputs, outputs, g);
    }

    /**
     * True when {@link #pullback} reads only the {@code :number} part of each output field's
     * cotangent (the outputs are numbers to it), so the down movement's pullback may send only
     * that part.
     */
    default boolean readsNumbersOnly() {
        return false;
    }

    /**
     * True when the outputs do not depend on the inputs (a constant): their gradient is zero, so
     * the engine leaves them off the tape, and nothing upstream computes cotangents for them.
     */
    default boolean constant() {
        return false;
    }

    /**
     * The pullback on dense coordinates, for the compiled down movement's flat cycles (values
     * with a scalar and numbers under keys): it reads the outputs' cotangent and sets the inputs'
     * through {@code g}, computing exactly what {@link #pullback} computes, coordinate by
     * coordinate. Returns false, having set nothing, when this kernel has no dense form or
     * cannot give {@link #pullback}'s result here (a NaN that pullback would fail on, say): the
     * engine then calls {@link #pullback}.
     */
    default boolean pullbackDense(VValue inputs, VValue outputs, DenseCotangents g) {
        return false;
    }

    /**
     * One neuron call's cotangents on dense coordinates: coordinate 0 is the scalar part,
     * coordinate q > 0 the key the run's key table gives it (the same for every value of the
     * call). Arrays handed out are read-only; arrays handed in are kept, never written after.
     */
    interface DenseCotangents {
        /** The scalar part of output field {@code field}'s cotangent. */
        double outScalar(String field);

        /** The coordinates of output field {@code field}'s cotangent, or null when it is a number (its scalar part only). */
        double[] outVector(String field);

        /**
         * The scalar part of input field {@code field} (as {@code inputs.get(field).scalarPart()},
         * read from the down movement's arrays without the input map).
         */
        double inScalar(String field);

        /** The coordinates of input field {@code field} (coordinate 0 the scalar), or null when it is a number; read-only. */
        double[] inVector(String field);

        /** Sets input field {@code field}'s cotangent coordinates. */
        void setIn(String field, double[] g);

        /**
         * The coordinates of a flat value {@code v} the kernel computed (coordinate 0 its scalar
         * part; read-only, maybe shorter than other arrays: missing coordinates are 0), or null
         * when it has none here (a value with deeper keys).
         */
        default double[] coordinates(VValue v) {
            return null;
        }

        /** The coordinate of {@code key} ({@code :number}: 0), or -1 when there are none here. */
        default int coordinate(String key) {
            return -1;
        }

        /** The flat value of coordinates {@code d} (read, never written), or null when there are none here. */
        default VValue value(double[] d) {
            return null;
        }
    }

    /**
     * Kernel {@code k}'s pullback on V-values: the cotangent {@code g} of its output {@code out}
     * sent to the input {@code in} (tracked on {@code tape}), added to what it has.
     */
    static void pullbackInto(NeuronKernel k, Tape tape, Object in, VValue out, VValue g) {
        pullbackInto(k, tape, in, out, null, g);
    }

    /** {@link #pullbackInto(NeuronKernel, Tape, Object, VValue, VValue)} with the forward run's residual. */
    static void pullbackInto(NeuronKernel k, Tape tape, Object in, VValue out, Object residual, VValue g) {
        if (g.isZero()) return;
        VValue d = k.pullback(Ops.primal(in), out, residual, g);
        if (!d.isZero()) Ops.accumulate(tape, in, 1, d);
    }
}
