package dmm.train;

import dmm.ad.Ops;
import dmm.cancel.CancelToken;
import dmm.cancel.Cancelled;
import dmm.machine.MachineError;
import dmm.machine.Network;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The steering wheel of one trainer: changes asked for by another thread (the REPL, the browser
 * view) while the trainer runs in the background — a new learning rate, a new λ, new schedule
 * parameters, a link cut or restored — and pause. Changes are queued and applied by the training
 * thread itself at a step boundary, so a step never sees half a change and the trainer's state
 * (weights, optimizer state, checkpoints) stays consistent, as live networks apply edits at
 * cycle boundaries.
 *
 * <p>A change applied by the user stands: when the sparsifier later returns to a state saved
 * before the change (a rejected round goes back to the last accepted state; the judge's copy is
 * put back), the change is applied again on top of that state. λ is the schedule's during the
 * judge and the polish (both train with λ = 0), so a new λ waits for the next shrinking phase;
 * the schedule then grows λ from the value given.
 */
public final class TrainControl {
    /** One change to a trainer, applied on its thread at a step boundary. */
    public interface Change {
        /** What the change does, for messages ("learning rate 0.0005"). */
        String describe();

        /** Applies it to the trainer (on the training thread, between steps). */
        void apply(Trainer t);

        /** True when the change must wait while the trainer is in this phase (λ during the judge and polish). */
        default boolean waitsIn(Phase phase) {
            return false;
        }
    }

    /** What a control tells its observers: a completed step (with its phase) or a message. */
    public interface Listener {
        void step(TrainLog.Row row, Phase phase);

        default void message(String line) {}
    }

    private final ConcurrentLinkedQueue<Change> queue = new ConcurrentLinkedQueue<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private volatile boolean paused;
    private volatile boolean parked;
    private volatile Phase phase = Phase.TRAIN;
    /** Schedule parameters given while running (option name → value), applied at the next round. */
    private final Map<String, Object> schedulePatch = new LinkedHashMap<>();
    /** The weights of links cut by hand (matrix path → weight), the default weight of their restore. */
    private final Map<List<String>, Double> cutWeights = new ConcurrentHashMap<>();
    /** Ordering of snapshots and applied changes: a restore to a snapshot older than a change re-applies it. */
    private long clock;
    /** When each snapshot still alive was taken (weak: a snapshot nobody holds can never be restored). */
    private final Map<Trainer.Snapshot, Long> snapshotTimes = new WeakHashMap<>();
    private final List<Applied> applied = new ArrayList<>();

    private record Applied(Change change, long time) {}

    // ------------------------------------------------------------------ changes

    /** The learning rate from the next step on. */
    public static Change learningRate(double lr) {
        if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("the learning rate must be a positive number, got " + lr);
        return new Change() {
            public String describe() {
                return String.format(Locale.ROOT, "learning rate %.4g", lr);
            }

            public void apply(Trainer t) {
                t.optimizer().setLearningRate(lr);
            }
        };
    }

    /** λ (the L1 coefficient) from the next step of a shrinking phase on. */
    public static Change lambda(double l1) {
        if (!(l1 >= 0) || !Double.isFinite(l1)) throw new IllegalArgumentException("λ must be a number at least 0, got " + l1);
        return new Change() {
            public String describe() {
                return String.format(Locale.ROOT, "λ %.4g", l1);
            }

            public void apply(Trainer t) {
                t.setLambda(l1);
            }

            public boolean waitsIn(Phase phase) {
                return phase.lambdaFixedAtZero();
            }
        };
    }

    /**
     * Cuts the soft link at a matrix path (rank 6) of {@code net}, with exactly its optimizer state.
     * The path is checked against {@code net} here, before anything is queued.
     */
    public Change cut(Network net, List<String> path) {
        List<String> p = checked(net, path);
        if (Ops.primal(net.softMatrix()).getIn(p).scalarPart() == 0) throw new IllegalArgumentException("there is no soft link " + linkName(p));
        return new Change() {
            public String describe() {
                return "cut " + linkName(p);
            }

            public void apply(Trainer t) {
                VValue w = t.weights();
                double x = w.getIn(p).scalarPart();
                if (x == 0) throw new IllegalArgumentException("there is no soft link " + linkName(p));
                VValue kept = w.dissocIn(p);
                t.replaceSoftMatrix(kept);
                t.optimizer().restrictTo(kept);
                cutWeights.put(p, x);
            }
        };
    }

