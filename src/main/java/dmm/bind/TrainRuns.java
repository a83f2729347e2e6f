package dmm.bind;

import dmm.cancel.CancelToken;
import dmm.lang.EvalError;
import dmm.lang.Interpreter;
import dmm.lang.Lib;
import dmm.lang.Options;
import dmm.lang.Printer;
import dmm.lang.Values;
import dmm.machine.Network;
import dmm.train.Settings;
import dmm.train.Sparsifier;
import dmm.train.TrainControl;
import dmm.train.TrainRun;
import dmm.train.Trainer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Training in the background of the REPL: {@code (train! tr n :background true)} and
 * {@code (sparsify! tr :background true ...)} start a {@link TrainRun}; {@code pause!},
 * {@code resume!}, {@code stop!} steer it; {@code set-lr!}, {@code set-l1!},
 * {@code set-schedule!}, {@code cut-link!} and {@code restore-link!} queue their change for the
 * next step boundary. The runs of an interpreter are listed by {@code (training)} and shown by
 * the browser view.
 */
public final class TrainRuns extends Lib {
    private TrainRuns(Interpreter interp) {
        super(interp);
    }

    /** The background runs of one interpreter, in the order they were started. */
    public static final class Registry {
        private final List<TrainRun> runs = new CopyOnWriteArrayList<>();
        private final AtomicInteger ids = new AtomicInteger();

        public List<TrainRun> all() {
            return List.copyOf(runs);
        }

        public TrainRun get(int id) {
            for (TrainRun r : runs) if (r.id() == id) return r;
            return null;
        }

        /** Stops every run (leaving the REPL). */
        public void stopAll() {
            for (TrainRun r : runs) r.stop(10_000);
        }
    }

    /** The background runs of {@code interp}. */
    public static Registry runs(Interpreter interp) {
        return interp.extension(Registry.class, Registry::new);
    }

    static void install(Interpreter interp) {
        new TrainRuns(interp).builtins();
    }

    /** Starts {@code job} on {@code t} in the background; its lines go above the prompt. */
    static TrainRun start(Interpreter interp, Trainer t, String kind, long steps, TrainRun.Job job) {
        if (TrainRun.of(t) != null) throw new EvalError(kind + ": this trainer is already training in the background: " + TrainRun.of(t));
        Registry reg = runs(interp);
        TrainRun r = new TrainRun(reg.ids.incrementAndGet(), t.network().name(), kind, t, steps, job, interp::notify, Bindings::describe);
        r.start();   // a TrainingError reaches the language through the interpreter's translator, context lines kept
        reg.runs.add(r);
        return r;
    }

    /** The run of a trainer or run value, or null when {@code x} is neither. */
    static TrainRun runOf(Object x) {
        if (x instanceof TrainRun r) return r;
        if (x instanceof Trainer t) return TrainRun.of(t);
        return null;
    }

    /** True for values that pause!/resume!/stop! treat as training runs. */
    static boolean isTraining(Object x) {
        return x instanceof TrainRun || x instanceof Trainer;
    }

    private static TrainRun running(Object x, String what) {
        TrainRun r = runOf(x);
        if (r == null) {
            if (x instanceof Trainer) throw new EvalError(what + ": this trainer is not training in the background (start it with (train! tr n :background true))");
            throw new EvalError(what + " expects a trainer or a training run, got " + Printer.describe(x));
        }
        return r;
    }

    /** Refuses to use a trainer from the REPL's thread while it trains in the background. */
    static void checkIdle(Trainer t, String what) {
        TrainRun r = TrainRun.of(t);
        if (r != null) throw new EvalError(what + ": this trainer is training in the background (" + r + "); (await-training tr) or (stop! tr) first");
    }

    /** Applies a change at once (nothing trains) or queues it for the background run's next step boundary. */
    static void change(Trainer t, TrainControl.Change c) {
        TrainRun r = TrainRun.of(t);
        try {
            if (r != null) r.submit(c);
            else c.apply(t);
        } catch (IllegalArgumentException e) {
            throw new EvalError(e.getMessage());
        }
    }

