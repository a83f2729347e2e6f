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
        try {
            if (generated != null) return generated.forward(inputs, residuals, at);
            Frame f = program.forward(inputs);
            if (residuals != null) residuals[at] = f;
            return f.val(program.result);
        } catch (RuntimeException e) {
            if (residuals != null) residuals[at] = null;
            return interpreted(inputs);
        }
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
        return program.pullback(residual instanceof Frame f ? f : frame(inputs), g);
    }

    @Override
    public boolean pullbackDense(VValue inputs, VValue outputs, DenseCotangents g) {
        return pullbackDense(inputs, outputs, null, g);
    }

    @Override
    public boolean pullbackDense(VValue inputs, VValue outputs, Object residual, DenseCotangents g) {
        if (program.constant()) return true;   // the input map's cotangent is zero: no coordinates to set
        if (generated == null) return DensePullback.run(program, residual instanceof Frame f ? f : program.forward(inputs), g);
        if (residual == null) {
            Object[] r = new Object[1];
            generated.forward(inputs, r, 0);
            residual = r[0];
        }
        return generated.dense(residual, g, inputs);
    }

    /** Every slot's value for these inputs (the V-value pullback's, when the residual is not the whole frame). */
    private Frame frame(VValue inputs) {
        return generated != null ? generated.frame(inputs) : program.forward(inputs);
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
