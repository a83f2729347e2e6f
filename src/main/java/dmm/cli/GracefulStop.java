package dmm.cli;

import dmm.bind.TrainRuns;
import dmm.cancel.Cancelled;
import dmm.lang.Interpreter;
import dmm.train.TrainRun;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How {@code dmm run} and {@code dmm eval} end when asked to by a signal (SIGTERM, SIGHUP — a
 * closed terminal — or SIGINT): like Ctrl-C in the REPL, training stops at its next step
 * boundary and writes its checkpoint, log and plot, background runs likewise, and only then does
 * the process exit (with the signal's status, 143 for SIGTERM). A JVM shutdown hook does this:
 * it asks the program's interpreter to cancel, stops its background runs, and waits for the
 * program's thread to finish its writes (bounded, so a wedged program still exits).
 *
 * <p>Also: a program that ends while training runs it started in the background are still going
 * is not cut short — {@link #awaitBackgroundRuns} waits for them, saying so.
 */
final class GracefulStop {
    /** How long a signal waits for the writes of the step in progress. */
    static final long WRITE_SECONDS = 120;

    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Interpreter interp;
    /** True for a program (dmm run, eval): its thread ends once stopped. False for the REPL, which waits at its prompt. */
    private volatile boolean program;
    private final PrintStream err;

    private GracefulStop(PrintStream err) {
        this.err = err;
    }

    /** Installs the shutdown hook for this process; {@link #finished()} must be called when the program's thread is done. */
    static GracefulStop install(PrintStream err) {
        GracefulStop g = new GracefulStop(err);
        Runtime.getRuntime().addShutdownHook(new Thread(g::onSignal, "dmm-graceful-stop"));
        return g;
    }

    /** The interpreter of the program or REPL that is running (what a signal cancels). */
    void running(Interpreter i, boolean program) {
        this.program = program;
        this.interp = i;
    }

    /** The program's thread is done (its writes too): the hook has nothing to wait for. */
    void finished() {
        finished.countDown();
    }

    private void onSignal() {
        if (finished.getCount() == 0) return;   // an ordinary exit
        Interpreter i = interp;
        if (i == null) return;
        err.println("dmm: stopping at the next step boundary (the process was asked to end); writing checkpoints, logs and plots ...");
        err.flush();
        for (TrainRun r : TrainRuns.runs(i).all()) {
            try {
                r.stop(0);   // asks; the program's thread waits for the run's writes
            } catch (RuntimeException e) {
                // a run that cannot be asked (ended meanwhile) has nothing to write
            }
        }
        if (i.isRunning()) i.requestCancel();
        try {
            // a program's thread ends once stopped; the REPL returns to its prompt, where it waits for no one
            long deadline = System.nanoTime() + WRITE_SECONDS * 1_000_000_000L;
            while (!finished.await(50, TimeUnit.MILLISECONDS)) {
                if (!program && !i.isRunning() && TrainRuns.runs(i).all().stream().allMatch(TrainRun::isFinished)) return;
                if (System.nanoTime() > deadline) {
                    err.println("dmm: the program did not stop within " + WRITE_SECONDS + " s; exiting without waiting for it");
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for the background training runs {@code interp} started that are still going (a
     * program's last form was {@code (train! tr N :background true)}, say), printing one line first.
     * Returns false when the wait was cancelled (the runs were stopped at a step boundary).
     */
    static boolean awaitBackgroundRuns(Interpreter interp, PrintStream out) {
        List<TrainRun> going = TrainRuns.runs(interp).all().stream().filter(r -> !r.isFinished()).toList();
        if (going.isEmpty()) return true;
        out.println("dmm: waiting for " + going.size() + " background training run" + (going.size() == 1 ? "" : "s")
                + " started by the program (" + String.join(", ", going.stream().map(TrainRun::name).toList())
                + "); Ctrl-C or a signal stops " + (going.size() == 1 ? "it" : "them") + " at a step boundary");
        out.flush();
        try {
            for (TrainRun r : going) r.await(Long.MAX_VALUE / 4_000_000L);
            return true;
        } catch (Cancelled c) {
            // Ctrl-C or a signal: stop them at their step boundaries and wait for their writes
            for (TrainRun r : going) r.stop(WRITE_SECONDS * 1000);
            return false;
        }
    }
}
