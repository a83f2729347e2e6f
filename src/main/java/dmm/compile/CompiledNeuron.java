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
        VValue[] v;
        try {
            v = program.forward(inputs);
        } catch (RuntimeException e) {
            return interpreted(inputs);
        }
        return v[program.result];
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
        return program.pullback(program.forward(inputs), g);
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
