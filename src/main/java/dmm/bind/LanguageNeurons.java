package dmm.bind;

import dmm.lang.Closure;
import dmm.lang.EvalError;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.lang.Printer;
import dmm.lang.Values;
import dmm.lang.Var;
import dmm.machine.Engine;
import dmm.machine.NeuronFunction;
import dmm.machine.NeuronTypes;
import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * Language functions as the engine's neuron types: a {@code defneuron} closure (or any function
 * value) becomes a {@link NeuronFunction} with the fields its definition declares, and a var of
 * the neuron-type namespace becomes a source looked up at every cycle (hot redefinition).
 */
public final class LanguageNeurons {
    private LanguageNeurons() {}

    /**
     * The adapters of the built-in libraries' definitions with a fast path, one per definition,
     * shared by every neuron of the type (so the engine asks each type's kernel once per cycle).
     * Weak both ways: an adapter lives while a network's source holds it, a definition while
     * its interpreter does.
     */
    private static final Map<Fn, WeakReference<NeuronFunction>> SHARED = Collections.synchronizedMap(new WeakHashMap<>());

    /** The neuron function of a language function value. */
    static NeuronFunction of(Fn f) {
        if (f instanceof Bindings.JavaNeuron j) return j.function;
        if (!StandardNeurons.hasFastPath(f)) return adapt(f);
        WeakReference<NeuronFunction> r = SHARED.get(f);
        NeuronFunction nf = r == null ? null : r.get();
        if (nf == null) SHARED.put(f, new WeakReference<>(nf = adapt(f)));
        return nf;
    }

    private static NeuronFunction adapt(Fn f) {
        List<String> inputs = f instanceof Closure c && c.isNeuron() ? c.neuronFields() : null;
        List<String> outputs = f instanceof Closure c ? c.neuronOutputs() : null;
        return StandardNeurons.fastPath(f, new NeuronFunction() {
            @Override
            public Object apply(Object in) {
                Object out = f.invoke(new Object[] {in});
                if (!Values.isVValue(out))
                    throw new EvalError("the neuron type `" + f.name() + "` returned " + Printer.describe(out)
                            + "; a neuron must return a V-value (a map from output fields to values)");
                return out;
            }

            @Override
            public List<String> inputFields() {
                return inputs;
            }

            @Override
            public List<String> outputFields() {
                return outputs;
            }

            @Override
            public String toString() {
                return f.toString();
            }
        });
    }

    /** A source that reads the var at every cycle and adapts a new definition once. */
    static Supplier<NeuronFunction> fromVar(Var var, String type) {
        return new Supplier<>() {
            private volatile Object[] last = {null, null};   // {definition, its adapter}: swapped whole

            @Override
            public NeuronFunction get() {
                Object f = var.get();
                Object[] l = last;
                if (l[0] == f) return (NeuronFunction) l[1];
                if (!(f instanceof Fn fn)) throw new EvalError("neuron type `" + type + "` is not a function");
                NeuronFunction nf = of(fn);
                last = new Object[] {f, nf};
                return nf;
            }
        };
    }

    /** The neuron types of an interpreter ({@code defneuron}), for matrix rows naming undeclared neurons. */
    static NeuronTypes types(Interpreter interp) {
        return type -> {
            Var v = interp.findNeuronType(type);
            if (v == null) return null;
            if (!(v.get() instanceof Fn f)) throw new EvalError("neuron type `" + type + "` is not a function");
            return of(f);
        };
    }

    /** How the language runs networks: its neuron types and its Ctrl-C. */
    public static Engine.Context context(Interpreter interp) {
        return new Engine.Context(types(interp), interp.cancelToken());
    }
}
