package dmm.api;

import dmm.bind.Bindings;
import dmm.machine.Network;
import dmm.machine.NeuronDecl;
import dmm.machine.NeuronFunction;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a network from Java with the same parts as {@code defnet}: neurons (a type defined in
 * the language or in Java, by name, or a Java function of its own), soft and hard links given as
 * {@code "neuron.field"} endpoints, accumulators and initial outputs. Fields are checked against
 * the types' declarations, as in the language.
 *
 * <pre>{@code
 * Network net = Dmm.create().require("std").network("counter")
 *     .neuron("one", (NeuronFunction) in -> VValue.ofPairs("x", 1))
 *     .neuron("acc", "accum")
 *     .link("acc.delta", 0.5, "one.x")
 *     .accumulator("acc", "accum", "single")
 *     .build();
 * }</pre>
 */
public final class NetworkBuilder {
    private final Dmm dmm;
    private Network net;
    private final List<Object[]> soft = new ArrayList<>(), hard = new ArrayList<>();

    NetworkBuilder(Dmm dmm, String name) {
        this.dmm = dmm;
        this.net = Network.empty(name);
    }

    /** A neuron of a named type ({@code defneuron}, a standard library type, or {@link Dmm#defineNeuron}). */
    public NetworkBuilder neuron(String name, String type) {
        requireNew(name);
        var v = dmm.interpreter().findNeuronType(type);
        if (v == null) throw new IllegalArgumentException("unknown neuron type `" + type + "` (define it, or require the library that has it)");
        net = net.withNeuron(new NeuronDecl(name, type, Bindings.neuronSource(v, type)));
        return this;
    }

    /** A neuron with a Java function of its own (its type key is the neuron's name). */
    public NetworkBuilder neuron(String name, NeuronFunction f) {
        requireNew(name);
        net = net.withNeuron(NeuronDecl.fixed(name, name, f));
        return this;
    }

    private void requireNew(String name) {
        if (net.neurons().containsKey(name)) throw new IllegalArgumentException("neuron `" + name + "` is declared twice");
    }

    /** A soft (trainable) link {@code to <- weight from}, endpoints as {@code "neuron.field"}. */
    public NetworkBuilder link(String to, double weight, String from) {
        soft.add(new Object[] {to, weight, from});
        return this;
    }

    /** A hard (fixed) link {@code to <- weight from}. */
    public NetworkBuilder hard(String to, double weight, String from) {
        hard.add(new Object[] {to, weight, from});
        return this;
    }

    /** Makes {@code neuron} an accumulator: the hard link {@code neuron.in <- 1 neuron.out}. */
    public NetworkBuilder accumulator(String neuron, String in, String out) {
        return hard(neuron + "." + in, 1, neuron + "." + out);
    }

    /** Presets a neuron's outputs (a V-value, or a Java map of numbers). */
    public NetworkBuilder init(String neuron, Object outputs) {
        net = net.withOutput(neuron, Dmm.vvalue(outputs));
        return this;
    }

    /** The network. */
    public Network build() {
        return net.withHardMatrix(matrix(hard)).withSoftMatrix(matrix(soft));
    }

    private VValue matrix(List<Object[]> links) {
        VBuilder b = new VBuilder();
        for (Object[] l : links) {
            String[] to = endpoint((String) l[0]), from = endpoint((String) l[2]);
            b.addAt(net.linkPath(to[0], to[1], from[0], List.of(from[1])), (Double) l[1]);
        }
        return b.build();
    }

    private static String[] endpoint(String s) {
        int dot = s.indexOf('.');
        if (dot <= 0 || dot == s.length() - 1 || s.indexOf('.', dot + 1) >= 0)
            throw new IllegalArgumentException("a link endpoint is `neuron.field`, got `" + s + "`");
        return new String[] {s.substring(0, dot), s.substring(dot + 1)};
    }
}