    static Object pause(Object x) {
        TrainRun r = running(x, "pause!");
        r.pause();
        long deadline = System.currentTimeMillis() + 5000;   // a step in progress finishes first
        while (!r.isParked() && !r.isFinished() && System.currentTimeMillis() < deadline) {
            CancelToken.check(null);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return r;
    }

    static Object resume(Object x) {
        TrainRun r = running(x, "resume!");
        r.resume();
        return r;
    }

    static Object stop(Object x) {
        TrainRun r = runOf(x);
        if (r == null && x instanceof Trainer t) return t;   // nothing in the background: already stopped
        r = running(x, "stop!");
        if (!r.stop(30_000)) throw new EvalError("stop!: " + r.name() + " is still inside a step after 30 s; it will stop when that step ends");
        return r.trainer();
    }

    /** The rank-6 path of {@code to.field <- from.output...} in {@code net}. */
    static List<String> linkPath(Network net, String to, String from, String what) {
        String[] t = to.split("\\.", -1), f = from.split("\\.", -1);
        if (t.length != 2 || t[0].isEmpty() || t[1].isEmpty()) throw new EvalError(what + ": the target reads neuron.field, got `" + to + "`");
        if (f.length < 2 || f[0].isEmpty()) throw new EvalError(what + ": the source reads neuron.field, got `" + from + "`");
        try {
            return net.linkPath(t[0], t[1], f[0], Arrays.asList(f).subList(1, f.length));
        } catch (RuntimeException e) {
            throw new EvalError(what + ": " + Bindings.describe(e));
        }
    }

    private void builtins() {
        fn("training", "[]", "The training runs started in the background in this session (running, paused or ended), oldest first.", 0, 0,
                a -> List.copyOf(runs(interp).all()));
        fn("training-run", "[trainer]", "The background run of a trainer (running or paused), or nil.", 1, 1, a -> TrainRun.of(trainer(a[0], "training-run")));
        fn("await-training", "[trainer-or-run & timeout-seconds]", "Waits until the trainer's background run ends (default: without limit); returns the trainer. Ctrl-C ends the wait; the run goes on.", 1, 2, a -> {
            TrainRun r = runOf(a[0]);
            if (r == null) {
                if (a[0] instanceof Trainer t) return t;
                throw new EvalError("await-training expects a trainer or a training run, got " + Printer.describe(a[0]));
            }
            double seconds = a.length > 1 ? Values.toDouble(a[1], "await-training") : 1e9;
            if (!r.await((long) Math.min(seconds * 1000, Long.MAX_VALUE / 2)))
                throw new EvalError("await-training: " + r.name() + " did not end within " + Printer.print(a[1]) + " s");
            return r.trainer();
        });
        fn("set-schedule!", "[trainer & options]", "Changes parameters of the sparsification schedule of a trainer running sparsify! in the background, from its next round (the options of sparsify!, e.g. :threshold-growth 1.2 :recover-steps 50).", 1, -1, a -> {
            Trainer t = trainer(a[0], "set-schedule!");
            Options o = Options.parse("set-schedule!", a, 1, Settings.options(Sparsifier.Schedule.class));
            Map<String, Object> given = new LinkedHashMap<>();
            for (Settings.Setting s : Settings.of(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS)) {
                if (!o.has(s.option())) continue;
                given.put(s.option(), s.type() == boolean.class ? (Object) o.flag(s.option(), false)
                        : s.type() == double.class ? (Object) o.number(s.option(), 0) : (Object) o.integer(s.option(), 0));
            }
            try {
                change(t, t.control().schedule(given));
            } catch (IllegalArgumentException e) {
                throw new EvalError("set-schedule!: " + e.getMessage());
            }
            return a[0];
        });
        fn("cut-link!", "[trainer to.field from.output]", "Cuts a soft link of the trained network, with exactly its optimizer state — at the next step boundary when the trainer runs in the background. (cut-link! tr 'output.x 'acc.single)", 3, 3, a -> {
            Trainer t = trainer(a[0], "cut-link!");
            List<String> p = linkPath(t.network(), Values.name(a[1], "cut-link!"), Values.name(a[2], "cut-link!"), "cut-link!");
            try {
                change(t, t.control().cut(t.network(), p));
            } catch (IllegalArgumentException e) {
                throw new EvalError("cut-link!: " + e.getMessage());
            }
            return a[0];
        });
        fn("restore-link!", "[trainer to.field from.output & weight]", "Adds a soft link back to the trained network (default weight: the one it had when cut-link! cut it); its optimizer state starts at zero. At the next step boundary when the trainer runs in the background.", 3, 4, a -> {
            Trainer t = trainer(a[0], "restore-link!");
            List<String> p = linkPath(t.network(), Values.name(a[1], "restore-link!"), Values.name(a[2], "restore-link!"), "restore-link!");
            double w = a.length > 3 ? Values.toDouble(a[3], "restore-link!") : Double.NaN;
            try {
                change(t, t.control().restore(t.network(), p, w));
            } catch (IllegalArgumentException e) {
                throw new EvalError("restore-link!: " + e.getMessage());
            }
            return a[0];
        });
    }

    private static Trainer trainer(Object v, String what) {
        if (v instanceof Trainer t) return t;
        if (v instanceof TrainRun r) return r.trainer();
        throw new EvalError(what + " expects a trainer (made by (trainer net :loss f ...)), got " + Printer.describe(v));
    }
}
