package dmm.bind;

import static dmm.bind.MachineLib.*;
import dmm.ad.Ops;
import dmm.cancel.Cancelled;
import dmm.lang.EvalError;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.lang.Keyword;
import dmm.lang.Lib;
import dmm.lang.Options;
import dmm.lang.Values;
import dmm.lang.Var;
import dmm.machine.Network;
import dmm.machine.Runner;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.List;

/** The built-ins of live networks: {@code start!}, {@code stop!}, {@code pause!}, {@code resume!}, watching them and editing them at cycle boundaries. */
final class LiveBuiltins extends Lib {
    LiveBuiltins(Interpreter interp) {
        super(interp);
    }

    void install() {
        live();
    }

    private Runner runner(Object x, String what) {
        if (x instanceof Runner r) return r;
        String n = x instanceof Network net ? net.name() : nameArg(x);
        Runner r = runners(interp).get(n);
        if (r == null || r.isStopped()) throw new EvalError(what + ": no network named `" + n + "` is running (start it with (start! " + n + "))");
        return r;
    }

    private void live() {
        fn("start!", "[net & options]", "Runs the network live on a background thread. Options: :rate r (cycles per second; 0 = as fast as possible; default 10), :watch [names] / :watch-inputs [names] print those neurons every :every k cycles, :pause-at c pauses by itself after cycle c. Returns the runner, registered under the network's name.", 1, -1, a -> {
            Network net = network(a[0], "start!");
            Options o = Options.parse("start!", a, 1, List.of("rate", "watch", "watch-inputs", "every", "pause-at"));
            Runner.Watch w = null;
            if (o.has("watch") || o.has("watch-inputs")) {
                w = new Runner.Watch(o.has("watch") ? names(o.get("watch")) : List.of(),
                        o.has("watch-inputs") ? names(o.get("watch-inputs")) : List.of(), Math.max(1, o.integer("every", 1)));
                for (String n : w.outputs()) net.neuron(n);
                for (String n : w.inputs()) net.neuron(n);
            }
            return runners(interp).start(new LiveHost(interp), net, o.number("rate", 10), w, o.integer("pause-at", -1));
        });
        fn("stop!", "[runner]", "Stops a running network (by runner, network or name) at its next cycle boundary and returns its last state once its thread has ended; a cycle still running after a moment (a runaway neuron) is cancelled and discarded. Given a trainer training in the background, stops it at its next step boundary (a step in progress is discarded; with :log a checkpoint is written) and returns the trainer.", 1, 1, a -> {
            if (TrainRuns.isTraining(a[0])) return TrainRuns.stop(a[0]);
            Runner r = runner(a[0], "stop!");
            r.stop();
            return r.current();
        });
        fn("pause!", "[runner]", "Pauses a running network at the next cycle boundary and returns once it has paused; a cycle still running after a moment (a runaway neuron) is cancelled and discarded, so the network keeps its last completed cycle. Given a trainer training in the background, pauses it at its next step boundary (changes sent meanwhile are applied while it waits).", 1, 1, a -> {
            if (TrainRuns.isTraining(a[0])) return TrainRuns.pause(a[0]);
            Runner r = runner(a[0], "pause!");
            r.pause();
            return r;
        });
        fn("pause-at!", "[runner cycle]", "Makes a running network pause by itself after completing the given cycle (for scripted sessions).", 2, 2, a -> {
            Runner r = runner(a[0], "pause-at!");
            r.pauseAt(Values.toLong(a[1], "pause-at!"));
            return r;
        });
        fn("resume!", "[runner]", "Resumes a paused network (after an error: from the last good cycle), or a paused training run.", 1, 1, a -> {
            if (TrainRuns.isTraining(a[0])) return TrainRuns.resume(a[0]);
            Runner r = runner(a[0], "resume!");
            r.resume();
            return r;
        });
        fn("running", "[]", "The running (or paused) networks.", 0, 0, a -> List.copyOf(runners(interp).all()));
        fn("current", "[runner]", "The running network's state as of its last completed cycle (a network value).", 1, 1, a -> runner(a[0], "current").current());
        fn("set-rate!", "[runner r]", "Changes a running network's rate (cycles per second; 0 = as fast as possible).", 2, 2, a -> {
            Runner r = runner(a[0], "set-rate!");
            r.setRate(Values.toDouble(a[1], "set-rate!"));
            return r;
        });
        fn("watch", "[runner & names-and-options]", "Prints neurons of a running network above the prompt: (watch net 'acc 'norm) their outputs, or :outputs [names], :inputs [names], :every k.", 1, -1, a -> {
            Runner r = runner(a[0], "watch");
            int i = 1;
            List<String> outs = new ArrayList<>();
            while (i < a.length && !(a[i] instanceof Keyword)) outs.add(nameArg(a[i++]));
            Options o = Options.parse("watch", a, i, List.of("outputs", "inputs", "every"));
            if (o.has("outputs")) outs.addAll(names(o.get("outputs")));
            List<String> ins = o.has("inputs") ? names(o.get("inputs")) : List.of();
            for (String n : outs) r.current().neuron(n);
            for (String n : ins) r.current().neuron(n);
            r.setWatch(new Runner.Watch(List.copyOf(outs), ins, Math.max(1, o.integer("every", 1))));
            return r;
        });
        fn("unwatch", "[runner]", "Stops printing a running network.", 1, 1, a -> {
            Runner r = runner(a[0], "unwatch");
            r.setWatch(null);
            return r;
        });
        fn("await", "[runner cycle & timeout-seconds]", "Waits until the running network has completed the given cycle (or pauses); returns its state. Ctrl-C ends the wait; the network keeps running.", 2, 3, a -> {
            Runner r = runner(a[0], "await");
            long c = Values.toLong(a[1], "await");
            double timeout = a.length > 2 ? Values.toDouble(a[2], "await") : 60;
            try {
                if (!r.awaitCycle(c, (long) (timeout * 1000)) && !r.isPaused())
                    throw new EvalError("await: network `" + r.name() + "` did not reach cycle " + c + " within " + timeout + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Cancelled();
            }
            return r.current();
        });
        fn("inject!", "[runner name v]", "Sets a neuron's outputs to v at the next cycle boundary of a running network.", 3, 3, a -> {
            Runner r = runner(a[0], "inject!");
            String n = nameArg(a[1]);
            VValue v = Values.vvalue(a[2], "inject!");
            r.current().checkOutputFields(n, v);
            r.edit(net -> net.withOutput(n, v));
            return r;
        });
        fn("set-matrix!", "[runner w]", "Replaces a running network's soft matrix at the next cycle boundary.", 2, 2, a -> {
            Runner r = runner(a[0], "set-matrix!");
            VValue w = Values.vvalue(a[1], "set-matrix!");
            r.current().checkTypes(w);
            r.edit(net -> net.withSoftMatrix(w));
            return r;
        });
        fn("send-fragment!", "[runner delta]", "Adds a matrix fragment (rank 6) to a running network's soft matrix at the next cycle boundary: new links start from the weight sent, removed links are sent as their negative.", 2, 2, a -> {
            Runner r = runner(a[0], "send-fragment!");
            VValue d = Values.vvalue(a[1], "send-fragment!");
            r.current().checkTypes(d);
            r.edit(net -> net.withSoftMatrix(Ops.primal(net.softMatrix()).add(d)));
            return r;
        });
        fn("edit!", "[runner f]", "Applies f (a function from network to network) to a running network at the next cycle boundary.", 2, 2, a -> {
            Runner r = runner(a[0], "edit!");
            Fn f = Values.toFn(a[1], "edit!");
            r.edit(net -> network(interp.call(f, net), "the function given to edit!"));
            return r;
        });
        fn("restore!", "[name]", "Brings back the previous definition of a neuron type (or of a var): the one-command undo after a bad redefinition.", 1, 1, a -> {
            String n = nameArg(a[0]);
            Var v = interp.findNeuronType(n);
            if (v == null) v = interp.findVar(n);
            if (v == null) throw new EvalError("restore!: nothing named `" + n + "` is defined");
            if (!v.restorePrevious()) throw new EvalError("restore!: `" + n + "` has no previous definition");
            interp.out().println("restored the previous definition of `" + n + "`");
            return null;
        });
    }
}
