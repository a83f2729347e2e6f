package dmm.bind;

import dmm.ad.Ops;
import dmm.ad.Tape;
import dmm.compile.NeuronCompiler;
import dmm.lang.Builtin;
import dmm.lang.Closure;
import dmm.lang.EvalError;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.lang.Printer;
import dmm.lang.Values;
import dmm.lang.Var;
import dmm.machine.Engine;
import dmm.machine.NeuronFunction;
import dmm.machine.NeuronKernel;
import dmm.machine.NeuronTypes;
import dmm.vvalue.VValue;
import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Language functions as the engine's neuron types: a {@code defneuron} closure (or any function
 * value) becomes a {@link NeuronFunction} with the fields its definition declares, and a var of
 * the neuron-type namespace becomes a source looked up at every cycle (hot redefinition).
 */
public final class LanguageNeurons {
    private LanguageNeurons() {}

    /**
     * The adapters of language functions, one per definition, shared by every neuron of the type
     * (so the engine asks each type's kernel once per cycle).
     * Weak both ways: an adapter lives while a network's source holds it, a definition while
     * its interpreter does.
     */
    private static final Map<Fn, WeakReference<NeuronFunction>> SHARED = Collections.synchronizedMap(new WeakHashMap<>());

    /** The neuron function of a language function value. */
    static NeuronFunction of(Fn f) {
        if (f instanceof Bindings.JavaNeuron j) return j.function;
        WeakReference<NeuronFunction> r = SHARED.get(f);
        NeuronFunction nf = r == null ? null : r.get();
        if (nf == null) SHARED.put(f, new WeakReference<>(nf = adapt(f)));
        return nf;
    }

    /** The neuron compiler of the interpreter that made {@code c}. */
    static NeuronCompiler compiler(Closure c) {
        return compilerOf(c.interpreter());
    }

    private static NeuronCompiler compilerOf(Interpreter interp) {
        return interp.extension(NeuronCompiler.class, () -> NeuronCompiler.of(interp));
    }

    /**
     * Gives {@code interp} its neuron compiler now, while its built-ins are the ones it started
     * with, and the {@code explain-neuron} built-in.
     */
    static void install(Interpreter interp) {
        compilerOf(interp);
        interp.defineBuiltin(new Builtin("explain-neuron", "[type]", """
                Prints whether the neuron type runs compiled (its body compiled into a kernel: the forward \
                program and a pullback made of the primitives' transpose rules) or interpreted, and if \
                interpreted the first form that kept it so, with its place. Returns nil.
                  (explain-neuron 'dot)""", 1, 1, a -> {
            interp.out().println(explain(interp, a[0]));
            return null;
        }));
    }

    /** What {@code explain-neuron} prints for a neuron type named by {@code type} (a name or a function value). */
    static String explain(Interpreter interp, Object type) {
        Object f = type;
        if (!(type instanceof Fn)) {
            String name = MachineLib.nameArg(type);
            Var v = interp.findNeuronType(name);
            if (v == null || !v.isBound()) throw new EvalError("explain-neuron: no neuron type named `" + name + "`");
            f = v.get();
        }
        if (f instanceof Bindings.JavaNeuron j) return "native: `" + j.name + "` is a neuron type written in Java";
        if (!(f instanceof Closure c)) throw new EvalError("explain-neuron expects a neuron type, got " + Printer.describe(f));
        if (Engine.GENERAL) return "interpreted: -Ddmm.general=true runs every neuron as written";
        return compiler(c).explain(c);
    }

    private static NeuronFunction adapt(Fn f) {
        List<String> inputs = f instanceof Closure c && c.isNeuron() ? c.neuronFields() : null;
        List<String> outputs = f instanceof Closure c ? c.neuronOutputs() : null;
        NeuronCompiler.Handle compiled = f instanceof Closure c && c.isNeuron() && !Engine.GENERAL ? compiler(c).handle(c) : null;
        return new NeuronFunction() {
            @Override
            public NeuronKernel kernel() {
                return compiled == null ? null : compiled.kernel();
            }

            @Override
            public Object apply(Object in) {
                NeuronKernel k = kernel();
                if (k != null) return LanguageNeurons.apply(k, in);
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
        };
    }

    /**
     * The outputs of kernel {@code k} on {@code in}, called as a function (outside a network's
     * cycle, where the engine records no entry for it): under grad, one tape entry whose
     * pullback gives the input map's cotangent.
     */
    static Object apply(NeuronKernel k, Object in) {
        VValue x = Ops.primal(in), out = k.forward(x);
        Tape t = k.constant() ? null : Ops.recordingTape(in);
        if (t == null) return out;
        Consumer<VValue> back = g -> NeuronKernel.pullbackInto(k, t, in, out, g);
        return k.readsNumbersOnly() ? t.recordNumbers(out, back) : t.record(out, back);
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
