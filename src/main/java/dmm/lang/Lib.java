package dmm.lang;

import java.util.function.Function;

/** Helpers for the classes that install built-ins. */
public abstract class Lib {
    protected final Interpreter interp;

    protected Lib(Interpreter interp) {
        this.interp = interp;
    }

    /** Defines a built-in with a fixed or bounded arity (max -1 for variadic). */
    protected void fn(String name, String params, String doc, int min, int max, Function<Object[], Object> body) {
        interp.defineBuiltin(new Builtin(name, params, doc, min, max, body));
    }
}
