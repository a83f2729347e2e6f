package dmm.machine;

import dmm.lang.Fn;
import dmm.lang.Var;

/**
 * A declared neuron: its name, its type key (the type level of the matrix index) and where its
 * function comes from: the var of a neuron type (looked up at every cycle, so redefinition is
 * live) or a fixed function made by an expression such as {@code (text-driver "abc" 10)}.
 */
public record NeuronDecl(String name, String type, Var typeVar, Fn fixed) {
    /** The neuron function to use for the next cycle. */
    public Fn function() {
        if (fixed != null) return fixed;
        Object f = typeVar.get();
        if (f instanceof Fn fn) return fn;
        throw new dmm.lang.EvalError("neuron type `" + type + "` is not a function");
    }
}
