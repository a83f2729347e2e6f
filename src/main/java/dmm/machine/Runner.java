package dmm.machine;

import dmm.cancel.CancelToken;
import dmm.cancel.Cancelled;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;

/**
 * A network running live on its own thread, at a rate or as fast as possible. Everything that
 * changes it — edits to links and weights, injected values, a new matrix — is queued and
 * applied at a cycle boundary, and neuron types are looked up afresh at every cycle, so a
 * redefinition takes effect at the next cycle and no cycle ever mixes two definitions.
 *
 * <p>A cycle that throws (say, after a bad redefinition) pauses the runner with the error
 * reported; the network keeps the state of the last good cycle and resumes from there.
 *
 * <p>The thread, named {@code dmm-runner-NAME}, checks its own {@link CancelToken} (not the
 * REPL's): {@link #stop} and {@link #pause} let a cycle in progress finish for a short grace,
 * then cancel it (a runaway neuron: an endless loop or recursion), discard it whole like a
 * failed cycle, and wait for the thread to end or pause.
 */
public final class Runner {
    /** What a watch prints: outputs or inputs of some neurons, every k cycles. */
    public record Watch(List<String> outputs, List<String> inputs, long every) {}

    /**
     * Where a runner reports to and what it needs from its owner (the language binding, or a Java
     * program): lines to show the user, the wording of errors and watch lines, the types that
     * matrix rows may bring to life, and the cancellation of the thread that waits on the runner.
     */
    public interface Host {
        /** Shows a line to the user (above the REPL's prompt). */
        void notify(String line);

        /** The report of an error that failed a cycle or an edit (with its place, when it has one). */
        default String describe(RuntimeException error) {
            return error.getMessage() == null ? error.toString() : error.getMessage();
        }

        /** What to add after "fix the definition and (resume! NAME)" when a neuron of this type failed ("" for nothing). */
        default String recoveryHint(String failedType) {
            return "";
        }

        /** The line a watch prints for this cycle. */
        default String watchLine(Network after, Watch watch) {
            return String.format(Locale.ROOT, "%5d", after.cycle());
        }

        /** The neuron types that matrix rows may bring to life. */
        default NeuronTypes types() {
            return NeuronTypes.NONE;
        }

        /** The cancellation of threads that wait on the runner without a token of their own (Ctrl-C), or null. */
        default CancelToken callerToken() {
            return null;
        }
    }

    private final Host host;
    private final Engine.Context context;
    private final String name;
    private volatile Network current;
    private volatile double rate;
    private volatile boolean paused;
    private volatile boolean stopped;
    private volatile String lastError;
    private volatile Watch watch;
    private final ConcurrentLinkedQueue<UnaryOperator<Network>> edits = new ConcurrentLinkedQueue<>();
    private final Object lock = new Object();
    private final Thread thread;
    /** The cycle at which to pause by itself (for scripted sessions), or -1. */
    private volatile long pauseAt = -1;
    /** The last cycle whose watch line has been printed: await waits for it, so output stays in order. */
    private volatile long reported;
    /** The cancellation checked by everything this runner's thread evaluates. */
    private final CancelToken cancel = new CancelToken();
    /** True while the thread waits paused; guarded by {@link #lock}. */
    private boolean parked;
    /** True once the thread has left its loop; guarded by {@link #lock}. */
    private boolean finished;
    /** How long stop and pause let a cycle in progress finish before cancelling it. */
    static final long GRACE_MILLIS = 250;
    /** How long they then wait for the cancelled cycle to end (the evaluator checks often: milliseconds). */
    static final long CANCEL_WAIT_MILLIS = 5000;
    /** Waits for the runner wake up this often to notice a cancel request of the waiting thread (Ctrl-C). */
    private static final long SLICE_MILLIS = 50;

