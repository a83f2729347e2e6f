package dmm.bind;

import dmm.lang.DmmException;
import dmm.lang.EvalError;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.lang.Var;
import dmm.machine.NeuronFunction;
import java.util.function.Supplier;

/** Installs the language's forms and built-ins for networks, live runners and training. */
public final class Bindings {
    private Bindings() {}

    /** Installs every binding into {@code interp} (the core language is already there). */
    public static Interpreter install(Interpreter interp) {
        MachineLib.install(interp);
        TrainLib.install(interp);
        DataLib.install(interp);
        return interp;
    }

    /**
     * Defines a neuron type implemented in Java: {@code (neurons n NAME)} and {@code add-neuron}
     * use it like a {@code defneuron}, and a later definition under the same name replaces it in
     * running networks at their next cycle.
     */
    public static void defineNeuronType(Interpreter interp, String name, NeuronFunction f, String doc) {
        interp.neuronVarFor(name).set(new JavaNeuron(name, f));
        if (doc != null) interp.neuronVarFor(name).setDoc(doc);
    }

    /**
     * The report of an error from the engine or the language, as the user should read it: a
     * language error with its place, an engine error with its context lines ("in neuron ...").
     */
    public static String describe(RuntimeException error) {
        DmmException e = error instanceof DmmException d ? d : EngineErrors.translate(error);
        if (e != null) return e.report();
        return error.getMessage() == null ? error.toString() : error.getMessage();
    }

    /** The source of a neuron declared with the type held by {@code var} (re-read every cycle). */
    public static Supplier<NeuronFunction> neuronSource(Var var, String type) {
        return LanguageNeurons.fromVar(var, type);
    }

    /** A neuron type implemented in Java, as a language function value (callable with the input map). */
    static final class JavaNeuron implements Fn {
        final String name;
        final NeuronFunction function;

        JavaNeuron(String name, NeuronFunction function) {
            this.name = name;
            this.function = function;
        }

        @Override
        public Object invoke(Object[] args) {
            if (args.length != 1) throw new EvalError("the neuron type `" + name + "` takes one argument, the input map; got " + args.length);
            return function.apply(args[0]);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return "#<java neuron " + name + ">";
        }
    }
}
