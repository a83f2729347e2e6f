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

    /** The input fields the type declares now, or null when it takes the whole input map (any field). */
    public java.util.List<String> declaredInputs() {
        return current() instanceof dmm.lang.Closure c && c.isNeuron() ? c.neuronFields() : null;
    }

    /** The output fields the type declares now (its body returns a map literal), or null when computed. */
    public java.util.List<String> declaredOutputs() {
        return current() instanceof dmm.lang.Closure c ? c.neuronOutputs() : null;
    }

    private Object current() {
        return fixed != null ? fixed : typeVar.get();
    }
}
