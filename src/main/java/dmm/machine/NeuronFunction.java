package dmm.machine;

import java.util.List;

/**
 * A neuron type as the engine sees it: one V-value in (its inputs, one subtree per input field),
 * one V-value out (its outputs). Under {@code grad} the inputs may be tracked values and the
 * result must be built from the {@code ad} primitives. A language closure made by {@code
 * defneuron} and a Java lambda both implement it:
 * <pre>{@code NeuronFunction twice = inputs -> Ops.scale(2, inputs);}</pre>
 */
@FunctionalInterface
public interface NeuronFunction {
    /** The outputs for these inputs: a V-value (or a tracked one). */
    Object apply(Object inputs);

    /** The input fields this type reads, or null when it takes the whole input map (any field). */
    default List<String> inputFields() {
        return null;
    }

    /** The output fields this type produces, or null when they are computed (any field). */
    default List<String> outputFields() {
        return null;
    }

    /**
     * A native rule the engine may run instead of {@link #apply} in this cycle (null: none). Asked
     * once per cycle, so its answer may change between cycles (a fast path that stands only while
     * the definitions it mirrors are unchanged).
     */
    default NeuronKernel kernel() {
        return null;
    }

    /** A function with declared fields (null: any). */
    static NeuronFunction of(NeuronFunction f, List<String> inputs, List<String> outputs) {
        List<String> in = inputs == null ? null : List.copyOf(inputs), out = outputs == null ? null : List.copyOf(outputs);
        return new NeuronFunction() {
            @Override
            public Object apply(Object inputs) {
                return f.apply(inputs);
            }

            @Override
            public List<String> inputFields() {
                return in;
            }

            @Override
            public List<String> outputFields() {
                return out;
            }
        };
    }
}
