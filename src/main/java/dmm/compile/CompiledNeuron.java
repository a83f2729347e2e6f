package dmm.compile;

import dmm.ad.Ops;
import dmm.lang.Closure;
import dmm.lang.EvalError;
import dmm.lang.Printer;
import dmm.machine.NeuronKernel;
import dmm.vvalue.VValue;

/**
 * A neuron type's compiled kernel: its {@link Program} run forward, and backward by the
 * primitives' transpose rules. When the compiled run meets a condition the interpreter reports
 * as an error (a {@code :number} key given a map, a log of 0, ...), the definition runs
 * interpreted instead, so the error — or, should the two ever disagree, the value — is the
 * interpreter's.
 */
final class CompiledNeuron implements NeuronKernel {
    final Program program;
    private final Closure definition;

    CompiledNeuron(Program program, Closure definition) {
        this.program = program;
        this.definition = definition;
    }

    @Override
    public VValue forward(VValue inputs) {
        return forward(inputs, null, 0);
    }

    /** Keeps every slot's value as the residual, so the pullback does not run the program again. */
    @Override
    public VValue forward(VValue inputs, Object[] residuals, int at) {
        Frame f;
        VValue out;
        try {
            f = program.forward(inputs);
            out = f.val(program.result);
        } catch (RuntimeException e) {
            return interpreted(inputs);
        }
        if (residuals != null) residuals[at] = f;
        return out;
    }

    private VValue interpreted(VValue inputs) {
        Object out = definition.invoke(new Object[] {inputs});
        if (!(out instanceof VValue v))
            throw new EvalError("the neuron type `" + definition.name() + "` returned " + Printer.describe(out)
                    + "; a neuron must return a V-value (a map from output fields to values)");
        return Ops.primal(v);
    }

    @Override
    public VValue pullback(VValue inputs, VValue outputs, VValue g) {
        return pullback(inputs, outputs, null, g);
    }

    @Override
    public VValue pullback(VValue inputs, VValue outputs, Object residual, VValue g) {
        return program.pullback(slots(inputs, residual), g);
    }

    @Override
    public boolean pullbackDense(VValue inputs, VValue outputs, DenseCotangents g) {
        return pullbackDense(inputs, outputs, null, g);
    }

    @Override
    public boolean pullbackDense(VValue inputs, VValue outputs, Object residual, DenseCotangents g) {
        return DensePullback.run(program, slots(inputs, residual), g);
    }

    /** The forward run's slots: kept ones, or the program run again. */
    private Frame slots(VValue inputs, Object residual) {
        return residual instanceof Frame f ? f : program.forward(inputs);
    }

    @Override
    public boolean readsNumbersOnly() {
        return program.readsNumbersOnly();
    }

    @Override
    public boolean constant() {
        return program.constant();
    }

    @Override
    public String toString() {
        return "#<compiled neuron " + definition.name() + ">";
    }
}
