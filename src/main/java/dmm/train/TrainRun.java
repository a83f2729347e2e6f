package dmm.train;

import dmm.cancel.CancelToken;
import dmm.cancel.Cancelled;
import dmm.machine.Network;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A training run in the background: a job ({@code train}, {@code sparsify}) on a trainer, on a
 * thread of its own ({@code dmm-train-NAME}) with its own {@link CancelToken}, so the REPL stays
 * free while it trains, and Ctrl-C in the REPL does not touch it. It is steered through the
 * trainer's {@link TrainControl} (pause, resume, new learning rate, λ, schedule, links; all
 * applied at step boundaries) and stopped by {@link #stop}, which cancels at the next step
 * boundary: the trainer keeps its last completed step and writes its checkpoint as after Ctrl-C.
 *
 * <p>Its progress lines and messages go to a line sink (above the REPL's prompt), and it keeps a
 * bounded history of its steps for viewers (the browser view), which read it from their own
 * threads and never block the training thread.
 */
public final class TrainRun {
    /** What a run does with its trainer on the background thread. */
    @FunctionalInterface
    public interface Job {
        void run(Trainer t);
    }

    public enum Status {
        RUNNING, PAUSED, DONE, STOPPED, FAILED;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One step in the history: its sequence number (steps seen by the run, trial steps included), phase and log row. */
    public record Point(long seq, Phase phase, TrainLog.Row row) {}

    /** The history keeps at most this many points; beyond, it keeps every other one (and records every other step from then on). */
    static final int MAX_POINTS = 20_000;
    /** At most this many messages are kept for viewers. */
    static final int MAX_MESSAGES = 100;
    /** An in-place progress line (a terminal's) goes above the prompt at most this often. */
    static final long PROGRESS_NANOS = 2_000_000_000L;

    private final int id;
    private final String name;
    private final String kind;
    private final Trainer trainer;
    private final Job job;
    private final Consumer<String> notify;
    private final Function<RuntimeException, String> describe;
    private final long target;
    private final CancelToken cancel = new CancelToken();
    private final Thread thread;
    private final Object lock = new Object();
    private volatile Status status = Status.RUNNING;
    private volatile String error;
    private volatile boolean stopRequested;
    private volatile Network latest;
    private volatile int round = -1, accepted;
    private volatile double threshold = Double.NaN;
    private volatile long startStep;
    private final List<Point> history = new ArrayList<>();
    private final ArrayDeque<String> messages = new ArrayDeque<>();
    private long seq;
    private int stride = 1;
    private final TrainControl.Listener listener;

    /**
     * A run of {@code job} on {@code trainer} (not started): {@code notify} shows lines to the user
     * (prefixed with the run's name), {@code describe} words an error; {@code target} is the number
     * of steps the job means to take (0: unknown, as for a sparsification).
     */
    public TrainRun(int id, String name, String kind, Trainer trainer, long target, Job job, Consumer<String> notify,
            Function<RuntimeException, String> describe) {
        this.id = id;
        this.name = name;
        this.kind = kind;
        this.trainer = trainer;
        this.target = target;
        this.job = job;
        this.notify = notify;
        this.describe = describe;
        this.latest = trainer.network();
        this.listener = new TrainControl.Listener() {
            @Override
            public void step(TrainLog.Row row, Phase phase) {
                recorded(row, phase);
            }

            @Override
            public void message(String line) {
                latest = trainer.network();   // a change applied (perhaps while paused): viewers see it at once
                say(line);
            }
        };
        this.thread = new Thread(null, this::body, "dmm-train-" + name, BatchLoss.STACK_BYTES);   // deep item losses run here too
        thread.setDaemon(true);
    }

    /** Starts the run (the trainer must not be running already). */
    public TrainRun start() {
        TrainRun other = trainer.attachRun(this);
        if (other != null)
            throw new TrainingError("the trainer of " + name + " is already training in the background (run " + other.id + "); pause, stop or await it first");
        startStep = trainer.step();
        trainer.control().addListener(listener);
        thread.start();
        return this;
    }

    /** The background run using {@code t} now (running or paused), or null. */
    public static TrainRun of(Trainer t) {
        TrainRun r = t.run();
        return r == null || r.isFinished() ? null : r;
    }


    private void body() {
        CancelToken.bind(cancel);
        trainer.reportTo(new Output());
        Status result;
        String end;
        try {
            job.run(trainer);
            result = Status.DONE;
            end = "done";
        } catch (Cancelled e) {
            result = Status.STOPPED;
            end = "stopped";
        } catch (RuntimeException e) {
            result = Status.FAILED;
            error = describe.apply(e);
            end = "failed: " + error;
        } catch (StackOverflowError e) {
            result = Status.FAILED;
            error = "stack overflow (recursion too deep)";
            end = "failed: " + error;
        } finally {
            trainer.reportTo(null);
            CancelToken.bind(null);
            cancel.clear();
            trainer.control().removeListener(listener);
        }
        synchronized (lock) {
            trainer.control().applyNow(trainer);   // changes that arrived after the last step
            trainer.control().resume();             // a pause asked for after the last step has nothing left to pause
            latest = trainer.network();
            status = result;
            lock.notifyAll();
        }
        say(String.format(Locale.ROOT, "%s %s at step %d: %d soft links, λ %.4g, lr %.4g", kind, end, trainer.step(),
                latest.softLinkCount(), trainer.lambda(), trainer.optimizer().learningRate()));
    }

    private void recorded(TrainLog.Row row, Phase phase) {
        latest = trainer.network();
        Sparsifier.Position p = trainer.sparsification();
        if (p != null) {
            round = p.rounds;
            accepted = p.accepted;
            threshold = p.threshold;
        }
        synchronized (history) {
            seq++;
            if (seq % stride != 0) return;
            history.add(new Point(seq, phase, row));
            if (history.size() >= MAX_POINTS) {
                List<Point> kept = new ArrayList<>(MAX_POINTS / 2 + 1);
                for (int i = 0; i < history.size(); i += 2) kept.add(history.get(i));
                history.clear();
                history.addAll(kept);
                stride *= 2;
            }
        }
    }

    private void say(String line) {
        synchronized (messages) {
            messages.addLast(line);
            if (messages.size() > MAX_MESSAGES) messages.removeFirst();
        }
        notify.accept("[" + name + "] " + line);
    }

    // ------------------------------------------------------------------ steering

    /** Pauses at the next step boundary (returns at once; {@link #isParked} says when it has paused). */
    public void pause() {
        if (isFinished()) return;
        trainer.control().pause();
    }

    public void resume() {
        if (isFinished()) return;
        trainer.control().resume();
    }

    /** Stops at the next step boundary (a step in progress is cancelled and discarded) and waits up to {@code millis} for the thread to end. */
    public boolean stop(long millis) {
        stopRequested = true;
        if (!isFinished()) {
            cancel.request();
            trainer.control().wake();
        }
        return await(millis);
    }

    /** Waits up to {@code millis} for the run to end; true when it has. A cancel request of the waiting thread (Ctrl-C) ends the wait. */
    public boolean await(long millis) {
        if (Thread.currentThread() == thread) return false;
        long deadline = System.nanoTime() + millis * 1_000_000L;
        CancelToken caller = trainer.host.cancel();
        synchronized (lock) {
            while (!isFinished()) {
                CancelToken.check(caller);
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                try {
                    lock.wait(Math.max(1, Math.min(50, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Cancelled();
                }
            }
        }
        try {
            thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cancelled();
        }
        return !thread.isAlive();
    }

    /** Queues a change (applied at the next step boundary; at once by the waiting thread when paused). */
    public void submit(TrainControl.Change c) {
        synchronized (lock) {
            if (isFinished()) {
                c.apply(trainer);
                say("applied: " + c.describe());
                return;
            }
            trainer.control().submit(c);
        }
    }

    // ------------------------------------------------------------------ reading (any thread)

    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String kind() {
        return kind;
    }

    public Trainer trainer() {
        return trainer;
    }

    public Status status() {
        Status s = status;
        return s == Status.RUNNING && trainer.control().isPaused() ? Status.PAUSED : s;
    }

    public boolean isFinished() {
        Status s = status;
        return s != Status.RUNNING;
    }

    /** True when the run waits paused at a step boundary. */
    public boolean isParked() {
        return trainer.control().isParked();
    }

    /** The report of the error that ended the run, or null. */
    public String error() {
        return error;
    }

    /** The trained network as of the last completed step. */
    public Network network() {
        return latest;
    }

    /** The steps the job means to take (0: unknown). */
    public long target() {
        return target;
    }

    public long startStep() {
        return startStep;
    }

    /** The sparsification round in progress (-1: none), the rounds accepted and the current threshold. */
    public int round() {
        return round;
    }

    public int acceptedRounds() {
        return accepted;
    }

    public double threshold() {
        return threshold;
    }

    public Phase phase() {
        return trainer.control().phase();
    }

    public String threadName() {
        return thread.getName();
    }

    /** The points of the history after sequence number {@code after} (at most {@code max}, the latest ones). */
    public List<Point> historyAfter(long after, int max) {
        synchronized (history) {
            int i = history.size();
            while (i > 0 && history.get(i - 1).seq() > after) i--;
            int from = Math.max(i, history.size() - max);
            return new ArrayList<>(history.subList(from, history.size()));
        }
    }

    /** The last point, or null. */
    public Point last() {
        synchronized (history) {
            return history.isEmpty() ? null : history.get(history.size() - 1);
        }
    }

    /** The latest messages (at most {@link #MAX_MESSAGES}). */
    public List<String> messages() {
        synchronized (messages) {
            return new ArrayList<>(messages);
        }
    }

    @Override
    public String toString() {
        Point p = last();
        long step = p == null ? trainer.step() : p.row().step();
        return "#<training " + id + " " + name + " (" + kind + "): " + status().word() + ", step " + step
                + (target > 0 ? " of " + (startStep + target) : "") + ", " + latest.softLinkCount() + " soft links>";
    }

    // ------------------------------------------------------------------ text of the run

    /**
     * The trainer's text while this run runs it: messages kept and shown above the REPL's prompt;
     * a progress line drawn in place at most every {@link #PROGRESS_NANOS} (its last state at the
     * end of the steps), a progress line of its own as it comes.
     */
    private final class Output implements TrainOutput {
        private long lastShown = System.nanoTime() - PROGRESS_NANOS;
        private String unshown;

        @Override
        public void message(String line) {
            say(line);
        }

        @Override
        public void progress(String line, boolean inPlace) {
            long now = System.nanoTime();
            if (inPlace && now - lastShown < PROGRESS_NANOS) {
                unshown = line;
                return;
            }
            lastShown = now;
            unshown = null;
            say(line);
        }

        @Override
        public void progressEnd() {
            if (unshown != null) say(unshown);
            unshown = null;
        }

        @Override
        public boolean terminal() {
            return trainer.host.output().terminal();
        }
    }
}
