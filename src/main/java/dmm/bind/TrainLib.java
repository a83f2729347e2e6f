package dmm.bind;

import dmm.train.*;
import dmm.lang.EvalError;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.lang.Lib;
import dmm.lang.Options;
import dmm.lang.Printer;
import dmm.lang.Values;
import dmm.machine.Network;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The language surface of training: optimizers, trainers, train!, prune!, sparsify!, checkpoints. */
public final class TrainLib extends Lib {
    private TrainLib(Interpreter interp) {
        super(interp);
    }

    public static void install(Interpreter interp) {
        new TrainLib(interp).builtins();
        TrainRuns.install(interp);   // training in the background
    }

    static final List<String> TRAINER_OPTIONS;
    static {
        List<String> names = new ArrayList<>(List.of("loss", "optimizer", "l1", "l2", "exclude", "log"));
        names.addAll(Settings.options(Trainer.Options.class));
        TRAINER_OPTIONS = List.copyOf(names);
    }

    private static Trainer trainer(Object v, String what) {
        if (v instanceof Trainer t) return t;
        throw new EvalError(what + " expects a trainer (made by (trainer net :loss f ...)), got " + Printer.describe(v));
    }

    private static Optimizer optimizer(Object v, String what) {
        if (v instanceof Optimizer o) return o;
        throw new EvalError(what + " expects an optimizer ((adam ...) or (sgd ...)), got " + Printer.describe(v));
    }

    private Trainer makeTrainer(Network net, Options o) {
        if (!o.has("loss")) throw new EvalError("a trainer needs :loss, a function of the network returning a number (or a batch-loss, or a curriculum)");
        Loss loss = loss(interp, o.get("loss"), "trainer :loss");
        Optimizer opt = o.has("optimizer") ? optimizer(o.get("optimizer"), "trainer :optimizer") : new Adam(0.001, 0.9, 0.999, 1e-8);
        Set<String> excluded = new HashSet<>();
        if (o.has("exclude")) for (Object x : Values.toSeq(o.get("exclude"), "trainer :exclude")) excluded.add(name(x));
        Path base = o.has("log") && o.get("log") != null ? Path.of(o.string("log", null)) : null;
        // a run in the background takes the trainer's text while it runs (above the prompt); else interp.out()
        return new Trainer(new Trainer.Host(TrainOutput.console(interp::out, interp.terminal()), interp.cancelToken()), net, loss, opt,
                new Regularizer(o.number("l1", 0), o.number("l2", 0), excluded), base,
                settings("trainer", o, Trainer.Options.class, Trainer.Options.DEFAULTS));
    }

    /** A loss from a language value: a batch loss or curriculum as it is, a function of the network wrapped. */
    static Loss loss(Interpreter interp, Object v, String what) {
        if (v instanceof Loss l) return l;
        Fn fn = Values.toFn(v, what);
        return n -> {
            Object r = interp.call(fn, n);
            if (!Values.isVValue(r)) throw new EvalError("the loss function must return a number, got " + Printer.describe(r));
            return r;
        };
    }

    /** A settings record from trailing keyword options (names, types and defaults from the record). */
    private static <R extends Record> R settings(String fnName, Object[] a, Class<R> type, R defaults) {
        return settings(fnName, Options.parse(fnName, a, 1, Settings.options(type)), type, defaults);
    }

    static <R extends Record> R settings(String fnName, Options o, Class<R> type, R defaults) {
        Map<String, Object> given = new LinkedHashMap<>();
        for (Settings.Setting s : Settings.of(type, defaults)) {
            if (!o.has(s.option())) continue;
            Class<?> t = s.type();
            given.put(s.option(), t == boolean.class ? (Object) o.flag(s.option(), false)
                    : t == double.class ? (Object) o.number(s.option(), 0) : (Object) o.integer(s.option(), 0));
        }
        try {
            return Settings.with(type, defaults, given);
        } catch (IllegalArgumentException e) {
            throw new EvalError(fnName + ": " + e.getMessage());
        }
    }