    Runner(Host host, Network net, double rate) {
        this.host = host;
        this.context = new Engine.Context(host.types(), null);
        this.name = net.name();
        this.current = net;
        this.reported = net.cycle();
        this.rate = rate;
        this.thread = new Thread(this::loop, "dmm-runner-" + name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    public String name() {
        return name;
    }

    /** The network as of the last completed cycle (an immutable snapshot). */
    public Network current() {
        return current;
    }

    public boolean isPaused() {
        return paused;
    }

    public boolean isStopped() {
        return stopped;
    }

    /** The report of the error that paused the runner, or null. */
    public String lastError() {
        return lastError;
    }

    public void setRate(double r) {
        rate = r;
    }

    /** Queues an edit; it is applied before the next cycle (also while paused, on resume). */
    public void edit(UnaryOperator<Network> change) {
        edits.add(change);
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /**
     * Pauses at the next cycle boundary and waits until the runner has paused. A cycle still
     * running after {@link #GRACE_MILLIS} is cancelled and discarded: the network keeps its last
     * completed cycle. A cancel request of the caller (Ctrl-C) ends the wait; the pause stands.
     */
    public void pause() {
        synchronized (lock) {
            paused = true;
            lock.notifyAll();
        }
        settle(true);
    }

    /** Pauses by itself after completing cycle {@code cycle} (-1: never). */
    public void pauseAt(long cycle) {
        pauseAt = cycle;
    }

    public void resume() {
        synchronized (lock) {
            cancel.clear();
            lastError = null;
            paused = false;
            lock.notifyAll();
        }
    }

    /**
     * Stops the thread at the next cycle boundary and waits until it has ended; a cycle still
     * running after {@link #GRACE_MILLIS} is cancelled and discarded. A cancel request of the
     * caller (Ctrl-C) ends the wait, but the runner still stops.
     */
    public void stop() {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
        settle(false);
    }

    /** True once the runner's thread has ended. */
    public boolean isFinished() {
        synchronized (lock) {
            return finished;
        }
    }

    /** The name of the runner's thread ({@code dmm-runner-NAME}). */
    public String threadName() {
        return thread.getName();
    }

    /** Waits until the thread has paused (or ended); cancels its cycle or edit if it takes longer than the grace. */
    private void settle(boolean forPause) {
        if (Thread.currentThread() == thread) return; // a neuron or edit paused or stopped its own network
        boolean done = false;
        try {
            done = awaitSettled(forPause, GRACE_MILLIS);
        } finally {
            // also when the caller was cancelled while waiting: a runaway cycle must not outlive stop!
            if (!done) {
                synchronized (lock) {
                    if (!finished && !parked) cancel.request();
                }
            }
        }
        if (!done && !awaitSettled(forPause, CANCEL_WAIT_MILLIS)) {
            host.notify("[" + name + "] is still inside a cycle after " + (CANCEL_WAIT_MILLIS / 1000) + " s (a long computation that"
                    + " does not check for cancellation); it will " + (forPause ? "pause" : "stop") + " when that cycle ends");
            return;
        }
        if (!forPause) {
            // `finished` is set in the thread's last lines: wait for the thread itself to end
            try {
                thread.join(CANCEL_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean awaitSettled(boolean forPause, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        synchronized (lock) {
            while (!finished && !(forPause && (parked || !paused))) {
                CancelToken.check(host.callerToken());
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                waitSlice(left);
            }
            return true;
        }
    }

    /** One slice of a wait on {@link #lock} (held), short enough to notice the caller's Ctrl-C promptly. */
    private void waitSlice(long leftNanos) {
        try {
            lock.wait(Math.max(1, Math.min(SLICE_MILLIS, leftNanos / 1_000_000)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cancelled();
        }
    }

    public void setWatch(Watch w) {
        watch = w;
    }

    /**
     * Waits until at least {@code cycle} cycles have run (or the runner pauses or stops); for tests
     * and scripts. A cancel request of the calling thread (Ctrl-C in the REPL) ends the wait with
     * {@link Cancelled}; the network keeps running.
     */
    public boolean awaitCycle(long cycle, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        synchronized (lock) {
            while (reported < cycle && !paused && !stopped) {
                CancelToken.check(host.callerToken());
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                lock.wait(Math.max(1, Math.min(SLICE_MILLIS, left / 1_000_000)));
            }
        }
        return current.cycle() >= cycle;
    }

    private void applyEdits() {
        UnaryOperator<Network> e;
        while ((e = edits.poll()) != null) {
            try {
                current = e.apply(current);
            } catch (Cancelled ex) {
                host.notify("[" + name + "] edit cancelled; the network is unchanged");
            } catch (RuntimeException ex) {
                host.notify("[" + name + "] edit rejected: " + host.describe(ex));
            }
        }
    }

    private void loop() {
        CancelToken.bind(cancel);
        try {
            cycles();
        } finally {
            synchronized (lock) {
                finished = true;
                cancel.clear();
                lock.notifyAll();
            }
            CancelToken.bind(null);
        }
    }

    private void cycles() {
        long next = System.nanoTime();
        while (!stopped) {
            if (paused) {
                synchronized (lock) {
                    cancel.clear(); // a request that came after the last cycle has nothing left to cancel
                }
            }
            applyEdits();
            if (paused) {
                if (!park()) return;
                next = System.nanoTime();
                continue;
            }
            if (!cycleOnce()) continue;
            synchronized (lock) {
                lock.notifyAll();
            }
            next = keepRate(next);
            if (next < 0) return;
        }
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** Waits while paused (edits wake it to be applied); false when interrupted. */
    private boolean park() {
        synchronized (lock) {
            parked = true;
            cancel.clear();
            lock.notifyAll();
            try {
                while (paused && !stopped && edits.isEmpty()) lock.wait();
                return true;
            } catch (InterruptedException ie) {
                return false;
            } finally {
                parked = false;
            }
        }
    }

    /** Runs one cycle; false when it did not complete (cancelled, or failed: the network keeps the cycle before). */
    private boolean cycleOnce() {
        Network before = current;
        String[] failedType = new String[1];
        try {
            Network after = Engine.step(before, context, failedType);
            current = after;
            report(after);
            if (after.cycle() == pauseAt) paused = true;
            reported = after.cycle();
            return true;
        } catch (Cancelled c) {
            // stop! or pause! cancelled a cycle that did not finish in time: discard it whole
            host.notify("[" + name + "] " + (stopped ? "stopped" : "paused") + " during cycle " + (before.cycle() + 1)
                    + ", which was discarded; the network keeps cycle " + before.cycle());
            paused = true;
        } catch (RuntimeException ex) {
            fail(before, host.describe(ex), failedType[0]);
        } catch (StackOverflowError ex) {
            fail(before, "stack overflow (recursion too deep)", failedType[0]);
        } catch (OutOfMemoryError ex) {
            fail(before, "out of memory in cycle " + (before.cycle() + 1) + " (the Java heap is limited to "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MB; allow more with DMM_JAVA_OPTS=-Xmx...)", failedType[0]);
        }
        return false;
    }

    /** Sleeps until the next cycle is due at the set rate (none: yields); the new due time, or -1 when interrupted. */
    private long keepRate(long next) {
        double r = rate;
        if (r <= 0) {
            Thread.yield();
            return next;
        }
        next += (long) (1e9 / r);
        long sleep = next - System.nanoTime();
        if (sleep <= 0) return System.nanoTime();
        synchronized (lock) {
            try {
                lock.wait(sleep / 1_000_000, (int) (sleep % 1_000_000));
            } catch (InterruptedException ie) {
                return -1;
            }
        }
        return next;
    }

    private void fail(Network before, String report, String failedType) {
        lastError = report;
        String restore = failedType == null ? "" : host.recoveryHint(failedType);
        host.notify("[" + name + "] paused at cycle " + (before.cycle() + 1) + " (the network keeps cycle " + before.cycle()
                + "):\n" + report + "\n  fix the definition and (resume! " + name + ")" + restore);
        paused = true;
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    private void report(Network after) {
        Watch w = watch;
        if (w == null || after.cycle() % w.every() != 0) return;
        String line;
        try {
            line = host.watchLine(after, w);
        } catch (RuntimeException e) {
            line = String.format(Locale.ROOT, "%5d  (watch: %s)", after.cycle(), host.describe(e));
        }
        host.notify("[" + name + "] " + line);
    }

    @Override
    public String toString() {
        return "#<runner " + name + ": cycle " + current.cycle() + (stopped ? ", stopped" : paused ? ", paused" : ", running")
                + (rate > 0 ? String.format(Locale.ROOT, " at %.3g/s", rate) : " flat out") + ">";
    }

    /** The runners of one interpreter, by network name. */
    public static final class Registry {
        private final Map<String, Runner> runners = new ConcurrentHashMap<>();

        public Runner get(String name) {
            return runners.get(name);
        }

        /** Starts {@code net} on a thread of its own (watch may be null; pauseAt -1: never). */
        public Runner start(Host host, Network net, double rate, Watch watch, long pauseAt) {
            Runner old = runners.get(net.name());
            if (old != null && !old.isStopped())
                throw new MachineError("network `" + net.name() + "` is already running; (stop! " + net.name() + ") first");
            Runner r = new Runner(host, net, rate);
            r.setWatch(watch);
            r.pauseAt(pauseAt);
            runners.put(net.name(), r);
            r.start();
            return r;
        }

        public List<Runner> all() {
            List<Runner> out = new ArrayList<>(runners.values());
            out.removeIf(Runner::isStopped);
            out.sort(Comparator.comparing(Runner::name));
            return out;
        }

        public void stopAll() {
            for (Runner r : runners.values()) r.stop();
        }
    }
}
