package dmm.machine;

import java.util.List;
import java.util.function.Supplier;

/**
 * A declared neuron: its name, its type key (the type level of the matrix index) and where its
 * function comes from. The source is asked at every cycle, so a type defined through a var (a
 * {@code defneuron}) takes a redefinition at the next cycle; a fixed function (made by an
 * expression such as {@code (text-driver "abc" 10)}, or a Java lambda) is a constant source.
 */
public record NeuronDecl(String name, String type, Supplier<NeuronFunction> source) {
    /** A neuron whose function never changes. */
    public static NeuronDecl fixed(String name, String type, NeuronFunction f) {
        return new NeuronDecl(name, type, () -> f);
    }

    /** The neuron function to use for the next cycle. */
    public NeuronFunction function() {
        NeuronFunction f = source.get();
        if (f == null) throw new MachineError("neuron type `" + type + "` of neuron `" + name + "` is not defined");
        return f;
    }

    /** The input fields the type declares now, or null when it takes the whole input map (any field). */
    public List<String> declaredInputs() {
        return function().inputFields();
    }

    /** The output fields the type declares now (its body returns a map literal), or null when computed. */
    public List<String> declaredOutputs() {
        return function().outputFields();
    }
}
