package dmm.machine;

import dmm.lang.Cancelled;
import dmm.lang.DmmException;
import dmm.lang.Interpreter;
import dmm.lang.Printer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 */
public final class Runner {
    /** What a watch prints: outputs or inputs of some neurons, every k cycles. */
    record Watch(List<String> outputs, List<String> inputs, long every) {}

    private final Interpreter interp;
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

    Runner(Interpreter interp, Network net, double rate) {
        this.interp = interp;
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

    public void pause() {
        paused = true;
    }

    /** Pauses by itself after completing cycle {@code cycle} (-1: never). */
    public void pauseAt(long cycle) {
        pauseAt = cycle;
    }

    public void resume() {
        lastError = null;
        paused = false;
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** Stops the thread after the current cycle and waits for it. */
    public void stop() {
        stopped = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void setWatch(Watch w) {
        watch = w;
    }

    /** Waits until at least {@code cycle} cycles have run (or the runner pauses or stops); for tests and scripts. */
    public boolean awaitCycle(long cycle, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (lock) {
            while (reported < cycle && !paused && !stopped) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) return false;
                lock.wait(left);
            }
        }
        return current.cycle() >= cycle;
    }

    private void applyEdits() {
        UnaryOperator<Network> e;
        while ((e = edits.poll()) != null) {
            try {
                current = e.apply(current);
            } catch (DmmException ex) {
                interp.notify("[" + name + "] edit rejected: " + ex.report());
            } catch (RuntimeException ex) {
                interp.notify("[" + name + "] edit rejected: " + ex);
            }
        }
    }

    private void loop() {
        long next = System.nanoTime();
        while (!stopped) {
            applyEdits();
            if (paused) {
                synchronized (lock) {
                    lock.notifyAll();
                    while (paused && !stopped && edits.isEmpty()) {
                        try {
                            lock.wait();
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
                next = System.nanoTime();
                continue;
            }
            Network before = current;
            try {
                Network after = Engine.step(before, interp);
                current = after;
                report(after);
                if (after.cycle() == pauseAt) paused = true;
                reported = after.cycle();
            } catch (Cancelled c) {
                paused = true;
                continue;
            } catch (DmmException ex) {
                fail(before, ex.report());
                continue;
            } catch (RuntimeException | StackOverflowError ex) {
                fail(before, ex.toString());
                continue;
            }
            synchronized (lock) {
                lock.notifyAll();
            }
            double r = rate;
            if (r > 0) {
                next += (long) (1e9 / r);
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    synchronized (lock) {
                        try {
                            lock.wait(sleep / 1_000_000, (int) (sleep % 1_000_000));
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                } else next = System.nanoTime();
            } else Thread.yield();
        }
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    private void fail(Network before, String report) {
        lastError = report;
        interp.notify("[" + name + "] paused at cycle " + (before.cycle() + 1) + " (the network keeps cycle " + before.cycle()
                + "):\n" + report + "\n  fix the definition and (resume! " + name + "), or (restore! 'TYPE) to bring back the previous one");
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
            line = MachineLib.watchLine(after, w.outputs(), w.inputs());
        } catch (DmmException e) {
            line = String.format(Locale.ROOT, "%5d  (watch: %s)", after.cycle(), e.bareMessage());
        }
        interp.notify("[" + name + "] " + line);
    }

    @Override
    public String toString() {
        return "#<runner " + name + ": cycle " + current.cycle() + (stopped ? ", stopped" : paused ? ", paused" : ", running")
                + (rate > 0 ? String.format(Locale.ROOT, " at %.3g/s", rate) : " flat out") + ">";
    }

    /** The runners of one interpreter, by network name. */
    public static final class Registry {
        private final java.util.Map<String, Runner> runners = new java.util.concurrent.ConcurrentHashMap<>();

        public Runner get(String name) {
            return runners.get(name);
        }

        Runner start(Interpreter interp, Network net, double rate, Watch watch, long pauseAt) {
            Runner old = runners.get(net.name());
            if (old != null && !old.isStopped())
                throw new dmm.lang.EvalError("network `" + net.name() + "` is already running; (stop! " + net.name() + ") first");
            Runner r = new Runner(interp, net, rate);
            r.setWatch(watch);
            r.pauseAt(pauseAt);
            runners.put(net.name(), r);
            r.start();
            return r;
        }

        public List<Runner> all() {
            List<Runner> out = new ArrayList<>(runners.values());
            out.removeIf(Runner::isStopped);
            out.sort(java.util.Comparator.comparing(Runner::name));
            return out;
        }

        public void stopAll() {
            for (Runner r : runners.values()) r.stop();
        }
    }
}