    private static String name(Object x) {
        return Values.name(x, "expected a neuron name");
    }

    private void builtins() {
        fn("adam", "[& options]", "An Adam optimizer over V-values. Options: :lr (0.001) :beta1 (0.9) :beta2 (0.999) :eps (1e-8, added after the square root); bias-corrected.", 0, -1, a -> {
            Options o = Options.parse("adam", a, 0, List.of("lr", "beta1", "beta2", "eps"));
            return new Adam(o.number("lr", 0.001), o.number("beta1", 0.9), o.number("beta2", 0.999), o.number("eps", 1e-8));
        });
        fn("sgd", "[& options]", "SGD with momentum over V-values. Options: :lr (0.01) :momentum (0.9).", 0, -1, a -> {
            Options o = Options.parse("sgd", a, 0, List.of("lr", "momentum"));
            return new Sgd(o.number("lr", 0.01), o.number("momentum", 0.9));
        });
        fn("set-lr!", "[opt-or-trainer lr]", "Changes the learning rate (takes effect at the next step; queued for the next step boundary when the trainer runs in the background).", 2, 2, a -> {
            if (a[0] instanceof Trainer t) {
                TrainRuns.change(t, TrainControl.learningRate(Values.toDouble(a[1], "set-lr!")));
                return a[0];
            }
            optimizer(a[0], "set-lr!").setLearningRate(Values.toDouble(a[1], "set-lr!"));
            return a[0];
        });
        fn("optimizer-step!", "[opt params grads]", "One optimizer step: the updated parameters (the optimizer's state advances).", 3, 3,
                a -> optimizer(a[0], "optimizer-step!").step(Values.vvalue(a[1], "optimizer-step!"), Values.vvalue(a[2], "optimizer-step!")));
        fn("optimizer-state", "[opt-or-trainer]", "The optimizer's state as a V-value ({:m .. :v .. :t ..} for Adam, {:velocity .. :t ..} for SGD), keyed like the parameters.", 1, 1, a -> {
            Optimizer o = a[0] instanceof Trainer t ? t.optimizer() : optimizer(a[0], "optimizer-state");
            VBuilder b = new VBuilder();
            o.state().forEach((k, v) -> {
                if (v instanceof VValue vv) b.addScaled(k, 1, vv);
                else if (v instanceof Double d) b.addScaled(k, 1, VValue.of(d));
            });
            return b.build();
        });
        fn("trainer", "[net & options]", "A training run of net's soft matrix. Options: :loss (required: a function of the network returning a number, a batch-loss over a data set, or a curriculum), :optimizer (adam by default), :l1 λ, :l2 μ, :exclude [neurons whose input rows are not regularized], :log \"runs/name\" (writes name.csv, name.png, name.ckpt.json); "
                + Settings.describe(Trainer.Options.class, Trainer.Options.DEFAULTS) + ".", 1, -1, a -> {
            Network net = dmm.bind.MachineLib.asNetwork(a[0], "trainer");
            return makeTrainer(net, Options.parse("trainer", a, 1, TRAINER_OPTIONS));
        });
        fn("train!", "[trainer steps & options] or [net & options]", "Trains for a number of steps, with a progress display; Ctrl-C stops at the next step boundary. Given a network and trainer options plus :steps n, makes the trainer first. Returns the trainer. With :background true it trains on a thread of its own and returns the run at once: progress lines appear above the prompt, pause!/resume!/stop! steer it, set-lr!/set-l1!/cut-link!/restore-link! are applied at its next step boundary, (await-training tr) waits for it.", 2, -1, a -> {
            Trainer t;
            long steps;
            boolean background;
            if (a[0] instanceof Network net) {
                List<String> allowed = new ArrayList<>(TRAINER_OPTIONS);
                allowed.add("steps");
                allowed.add("background");
                Options o = Options.parse("train!", a, 1, allowed);
                t = makeTrainer(net, o);
                steps = o.integer("steps", 100);
                background = o.flag("background", false);
            } else {
                t = trainer(a[0], "train!");
                if (a.length < 2) throw new EvalError("usage: (train! trainer steps) or (train! trainer steps :background true)");
                steps = Values.toLong(a[1], "train!");
                background = Options.parse("train!", a, 2, List.of("background")).flag("background", false);
            }
            TrainRuns.checkIdle(t, "train!");
            long n = steps;
            if (background) return TrainRuns.start(interp, t, "train", n, tr -> tr.train(n));
            t.train(steps);
            return t;
        });
        fn("train-step!", "[trainer]", "One training step; returns [loss prereg-loss].", 1, 1, a -> {
            TrainRuns.checkIdle(trainer(a[0], "train-step!"), "train-step!");
            TrainLog.Row r = trainer(a[0], "train-step!").trainStep();
            return List.of(VValue.of(r.loss()), VValue.of(r.prereg()));
        });
        fn("trained", "[trainer]", "The network with the current weights.", 1, 1, a -> trainer(a[0], "trained").network());
        fn("evaluate", "[trainer net?]", "The loss before regularization at the current weights (or of another network, e.g. the trained one on another string).", 1, 2, a -> {
            Trainer t = trainer(a[0], "evaluate");
            return VValue.of(a.length > 1 ? t.evaluate(dmm.bind.MachineLib.asNetwork(a[1], "evaluate")) : t.evaluate());
        });
        fn("set-l1!", "[trainer λ]", "Changes the L1 coefficient (queued for the next step boundary when the trainer runs in the background; during sparsify! the schedule grows λ from the value given).", 2, 2, a -> {
            TrainRuns.change(trainer(a[0], "set-l1!"), TrainControl.lambda(Values.toDouble(a[1], "set-l1!")));
            return a[0];
        });
        fn("prune!", "[trainer threshold]", "Removes the soft links with |w| below threshold and the optimizer state of exactly those entries; returns how many were removed.", 2, 2, a -> {
            Trainer t = trainer(a[0], "prune!");
            TrainRuns.checkIdle(t, "prune!");
            int before = t.network().softLinkCount();
            int n = t.prune(Values.toDouble(a[1], "prune!"));
            if (!t.options().quiet()) interp.out().println("pruned " + n + " of " + before + " soft links (|w| < " + Printer.print(a[1]) + "); " + (before - n) + " left");
            return VValue.of(n);
        });
        fn("sparsify!", "[trainer & options]", "Automated sparsification. Each round trains :recover-steps at λ, cuts the soft links with |w| below the threshold, and judges the cut by training a copy with λ = 0 (with :validation loss — a batch-loss over held-out strings, say — the copy's validation loss judges it, and the polish keeps the state with the best validation loss); an accepted round raises λ and the threshold, a rejected one restores the last accepted state and retries with half the threshold (a single link whose cut is rejected is protected from then on). With :log, a checkpoint is written at every round boundary; after (load-checkpoint tr file) of a checkpoint written during sparsify!, sparsify! continues that sparsification exactly where it stood (same final result as without the interruption). With :regrows n, a polished machine whose (validation) loss is above :regrow-above starts again, at most n times: the links pruning removed come back at :regrow-sigma · Normal(0, 1), :regrow-steps train at the trainer's first λ, the rounds run anew, and the best polished machine of all attempts is kept — a near miss whose fix needs several links at once (none of which has a gradient while the others are zero) gets them back; a finished sparsification's checkpoint, resumed with :regrows, regrows from where it ended. With :tighten-lr x, a good machine (at or below :regrow-above) whose rounds cut no more goes back to its rounds with the judge at learning rate x, cutting its links one at a time (the smallest first), and is polished again, while that cuts links: a finished machine's few links can take steps the dense network's judge could not. Returns the trainer. With :background true it runs on a thread of its own like (train! tr n :background true), and set-schedule! changes its parameters from the next round. Options: "
                + Settings.describe(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS) + ".", 1, -1, a -> {
            Trainer t = trainer(a[0], "sparsify!");
            List<String> allowed = new ArrayList<>(Settings.options(Sparsifier.Schedule.class));
            allowed.add("validation");
            allowed.add("background");
            Options o = Options.parse("sparsify!", a, 1, allowed);
            Sparsifier.Schedule s = settings("sparsify!", o, Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS);
            Loss validation = o.has("validation") ? loss(interp, o.get("validation"), "sparsify! :validation") : null;
            TrainRuns.checkIdle(t, "sparsify!");
            if (o.flag("background", false)) return TrainRuns.start(interp, t, "sparsify", 0, tr -> new Sparsifier(tr, s, validation).run());
            new Sparsifier(t, s, validation).run();
            return t;
        });
        fn("sparsification", "[trainer]", "Where the trainer's sparsification stands, as a V-value {:phase {\"rounds\" 1} :round r :accepted a :threshold t :protected n}, or nil when none is in progress.", 1, 1, a -> {
            Sparsifier.Position p = trainer(a[0], "sparsification").sparsification();
            if (p == null) return null;
            return VValue.ofPairs("phase", VValue.ofPairs(p.stage.word(), 1), "round", (double) p.rounds, "accepted", (double) p.accepted,
                    "threshold", p.threshold, "protected", (double) p.protectedLinks.size());
        });
        fn("save-checkpoint", "[trainer path]", "Saves matrices, optimizer state, step, λ, the seconds so far and the sparsification's position as JSON, atomically.", 2, 2, a -> {
            Trainer t = trainer(a[0], "save-checkpoint");
            Path file = Path.of(Values.toKey(a[1], null));
            TrainRuns.change(t, new TrainControl.Change() {   // in the background: written by the training thread between two steps
                public String describe() {
                    return "checkpoint written to " + file;
                }

                public void apply(Trainer tr) {
                    tr.saveCheckpoint(file);
                }
            });
            return a[1];
        });
        fn("load-checkpoint", "[trainer path]", "Restores a checkpoint into the trainer; training then continues exactly as it would have.", 2, 2, a -> {
            TrainRuns.checkIdle(trainer(a[0], "load-checkpoint"), "load-checkpoint");
            trainer(a[0], "load-checkpoint").loadCheckpoint(Path.of(Values.toKey(a[1], null)));
            return a[0];
        });
        fn("train-log", "[trainer]", "The log rows as a vector of {:step :loss :prereg :l1 :lambda :links :lr :seconds} maps.", 1, 1, a -> {
            List<Object> out = new ArrayList<>();
            for (TrainLog.Row r : trainer(a[0], "train-log").log().rows())
                out.add(VValue.ofPairs("step", (double) r.step(), "loss", r.loss(), "prereg", r.prereg(), "l1", r.l1(), "lambda", r.lambda(),
                        "links", (double) r.links(), "lr", r.lr(), "seconds", r.seconds()));
            return Collections.unmodifiableList(out);
        });
        fn("jax-normals", "[seed n scale]", "The initial draw of the 2024 JAX superfluid experiment, bit-exact: for the n keys of JAX's split(PRNGKey(seed), n), scale · normal(key) in float32 (threefry2x32, float32 erfinv; SUPERFLUID.md §5). A vector of n numbers.", 3, 3, a -> {
            long seed = Values.toLong(a[0], "jax-normals");
            int n = Values.toInt(a[1], "jax-normals");
            if (n < 0) throw new EvalError("jax-normals needs a count of at least 0, got " + n);
            List<Object> out = new ArrayList<>(n);
            for (double d : JaxRandom.splitNormals(seed, n, (float) Values.toDouble(a[2], "jax-normals"))) out.add(VValue.of(d));
            return Collections.unmodifiableList(out);
        });
        fn("train-step", "[trainer]", "The number of steps taken.", 1, 1, a -> VValue.of(trainer(a[0], "train-step").step()));
    }
}