    /**
     * Adds the soft link at a matrix path of {@code net} back, with weight {@code w} (NaN: the weight
     * it had when cut by hand); its optimizer state starts at zero. The path and the weight are
     * checked here, before anything is queued.
     */
    public Change restore(Network net, List<String> path, double w) {
        List<String> p = checked(net, path);
        if (!Double.isNaN(w) && (w == 0 || !Double.isFinite(w)))
            throw new IllegalArgumentException("a restored link needs a finite non-zero weight, got " + w);
        if (Double.isNaN(w) && !cutWeights.containsKey(p))
            throw new IllegalArgumentException("give a weight to restore " + linkName(p) + " (it was not cut by hand)");
        return new Change() {
            public String describe() {
                return "restore " + linkName(p);
            }

            public void apply(Trainer t) {
                double x = Double.isNaN(w) ? cutWeights.getOrDefault(p, Double.NaN) : w;
                if (Double.isNaN(x)) throw new IllegalArgumentException("give a weight to restore " + linkName(p) + " (it was not cut by hand)");
                if (x == 0 || !Double.isFinite(x)) throw new IllegalArgumentException("a restored link needs a finite non-zero weight, got " + x);
                VValue cur = t.weights();
                double old = cur.getIn(p).scalarPart();
                t.network().checkTypes(VValue.ZERO.assocIn(p, VValue.of(x)));
                t.replaceSoftMatrix(cur.assocIn(p, VValue.of(x)));
                if (old == 0) cutWeights.remove(p);
            }
        };
    }

