package dmm.machine;

/**
 * Neuron types by name, for the neurons a matrix row brings to life without a declaration (a
 * self-referential network growing itself). The language binding looks names up among the
 * {@code defneuron} types; a Java program can pass a map's {@code get}.
 */
@FunctionalInterface
public interface NeuronTypes {
    /** The type named {@code type} as it is now, or null when there is none. */
    NeuronFunction find(String type);

    NeuronTypes NONE = type -> null;
}
