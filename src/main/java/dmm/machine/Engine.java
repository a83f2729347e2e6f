package dmm.machine;

import dmm.ad.Ops;
import dmm.ad.Tape;
import dmm.ad.Tracked;
import dmm.cancel.CancelToken;
import dmm.cancel.Cancelled;
import dmm.vvalue.VValue;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two-stroke cycle (DMM-SEMANTICS §2). The down movement computes every input from the
 * previous outputs through the matrix (soft + hard); the up movement applies every active
 * neuron's function to its input. Both are differentiable: under {@code grad}, the down
 * movement is one tape entry per cycle, so backpropagation through time costs a small constant
 * times the forward run.
 */
public final class Engine {
    private Engine() {}

    /** Called after each cycle with the new network; return false to stop early. */
    @FunctionalInterface
    public interface CycleListener {
        boolean afterCycle(Network net);
    }

    /**
     * What a run needs besides the network: the neuron types beyond the declared ones, the
     * cancellation to obey, and where the kernels' pullbacks of a compiled cycle run under grad —
     * in the down movement's entry on dense coordinates ({@code denseKernelPullbacks}, the default)
     * or as one V-value entry per cycle (the same numbers; for comparing the two).
     */
    public record Context(NeuronTypes types, CancelToken cancel, boolean denseKernelPullbacks) {
        public static final Context DEFAULT = new Context(NeuronTypes.NONE, null);

        public Context(NeuronTypes types, CancelToken cancel) {
            this(types, cancel, true);
        }

        /** This context with the kernels' pullbacks as one V-value entry per cycle. */
        public Context withPerCycleKernelPullbacks() {
            return new Context(types, cancel, false);
        }
    }

    /** Runs {@code n} cycles, checking for cancellation between cycles. */
    public static Network run(Network net, long n, Context ctx, CycleListener listener) {
        for (long i = 0; i < n; i++) {
            CancelToken.check(ctx.cancel());
            net = step(net, ctx);
            if (listener != null && !listener.afterCycle(net)) break;
        }
        return net;
    }

    /**
     * Runs {@code n} cycles for a reader of neurons {@code observed} only (a loss, say): the
     * listener may read their inputs and outputs, and the run computes just the neurons those
     * depend on ({@link Network#coneOf}; every neuron whose function has no kernel still runs).
     * What the observed neurons receive, and every gradient of it, is the same as in a whole run,
     * bit for bit; the states passed to the listener hold the neurons computed.
     */
    public static Network runObserving(Network net, long n, Context ctx, Collection<String> observed, CycleListener listener) {
        Set<String> cone = GENERAL ? null : net.coneOf(observed);
        for (long i = 0; i < n; i++) {
            CancelToken.check(ctx.cancel());
            net = step(net, ctx, null, !GENERAL, cone);
            if (listener != null && !listener.afterCycle(net)) break;
        }
        return net;
    }

    /** {@link #run(Network, long, Context, CycleListener)} with no types beyond the declared ones and the thread's cancellation. */
    public static Network run(Network net, long n) {
        return run(net, n, Context.DEFAULT, null);
    }

    /** One cycle: the down movement, then the up movement. */
    public static Network step(Network net, Context ctx) {
        return step(net, ctx, null);
    }

    /**
     * One cycle; when a neuron fails, {@code failedType[0]} (if given) is left naming its type
     * (a live network's error message names the type to restore).
     */
    static Network step(Network net, Context ctx, String[] failedType) {
        return step(net, ctx, failedType, !GENERAL, null);
    }

    /**
     * {@code -Ddmm.general=true}: every network takes the reference down movement
     * ({@link ReferenceDown}, the definition on trees) and the binding runs no native fast paths,
     * to check on a whole run that the fast paths change no result; slow.
     */
    public static final boolean GENERAL = Boolean.getBoolean("dmm.general");

    /** One cycle through the reference down movement whatever the network (what the tests compare the compiled one with). */
    static Network stepGeneral(Network net, Context ctx) {
        return step(net, ctx, null, false, null);
    }

