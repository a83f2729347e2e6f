package dmm.bind;

import dmm.lang.EvalError;
import dmm.lang.Interpreter;
import dmm.lang.Span;
import dmm.machine.MachineError;
import java.util.function.Function;

/**
 * The one place where the engine's and training's errors become language errors. A neuron's
 * own language error (its place in the neuron's source) is kept and given the engine's context
 * ("in neuron `p` (type pulse) at cycle 31 of network `live`"); any other {@link MachineError}
 * becomes an error at the form that called into the engine.
 */
final class EngineErrors {
    private EngineErrors() {}

    /** The translator the binding installs ({@link Interpreter#addErrorTranslator}). */
    static final Function<RuntimeException, EvalError> TRANSLATOR = EngineErrors::translate;

    static EvalError translate(RuntimeException e) {
        if (!(e instanceof MachineError m)) return null;
        EvalError err = m.getCause() instanceof EvalError own ? own : new EvalError(m.getMessage(), null, m);
        for (String line : m.context()) err.addContext(line);
        return err;
    }

    /** The language error for an engine error raised by the form at {@code span}. */
    static EvalError at(MachineError e, Span span) {
        EvalError err = translate(e);
        err.at(span);
        return err;
    }
}
