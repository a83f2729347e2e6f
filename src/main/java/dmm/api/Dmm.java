package dmm.api;

import dmm.ad.Ops;
import dmm.ad.Tape;
import dmm.bind.Bindings;
import dmm.bind.LanguageNeurons;
import dmm.cancel.Cancelled;
import dmm.lang.DmmException;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.lang.Outcome;
import dmm.lang.Source;
import dmm.machine.Engine;
import dmm.machine.MachineError;
import dmm.machine.Network;
import dmm.machine.NeuronFunction;
import dmm.machine.NeuronTypes;
import dmm.machine.Runner;
import dmm.train.Loss;
import dmm.train.Trainer;
import dmm.vvalue.VValue;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * dmm embedded in a Java program: one interpreter with the standard libraries, plus the
 * conversions and shortcuts a Java caller needs. Everything the language can do is reachable
 * through {@link #eval}; networks, losses and trainers are the engine's own Java objects
 * ({@link Network}, {@link Loss}, {@link Trainer}), so a program can mix both freely.
 *
 * <pre>{@code
 * Dmm dmm = Dmm.create().require("std");
 * dmm.defineValueNeuron("double", List.of("x"), List.of("y"), in -> Dmm.vvalue(Map.of("y", in.get("x").scale(2))));
 * Network net = (Network) dmm.eval("(network n (neurons a double) (links a.x <- 1 a.y) (init a {:y 1}))");
 * VValue y = Engine.run(net, 3).outputOf("a");              // {:y 8}
 * }</pre>
 *
 * An instance is not thread-safe (one interpreter); create one per thread, or synchronize.
 */
public final class Dmm {
    private final Interpreter interp;

    private Dmm(Interpreter interp) {
        this.interp = interp;
    }

    /** An interpreter with the core language and the network and training forms; libraries load with {@link #require}. */
    public static Dmm create() {
        return new Dmm(Bindings.install(new Interpreter()));
    }

    /** The interpreter behind this instance (for what the shortcuts here do not cover). */
    public Interpreter interpreter() {
        return interp;
    }

    /** Where {@code print}, progress lines and watch lines go (standard output by default). */
    public Dmm output(PrintStream out) {
        interp.setOut(out);
        return this;
    }

    /** Loads standard libraries from {@code lib-dmm/} ({@code "std"}, {@code "lite"}, {@code "train"}), each once. */
    public Dmm require(String... libraries) {
        for (String l : libraries) interp.require(l);
        return this;
    }

    // ------------------------------------------------------------------ evaluating

    /**
     * Evaluates dmm source and returns the value of its last form, as the language sees it: a
     * {@link VValue} (numbers too), a {@link Network}, a {@link Trainer}, a {@code
     * List}, a {@code String}, a {@code Boolean} or null. Errors are {@link DmmException}s whose
     * {@link DmmException#report()} names the place with a caret.
     */
    public Object eval(String source) {
        return eval("<java>", source);
    }

    /** {@link #eval(String)} with the name error reports give the source. */
    public Object eval(String name, String source) {
        return evaluating(() -> interp.eval(new Source(name, source, null)));
    }

    /**
     * Runs dmm source as {@code dmm run} does and reports as it does: the {@link Outcome} has the
     * status (its exit code), the value of the last form, and on failure the report (file:line:col,
     * the line, a caret, the call trace), which is also printed to {@code err}. Never throws for a
     * mistake in the source; cancellation ({@link #cancel}) is {@link Outcome.Status#INTERRUPTED}.
     */
    public Outcome run(String name, String source, PrintStream err) {
        return (Outcome) evaluating(() -> interp.run(new Source(name, source, null), err, null));
    }

    /** Evaluates a file (relative {@code load}s inside it resolve against its folder). */
    public Object eval(Path file) {
        return evaluating(() -> interp.loadFile(file));
    }

    /**
     * The stack of the thread an evaluation runs on: the command line's (deep enough for well over
     * 100000 nested calls of a dmm function), whatever the caller's thread has.
     */
    public static final long EVAL_STACK_BYTES = 64L << 20;

    private final Object evalLock = new Object();
    /** Evaluations in progress (more than one when a Java function called by dmm code evaluates again). */
    private int inEval;

    /**
     * Asks the evaluation in progress (on any thread) to stop at its next loop, call, cycle or step
     * boundary; it then throws {@link Cancelled}. Without an evaluation in progress it does
     * nothing: a late cancel never stops the next evaluation. Interrupting the thread that called
     * {@code eval} (as {@code Future.cancel(true)} does) cancels the same way.
     */
    public void cancel() {
        synchronized (evalLock) {
            if (inEval > 0) interp.requestCancel();
        }
    }

    /**
     * Runs one evaluation on a thread with {@link #EVAL_STACK_BYTES} of stack while the caller
     * waits; the caller's interrupt becomes a cancellation of the evaluation (and the caller's
     * interrupt flag stays set). Errors are rethrown on the caller's thread.
     */
    private Object evaluating(Supplier<Object> body) {
        // under a gradient of the caller's, the evaluation must record on the caller's tape
        // (a thread-local): it stays on the caller's thread, with the caller's stack
        if (Tape.current() != null) return body.get();
        Object[] result = new Object[1];
        RuntimeException[] failure = new RuntimeException[1];
        Error[] fatal = new Error[1];
        Thread t = new Thread(null, () -> {
            try {
                result[0] = body.get();
            } catch (RuntimeException e) {
                failure[0] = e;
            } catch (Error e) {
                fatal[0] = e;
            }
        }, "dmm-eval", EVAL_STACK_BYTES);
        synchronized (evalLock) {
            if (inEval++ == 0) interp.clearCancel();   // a request that arrived between evaluations was for none of them
        }
        boolean interrupted = false;
        try {
            t.start();
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    interp.requestCancel();
                }
            }
        } finally {
            synchronized (evalLock) {
                if (--inEval == 0) interp.clearCancel();
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
        if (fatal[0] != null) throw fatal[0];
        if (failure[0] != null) throw failure[0];
        return result[0];
    }

    /** The value of a top-level name (a var), or null when it is not defined (or only named so far by code being read). */
    public Object get(String name) {
        var v = interp.findVar(name);
        return v == null || !v.isBound() ? null : v.get();
    }

    /** Defines a top-level name; Java maps and numbers become V-values (NaN and infinities are refused: an {@link IllegalArgumentException}). */
    public Dmm set(String name, Object value) {
        interp.define(name, converted(name, value), null);
        return this;
    }

    /** {@code value} as the language value {@link #set} defines, or an {@link IllegalArgumentException} naming {@code name}. */
    static Object converted(String name, Object value) {
        try {
            return fromJava(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("`" + name + "`: " + e.getMessage(), e);
        }
    }

    /** Calls the language function named {@code fn} with the given arguments (Java maps and numbers become V-values). */
    public Object call(String fn, Object... args) {
        Object f = get(fn);
        if (!(f instanceof Fn function)) throw new IllegalArgumentException("`" + fn + "` is not a function");
        Object[] converted = new Object[args.length];
        for (int i = 0; i < args.length; i++) converted[i] = fromJava(args[i]);
        return interp.call(function, converted);
    }

    // ------------------------------------------------------------------ neurons and networks

    /**
     * Defines a neuron type in Java. The function receives the neuron's inputs and returns its
     * outputs; to be differentiable (trainable through), it must compute with the {@code
     * Ops} primitives, which accept tracked values. The declared fields are checked in
     * links like those of a {@code defneuron} (null: any field).
     */
    public Dmm defineNeuron(String type, List<String> inputs, List<String> outputs, NeuronFunction f) {
        Bindings.defineNeuronType(interp, type, NeuronFunction.of(f, inputs, outputs), null);
        return this;
    }

    /**
     * Defines a neuron type from a function of plain V-values (no gradient flows through it: a
     * training run that needs one stops with an error naming the type rather than silently
     * dropping it).
     */
    public Dmm defineValueNeuron(String type, List<String> inputs, List<String> outputs, UnaryOperator<VValue> f) {
        return defineNeuron(type, inputs, outputs, (NeuronFunction) in -> {
            if (!(in instanceof VValue v))
                throw new MachineError("the neuron type `" + type + "` is a plain Java function of V-values: no gradient "
                        + "can flow through it (define it with a NeuronFunction over dmm.ad.Ops to train through it)");
            return f.apply(v);
        });
    }

    /** A builder for a network whose neurons are types defined here or in the language. */
    public NetworkBuilder network(String name) {
        return new NetworkBuilder(this, name);
    }

    /** Runs {@code cycles} cycles (neuron types resolved in this interpreter; Ctrl-C of the REPL does not apply). */
    public Network run(Network net, long cycles) {
        return Engine.run(net, cycles, LanguageNeurons.context(interp), null);
    }

    /** Runs {@code cycles} cycles, calling {@code afterCycle} with each new state. */
    public Network run(Network net, long cycles, Consumer<Network> afterCycle) {
        return Engine.run(net, cycles, LanguageNeurons.context(interp), n -> {
            afterCycle.accept(n);
            return true;
        });
    }

    /** Starts a live network on its own thread; {@code lines} receives what it reports (errors, pauses). */
    public Runner start(Network net, double cyclesPerSecond, Consumer<String> lines) {
        Runner.Host host = new Runner.Host() {
            @Override
            public void notify(String line) {
                lines.accept(line);
            }

            @Override
            public String describe(RuntimeException error) {
                return Bindings.describe(error);
            }

            @Override
            public NeuronTypes types() {
                return LanguageNeurons.context(interp).types();
            }
        };
        return interp.extension(Runner.Registry.class, Runner.Registry::new).start(host, net, cyclesPerSecond, null, -1);
    }

    /** A loss written in the language, e.g. {@code "(imitation-loss (duplicate-detector \"test string.\") 140 [:output])"}. */
    public Loss loss(String expression) {
        Object f = eval(expression);
        if (!(f instanceof Fn fn)) throw new IllegalArgumentException("the loss expression must give a function of the network, got " + f);
        return net -> interp.call(fn, net);
    }

    // ------------------------------------------------------------------ values

    /**
     * A V-value from Java: a {@code Number}, a {@code Map} with string keys and values of these
     * kinds (nested maps are subtrees), or a V-value.
     */
    public static VValue vvalue(Object java) {
        if (java instanceof VValue v) return v;
        if (java instanceof Number n) {
            if (!Double.isFinite(n.doubleValue()))
                throw new IllegalArgumentException(n + " is not a V-value: V-values hold finite numbers only");
            return VValue.of(n.doubleValue());
        }
        if (java instanceof Map<?, ?> m) {
            List<Object> kv = new ArrayList<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String k)) throw new IllegalArgumentException("V-value keys are strings, got " + e.getKey());
                VValue v = vvalue(e.getValue());
                if (k.equals("number") && v.childCount() != 0)
                    throw new IllegalArgumentException("a node's own number (the key \"number\") must be a number, not a map");
                kv.add(k);
                kv.add(v);
            }
            return VValue.ofPairs(kv.toArray());
        }
        throw new IllegalArgumentException("not a V-value: " + java + " (numbers and maps of them are)");
    }

    /** A V-value as Java: a {@code Double} for a number, else a {@code Map<String, Object>} of subtrees ({@code "number"} for a node's own number). */
    public static Object toJava(Object value) {
        if (value instanceof VValue v) {
            if (v.childCount() == 0) return v.scalarPart();
            Map<String, Object> m = new LinkedHashMap<>();
            if (v.scalarPart() != 0) m.put("number", v.scalarPart());
            for (int i = 0; i < v.childCount(); i++) m.put(v.keyAt(i), toJava(v.childAt(i)));
            return m;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) out.add(toJava(x));
            return out;
        }
        return value;
    }

    private static Object fromJava(Object x) {
        if (x instanceof Number || x instanceof Map<?, ?>) return vvalue(x);
        if (x instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) out.add(fromJava(o));
            return Collections.unmodifiableList(out);
        }
        return x;
    }
}