    /** One cycle; {@code cone}: the neurons to compute on the compiled path ({@link Network#coneOf}), null for all. */
    private static Network step(Network net, Context ctx, String[] failedType, boolean compiled, Set<String> cone) {
        Object w = net.softMatrix();
        if (compiled) {
            // the compiled down movement; a self-referential network reads a new matrix every
            // cycle, whose plan reuses the links of the last one when they are the same
            Plan plan = net.planFor(w, cone);
            RowLinks links = plan.links;
            Plan.Down d = plan.down(plan.align(net.outputs));
            Object[] ins = d.inputs();
            Object[] outs = up(net, links.neurons, links.decls, ins, ctx.types(), failedType, d.cycle(), ctx.denseKernelPullbacks());
            return net.withState(new Layer(links.neurons, outs, links.neuronIndex), new Layer(links.neurons, ins, links.neuronIndex), net.cycle + 1);
        }
        // the reference: the definition, row by row on trees
        List<String[]> active = net.activeNeurons(Ops.primal(w));
        Object x = ReferenceDown.down(w, net.hard, net.outputs.tree());
        Layer inputs = Layer.fromTree(x, active);
        Object[] outs = up(net, active, null, inputs.values, ctx.types(), failedType, null, false);
        return net.withState(new Layer(active, outs), inputs, net.cycle + 1);
    }

    // ------------------------------------------------------------------ up movement

    /**
     * The up movement; {@code decls}: each active neuron's declaration with its type, or null
     * there (null: look them up); {@code cycle}: the recorded compiled cycle whose down movement
     * made {@code ins}, or null; {@code denseKernels}: that entry runs the kernels' pullbacks (else
     * one V-value entry per cycle does).
     */
    private static Object[] up(Network net, List<String[]> active, NeuronDecl[] decls, Object[] ins, NeuronTypes types, String[] failedType,
                               RecordedCycle cycle, boolean denseKernels) {
        // resolve every function once, before any neuron runs: a redefinition made while this
        // cycle runs takes effect at the next cycle, never half-way through this one. A
        // redefinition made on another thread while the functions are being resolved could
        // still give some neurons of one type the old definition and others the new one: the
        // functions are checked again until a pass agrees with the one before (sources return
        // the same adapter object while their definition is unchanged), so one cycle sees one
        // definition.
        NeuronFunction[] fns = resolve(net, active, decls, types, failedType);
        // (bounded: a source that makes a new function object at every call never agrees with itself)
        for (int pass = 0; pass < 8 && !stillResolves(net, active, decls, fns); pass++) fns = resolve(net, active, decls, types, failedType);
        Object[] outs = new Object[fns.length];
        Calls calls = new Calls(fns.length, cycle, denseKernels);
        for (int i = 0; i < fns.length; i++) {
            String[] tn = active.get(i);
            if (failedType != null) failedType[0] = tn[0];
            Object out;
            try {
                out = calls.call(i, fns[i], ins[i]);
            } catch (Cancelled e) {
                throw e;
            } catch (MachineError e) {
                throw e.addContext(where(net, tn));
            } catch (StackOverflowError e) {
                throw new MachineError("stack overflow (recursion too deep)").addContext(where(net, tn));
            } catch (RuntimeException e) {
                // the function's own error (a language error keeps its place): the binding reports it with this context
                throw new MachineError(e.getMessage() == null ? e.toString() : e.getMessage(), e).addContext(where(net, tn));
            }
            if (!(out instanceof VValue) && !Ops.isTracked(out))
                throw new MachineError("neuron `" + tn[1] + "` (type " + tn[0] + ") returned " + (out == null ? "nothing" : "a " + out.getClass().getSimpleName())
                        + "; a neuron must return a V-value (a map from output fields to values)");
            outs[i] = out;
        }
        calls.completed(ins, outs);
        return outs;
    }

    /**
     * The neuron calls of one up movement. A neuron whose function has a kernel (a compiled neuron type) records
     * no entries under grad: on the compiled path the cycle's down-movement entry runs its
     * pullback ({@link RecordedCycle}), otherwise one entry for all of them does.
     */
    private static final class Calls {
        private final RecordedCycle cycle;
        private final boolean denseKernels;
        private final NeuronKernel[] kernels;
        private Tape tape;
        /** Each distinct function's kernel, asked once per cycle (a type's neurons share one function object; a network has a few types). */
        private NeuronFunction[] seenFns = new NeuronFunction[8];
        private NeuronKernel[] seenKernels = new NeuronKernel[8];
        private int seen;

        Calls(int neurons, RecordedCycle cycle, boolean denseKernels) {
            this.cycle = cycle;
            this.denseKernels = denseKernels;
            this.kernels = new NeuronKernel[neurons];
        }