    /** New values for the sparsification schedule's parameters (option names as in {@link Sparsifier.Schedule}), from its next round. */
    public Change schedule(Map<String, Object> settings) {
        Map<String, Object> given = new LinkedHashMap<>(settings);
        List<String> known = Settings.options(Sparsifier.Schedule.class);
        for (String k : given.keySet())
            if (!known.contains(k)) throw new IllegalArgumentException("the schedule has no parameter `" + k + "`; it has " + String.join(", ", known));
        Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS, given);   // checks the values
        return new Change() {
            public String describe() {
                return "schedule " + given;
            }

            public void apply(Trainer t) {
                synchronized (schedulePatch) {
                    schedulePatch.putAll(given);
                }
            }
        };
    }

    /** The path, checked against the network's declarations (an {@link IllegalArgumentException} naming what is wrong). */
    private static List<String> checked(Network net, List<String> path) {
        try {
            return List.copyOf(net.checkedLinkPath(path));
        } catch (MachineError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** {@code to.field <- from.output} for a rank-6 matrix path. */
    public static String linkName(List<String> p) {
        return p.size() == 6 ? p.get(1) + "." + p.get(2) + " <- " + p.get(4) + "." + p.get(5) : String.valueOf(p);
    }

    /** The links cut by hand and not restored since (matrix path → weight when cut). */
    public Map<List<String>, Double> cutLinks() {
        return Map.copyOf(cutWeights);
    }

    // ------------------------------------------------------------------ asking

    /** Queues a change; the training thread applies it at its next step boundary (at once when nothing trains: {@link #applyNow}). */
    public void submit(Change c) {
        queue.add(c);
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** The trainer waits at its next step boundary until {@link #resume}. */
    public void pause() {
        paused = true;
    }

    public void resume() {
        synchronized (lock) {
            paused = false;
            lock.notifyAll();
        }
    }

    public boolean isPaused() {
        return paused;
    }

    /** True while the training thread waits at a step boundary because of {@link #pause}. */
    public boolean isParked() {
        return parked;
    }

    /** The phase of the step in progress. */
    public Phase phase() {
        return phase;
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** Wakes a training thread waiting at a step boundary (to notice a cancellation). */
    public void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    // ------------------------------------------------------------------ the training thread's side

    /**
     * A step boundary of {@code t} in {@code phase}: applies the queued changes (those that may
     * apply in this phase), and waits here while paused — applying changes that arrive meanwhile —
     * until resumed or cancelled (the thread's token or the host's).
     */
    void boundary(Trainer t, Phase phase) {
        this.phase = phase;
        applyQueued(t);
        if (!paused) return;
        message("paused at step " + t.step());
        try {
            synchronized (lock) {
                parked = true;
                lock.notifyAll();
                while (paused) {
                    CancelToken.check(t.host.cancel());
                    try {
                        lock.wait(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new Cancelled();
                    }
                    if (!queue.isEmpty()) {
                        lock.notifyAll();
                        applyQueued(t);
                    }
                }
            }
        } finally {
            parked = false;
        }
        message("resumed at step " + t.step());
    }

    /** Applies every queued change now (the caller is the only one using the trainer: between runs). */
    public void applyNow(Trainer t) {
        applyQueued(t);
        for (Change c : queue) {   // λ waiting for a shrinking phase that never came: it applies now
            queue.remove(c);
            apply(t, c);
        }
    }

    private void applyQueued(Trainer t) {
        if (queue.isEmpty()) return;
        List<Change> waiting = new ArrayList<>();
        Change c;
        while ((c = queue.poll()) != null) {
            if (c.waitsIn(phase)) waiting.add(c);
            else apply(t, c);
        }
        queue.addAll(waiting);
    }

    /** Applies a change; one that fails leaves the trainer as it was before it (network, optimizer state, λ). */
    private void apply(Trainer t, Change c) {
        Trainer.Snapshot before = t.capture();
        try {
            c.apply(t);
        } catch (RuntimeException e) {
            t.putBack(before);
            message("not applied: " + c.describe() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return;
        }
        synchronized (applied) {
            applied.add(new Applied(c, ++clock));
            forgetUnreachable();
        }
        message("applied at step " + t.step() + ": " + c.describe());
    }

    void stepped(Trainer t, TrainLog.Row row) {
        for (Listener l : listeners) l.step(row, phase);
    }

    void message(String line) {
        for (Listener l : listeners) l.message(line);
    }

    /** A snapshot was taken (its time orders it against the changes applied). */
    void snapshotTaken(Trainer.Snapshot s) {
        synchronized (applied) {
            snapshotTimes.put(s, ++clock);
        }
    }

    /**
     * Drops the applied changes no snapshot still alive was taken before: no restore can need them
     * again. (Every change a live snapshot may need is kept, however many there are.)
     */
    private void forgetUnreachable() {
        long oldest = Long.MAX_VALUE;
        for (long time : snapshotTimes.values()) oldest = Math.min(oldest, time);
        final long keepAfter = oldest;
        applied.removeIf(a -> a.time() <= keepAfter);
    }

    /**
     * The trainer went back to {@code s}: the changes applied after {@code s} was taken are applied
     * again, in order. One that cannot apply to the older state (a cut of a link it does not have)
     * is reported, never dropped in silence, and leaves the trainer as it was.
     */
    void restored(Trainer t, Trainer.Snapshot s) {
        List<Change> again = new ArrayList<>();
        synchronized (applied) {
            long taken = snapshotTimes.getOrDefault(s, -1L);
            for (Applied a : applied) if (a.time() > taken) again.add(a.change());
        }
        for (Change c : again) {
            Trainer.Snapshot before = t.capture();
            try {
                c.apply(t);
            } catch (RuntimeException e) {
                t.putBack(before);
                message("back at step " + t.step() + ": " + c.describe() + " does not apply to that state ("
                        + (e.getMessage() == null ? e.toString() : e.getMessage()) + "); it stays undone");
            }
        }
    }

    /** The schedule with the parameters given while running (the sparsifier asks before each round). */
    Sparsifier.Schedule schedule(Sparsifier.Schedule s) {
        synchronized (schedulePatch) {
            if (schedulePatch.isEmpty()) return s;
            Map<String, Object> values = new LinkedHashMap<>();
            for (Settings.Setting x : Settings.of(Sparsifier.Schedule.class, s)) values.put(x.option(), x.defaultValue());
            values.putAll(schedulePatch);
            schedulePatch.clear();
            return Settings.with(Sparsifier.Schedule.class, s, values);
        }
    }
}
