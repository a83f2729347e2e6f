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
    /** The program as a class of its own ({@link Codegen}), or null when it runs through {@link Program}. */
    final Generated generated;
    /** Why there is no class, or null. */
    final String notGenerated;
    private final Closure definition;

    CompiledNeuron(Program program, Closure definition) {
        this.program = program;
        this.definition = definition;
        Generated g = null;
        String why = Codegen.ENABLED ? null : "-Ddmm.codegen=false";
        if (why == null) {
            try {
                g = Codegen.generate(program, definition.name());
            } catch (RuntimeException | LinkageError e) {
                why = "the class writer failed: " + e;
            }
        }
        this.generated = g;
        this.notGenerated = why;
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
            f = generated != null ? generated.forward(inputs) : program.forward(inputs);
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
        Frame f = slots(inputs, residual);
        return generated != null ? generated.dense(f, g) : DensePullback.run(program, f, g);
    }

    /** The forward run's slots: kept ones, or the program run again. */
    private Frame slots(VValue inputs, Object residual) {
        if (residual instanceof Frame f) return f;
        return generated != null ? generated.forward(inputs) : program.forward(inputs);
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