        private NeuronKernel kernelOf(NeuronFunction fn) {
            for (int j = 0; j < seen; j++) if (seenFns[j] == fn) return seenKernels[j];
            NeuronKernel k = fn.kernel();
            if (seen == seenFns.length) {
                seenFns = Arrays.copyOf(seenFns, seen * 2);
                seenKernels = Arrays.copyOf(seenKernels, seen * 2);
            }
            seenFns[seen] = fn;
            seenKernels[seen++] = k;
            return k;
        }

        /** Neuron {@code i}'s outputs. */
        Object call(int i, NeuronFunction fn, Object in) {
            NeuronKernel k = kernelOf(fn);
            if (k == null) return fn.apply(in);
            Tape t = k.constant() ? null : Ops.recordingTape(in);
            boolean inCycle = t != null && cycle != null && denseKernels && t == cycle.tape;
            VValue y = inCycle ? k.forward(Ops.primal(in), cycle.residuals, i) : k.forward(Ops.primal(in));
            if (t == null) return y;
            if (inCycle) {
                cycle.ranKernel(i, k);
                return t.made(y, k.readsNumbersOnly());
            }
            if (tape == null) tape = t;
            kernels[i] = k;
            return tape.made(y, k.readsNumbersOnly());
        }

        /** The up movement completed: the entry for the kernels that the cycle's entry does not run. */
        void completed(Object[] ins, Object[] outs) {
            if (tape != null) recordKernels(tape, kernels, ins, outs);
            if (cycle != null) cycle.completed(outs);
        }
    }

    /**
     * One tape entry for the kernels of a cycle: each neuron's pullback sends its outputs'
     * cotangent to its inputs (every neuron has its own inputs, so the order does not matter).
     */
    private static void recordKernels(Tape tape, NeuronKernel[] kernels, Object[] ins, Object[] outs) {
        tape.record(() -> {
            for (int i = kernels.length - 1; i >= 0; i--) {
                if (kernels[i] == null) continue;
                Tracked y = (Tracked) outs[i];
                if (y.hasCotangent()) NeuronKernel.pullbackInto(kernels[i], tape, ins[i], y.value(), y.cotangent());
            }
        });
    }

    /**
     * True when every declared neuron's source still gives the function in {@code fns} (the
     * neurons of undeclared types, brought to life by matrix rows, share one lookup per type
     * within a pass already).
     */
    private static boolean stillResolves(Network net, List<String[]> active, NeuronDecl[] decls, NeuronFunction[] fns) {
        for (int i = 0; i < fns.length; i++) {
            String[] tn = active.get(i);
            NeuronDecl d = decls != null ? decls[i] : net.neurons.get(tn[1]);
            if (d != null && d.type().equals(tn[0]) && functionOf(d, net, tn) != fns[i]) return false;
        }
        return true;
    }

    /** Every active neuron's function, as its source gives it now. */
    private static NeuronFunction[] resolve(Network net, List<String[]> active, NeuronDecl[] decls, NeuronTypes types, String[] failedType) {
        Map<String, NeuronFunction> byType = null; // for neurons brought to life by matrix rows only
        NeuronFunction[] fns = new NeuronFunction[active.size()];
        for (int i = 0; i < fns.length; i++) {
            String[] tn = active.get(i);
            if (failedType != null) failedType[0] = tn[0];
            NeuronDecl d = decls != null ? decls[i] : net.neurons.get(tn[1]);
            if (d != null && d.type().equals(tn[0])) fns[i] = functionOf(d, net, tn);
            else {
                if (byType == null) byType = new HashMap<>();
                fns[i] = byType.computeIfAbsent(tn[0], type -> undeclaredType(type, tn[1], types));
            }
        }
        return fns;
    }

    private static String where(Network net, String[] tn) {
        return "in neuron `" + tn[1] + "` (type " + tn[0] + ") at cycle " + (net.cycle + 1) + " of network `" + net.name + "`";
    }

    private static NeuronFunction functionOf(NeuronDecl d, Network net, String[] tn) {
        try {
            return d.function();
        } catch (MachineError e) {
            throw e.addContext("resolving the type of neuron `" + tn[1] + "` in network `" + net.name + "`");
        }
    }

    private static NeuronFunction undeclaredType(String type, String name, NeuronTypes types) {
        NeuronFunction f = types.find(type);
        if (f == null)
            throw new MachineError("the matrix names neuron `" + name + "` of type `" + type
                    + "`, but no neuron type `" + type + "` is defined (defneuron " + type + " ...)");
        return f;
    }
}
