package dmm.compile;

import dmm.lang.Builtin;
import dmm.lang.Closure;
import dmm.lang.Interpreter;
import dmm.lang.Span;
import dmm.lang.Var;
import dmm.machine.NeuronKernel;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The neuron compiler of one interpreter: turns {@code defneuron} definitions into kernels the
 * engine runs ({@link NeuronKernel}), once per definition, and again when a global function the
 * body calls (and the compiler inlined) has been redefined. A definition the compiler cannot
 * handle runs interpreted, and {@link #explain} says why.
 *
 * <p>The compiler reads the language's analyzed forms ({@code lang.Body}) and emits kernels;
 * the engine sees only kernels.
 */
public final class NeuronCompiler {
    /** {@code -Ddmm.compile=false} runs every language neuron interpreted (for comparison). */
    public static final boolean ENABLED = !"false".equals(System.getProperty("dmm.compile"));

    private final Map<String, Builtin> builtins;
    /** Per definition, the last compilation (weak keys: definitions of discarded interpreters go away). */
    private final Map<Closure, Compilation> compiled = Collections.synchronizedMap(new WeakHashMap<>());

    private NeuronCompiler(Map<String, Builtin> builtins) {
        this.builtins = builtins;
    }

    /**
     * The compiler of {@code interp}, knowing the built-ins it has now (call it when the
     * interpreter starts: a built-in's name redefined later is not the built-in).
     */
    public static NeuronCompiler of(Interpreter interp) {
        Map<String, Builtin> b = new HashMap<>();
        for (String name : Lowering.BUILTINS) {
            Var v = interp.findVar(name);
            if (v != null && v.isBound() && v.get() instanceof Builtin f && f.name().equals(name)) b.put(name, f);
        }
        return new NeuronCompiler(Map.copyOf(b));
    }

    /** A compilation: a kernel, or why there is none; valid while the vars it read hold what they held. */
    private static final class Compilation {
        final CompiledNeuron kernel;
        final String refusal;
        final Span where;
        final Var[] vars;
        final Object[] values;
        final long nanos;

        Compilation(CompiledNeuron kernel, String refusal, Span where, Map<Var, Object> reads, long nanos) {
            this.kernel = kernel;
            this.refusal = refusal;
            this.where = where;
            this.vars = reads.keySet().toArray(Var[]::new);
            this.values = new Object[vars.length];
            for (int i = 0; i < vars.length; i++) values[i] = reads.get(vars[i]);
            this.nanos = nanos;
        }

        boolean current() {
            for (int i = 0; i < vars.length; i++) if (!vars[i].isBound() || vars[i].get() != values[i]) return false;
            return true;
        }
    }

    private Compilation compilation(Closure c) {
        Compilation k = compiled.get(c);
        if (k != null && k.current()) return k;
        long t0 = System.nanoTime();
        Lowering l = new Lowering(builtins);
        try {
            Program p = l.lower(c);
            k = new Compilation(new CompiledNeuron(p, c), null, null, l.reads, System.nanoTime() - t0);
        } catch (Lowering.Refused r) {
            k = new Compilation(null, r.getMessage(), r.span, l.reads, System.nanoTime() - t0);
        }
        compiled.put(c, k);
        return k;
    }

    /**
     * The kernel source of neuron function {@code c}, asked every cycle: it keeps the last
     * compilation and checks only that the vars it read are unchanged.
     */
    public Handle handle(Closure c) {
        return new Handle(c);
    }

    /** See {@link #handle}. */
    public final class Handle {
        private final Closure definition;
        private volatile Compilation last;

        private Handle(Closure definition) {
            this.definition = definition;
        }

        /** The compiled kernel, or null when the definition runs interpreted. */
        public NeuronKernel kernel() {
            if (!ENABLED || !definition.isNeuron()) return null;
            Compilation k = last;
            if (k == null || !k.current()) last = k = compilation(definition);
            return k.kernel;
        }
    }

    /** The compiled kernel of neuron function {@code c}, or null when it runs interpreted. */
    public NeuronKernel kernel(Closure c) {
        if (!ENABLED || !c.isNeuron()) return null;
        return compilation(c).kernel;
    }

    /**
     * Whether {@code c} runs compiled, in words: "compiled: ..." with its program, or
     * "interpreted: ..." with the first form that kept it so and its source position.
     */
    public String explain(Closure c) {
        if (!c.isNeuron()) return "interpreted: `" + c.name() + "` is a function, not a neuron type";
        Compilation k = compilation(c);
        if (!ENABLED) return "interpreted: the compiler is off (-Ddmm.compile=false)";
        if (k.kernel != null) {
            Program p = k.kernel.program;
            String how = k.kernel.generated != null ? "written as a class" : "run as a program (" + k.kernel.notGenerated + ")";
            return String.format("compiled: `%s`, %d operations over %s (compiled in %.2f ms, %s)%n%s", c.name(), p.ops.length,
                    p.fields == null ? "the whole input map" : "input fields " + String.join(", ", p.fields), k.nanos / 1e6, how,
                    p.listing());
        }
        return "interpreted: `" + c.name() + "`: " + k.refusal + (k.where == null ? "" : " at " + k.where.where() + "\n" + k.where.excerpt());
    }
}
