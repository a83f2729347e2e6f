package dmm.machine;

import dmm.bind.MachineLib;
import static org.junit.jupiter.api.Assertions.*;

import dmm.cancel.Cancelled;
import dmm.lang.Interpreter;
import dmm.lang.Printer;
import dmm.repl.Repl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A neuron type redefined as an endless loop while its network runs live: stop!, pause! and
 * Ctrl-C of the REPL get control back, the network keeps its last good cycle, and no runner
 * thread is left spinning.
 */
class RunawayNeuronTest {
    private static final String THREAD = "dmm-runner-runaway";
    private final Interpreter interp = new Interpreter();
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());

    RunawayNeuronTest() {
        interp.setOut(new PrintStream(new ByteArrayOutputStream()));
        interp.setNotifier(notes::add);
        MachineLib.install(interp);
        interp.eval("setup", """
            (require std)
            (defneuron beat "Beats 1 every cycle." [] {:beat 1})
            (defnet runaway
              (neurons p beat, acc accum)
              (accumulators acc)
              (links acc.delta <- p.beat))
            """);
    }

    @AfterEach
    void stopAll() {
        interp.clearCancel();
        MachineLib.runners(interp).stopAll();
    }

    private Object eval(String text) {
        return interp.eval("t", text);
    }

    /** Starts the network, lets it run some cycles, then redefines its neuron type as an endless loop. */
    private Runner startRunaway() throws Exception {
        Runner r = (Runner) eval("(start! runaway :rate 0)");
        assertEquals(THREAD, r.threadName());
        assertTrue(r.awaitCycle(20, 10_000));
        // the user's runaway, which first marks that it has started (so the test knows the cycle is stuck)
        eval("(defneuron beat [] (do (def runaway-entered true) (loop [i 0] (recur (+ i 1)))))");
        for (int i = 0; i < 500 && !interp.varFor("runaway-entered").isBound(); i++) Thread.sleep(10);
        assertTrue(interp.varFor("runaway-entered").isBound(), "the redefined neuron runs");
        long stuck = r.current().cycle();
        Thread.sleep(100);
        assertEquals(stuck, r.current().cycle(), "the redefined neuron never finishes a cycle");
        return r;
    }

    private static List<Thread> liveRunnerThreads() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet())
            if (t.getName().equals(THREAD) && t.isAlive()) out.add(t);
        return out;
    }

    /** Waits (generously) until no runner thread of the network is alive any more. */
    private static void assertNoRunnerThreadWithin(Duration d) throws InterruptedException {
        long deadline = System.nanoTime() + d.toNanos();
        while (!liveRunnerThreads().isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(List.of(), liveRunnerThreads(), "no runner thread survives");
    }

    @Test
    void stopEndsARunawayCycleKeepsTheLastGoodCycleAndLeavesNoThread() throws Exception {
        Runner r = startRunaway();
        Network kept = r.current();
        long t0 = System.nanoTime();
        Network returned = (Network) eval("(stop! runaway)");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 1, "stop! took " + seconds + " s (the issue: within a second; the grace is 250 ms)");
        assertSame(kept, returned, "stop! returns the network as of its last good cycle");
        assertSame(kept, r.current());
        assertEquals(Printer.print(kept.outputOf("acc")), Printer.print(returned.outputOf("acc")));
        assertTrue(r.isFinished());
        assertEquals(List.of(), liveRunnerThreads(), "the runner thread has ended when stop! returns");
        assertEquals(List.of("[runaway] stopped during cycle " + (kept.cycle() + 1) + ", which was discarded; the network keeps cycle "
                + kept.cycle()), notes);
    }

    @Test
    void pauseCancelsTheRunawayCycleThenTheTypeCanBeRedefinedAndResumed() throws Exception {
        Runner r = startRunaway();
        Network kept = r.current();
        long t0 = System.nanoTime();
        eval("(pause! runaway)");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 1, "pause! took " + seconds + " s (the issue: within a second; the grace is 250 ms)");
        assertTrue(r.isPaused());
        assertSame(kept, r.current(), "paused at the last good cycle");
        assertEquals(List.of("[runaway] paused during cycle " + (kept.cycle() + 1) + ", which was discarded; the network keeps cycle "
                + kept.cycle()), notes);

        // the paused thread waits; it does not spin
        List<Thread> threads = liveRunnerThreads();
        assertEquals(1, threads.size());
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long id = threads.get(0).getId();
        long cpu0 = mx.getThreadCpuTime(id);
        Thread.sleep(500);
        long cpuMillis = (mx.getThreadCpuTime(id) - cpu0) / 1_000_000;
        assertTrue(cpuMillis < 100, "the paused runner used " + cpuMillis + " ms of CPU in 500 ms");

        // fix the type and resume from the last good cycle: beats of 10 now
        eval("(defneuron beat [] {:beat 10})");
        eval("(resume! runaway)");
        assertTrue(r.awaitCycle(kept.cycle() + 5, 10_000));
        assertFalse(r.isPaused());
        eval("(stop! runaway)");
        assertNoRunnerThreadWithin(Duration.ofSeconds(5));
    }

    @Test
    void pauseThenStopLeavesNoThread() throws Exception {
        Runner r = startRunaway();
        Network kept = r.current();
        eval("(pause! runaway)");
        assertTrue(r.isPaused());
        assertEquals(1, liveRunnerThreads().size(), "a paused runner keeps its thread");
        Network returned = (Network) eval("(stop! runaway)");
        assertSame(kept, returned);
        assertEquals(List.of(), liveRunnerThreads());
    }

    @Test
    void resumingTheRunawayRunsTheLoopAgainAndStopStillEndsIt() throws Exception {
        Runner r = startRunaway();
        Network kept = r.current();
        eval("(pause! runaway)");
        eval("(resume! runaway)");
        Thread.sleep(300);
        assertFalse(r.isPaused(), "resumed: the runaway cycle runs again");
        assertSame(kept, r.current());
        eval("(stop! runaway)");
        assertSame(kept, r.current());
        assertEquals(List.of(), liveRunnerThreads());
    }

    @Test
    void ctrlCWhileStopWaitsStillStopsTheRunner() throws Exception {
        Runner r = startRunaway();
        Network kept = r.current();
        // Ctrl-C reaches the REPL's thread (its signal handler calls requestCancel) before stop! is done
        interp.requestCancel();
        assertThrows(Cancelled.class, () -> eval("(stop! runaway)"));
        assertNoRunnerThreadWithin(Duration.ofSeconds(5));
        assertSame(kept, r.current());
    }

    @Test
    void awaitYieldsToCtrlCOfTheRepl() throws Exception {
        Runner r = startRunaway();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Repl repl = new Repl(interp, out, out);
        // the REPL's Ctrl-C: a signal handler on another thread calls requestCancel
        Thread ctrlC = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            interp.requestCancel();
        });
        ctrlC.start();
        long t0 = System.nanoTime();
        int status = repl.handle("(await runaway 1000000 600)");
        double seconds = (System.nanoTime() - t0) / 1e9;
        ctrlC.join();
        assertEquals(Repl.RUNTIME, status);
        assertTrue(seconds < 4, "await took " + seconds + " s after Ctrl-C");
        assertEquals("interrupted; the state is as of the last completed cycle or step\n", bytes.toString(StandardCharsets.UTF_8));
        // the REPL's Ctrl-C is not the network's: it still runs (its runaway cycle) until stopped
        assertFalse(r.isPaused());
        assertEquals(1, liveRunnerThreads().size());
        assertEquals(Repl.OK, repl.handle("(stop! runaway)"));
        assertEquals(List.of(), liveRunnerThreads());
    }

    @Test
    void ctrlCOfTheReplDoesNotCancelACycleOfALiveNetwork() throws Exception {
        Runner r = (Runner) eval("(start! runaway :rate 0)");
        assertTrue(r.awaitCycle(5, 10_000));
        eval("(defneuron beat [] (do (dotimes [i 20000] nil) {:beat 1}))");
        long c = r.current().cycle();
        for (int i = 0; i < 20; i++) {
            interp.requestCancel();
            Thread.sleep(5);
        }
        interp.clearCancel();
        assertTrue(r.awaitCycle(c + 30, 10_000));
        assertFalse(r.isPaused(), "the runner was never cancelled by the REPL's requests");
        assertEquals(List.of(), notes, "no cycle was discarded, nothing paused");
    }

    @Test
    void aFailingRedefinitionNamesTheTypeToRestore() throws Exception {
        Runner r = (Runner) eval("(start! runaway :rate 0)");
        assertTrue(r.awaitCycle(5, 10_000));
        eval("(defneuron beat [] {:beat (/ 1 0)})");
        for (int i = 0; i < 500 && !r.isPaused(); i++) Thread.sleep(10);
        assertTrue(r.isPaused());
        long kept = r.current().cycle();
        assertEquals(List.of("[runaway] paused at cycle " + (kept + 1) + " (the network keeps cycle " + kept + "):\n"
                + "t:1:27: division by zero\n"
                + "    (defneuron beat [] {:beat (/ 1 0)})\n"
                + "                              ^\n"
                + "  in neuron `p` (type beat) at cycle " + (kept + 1) + " of network `runaway`\n"
                + "  fix the definition and (resume! runaway), or (restore! 'beat) to bring back its previous definition"), notes);
        eval("(restore! 'beat)");
        eval("(resume! runaway)");
        assertTrue(r.awaitCycle(kept + 5, 10_000));
    }

    @Test
    void aTypeWithoutPreviousDefinitionGetsNoRestoreHint() throws Exception {
        eval("(defneuron broken [] {:beat (/ 1 0)})");
        eval("(defnet broken-net (neurons b broken))");
        Runner r = (Runner) eval("(start! broken-net :rate 0)");
        for (int i = 0; i < 500 && !r.isPaused(); i++) Thread.sleep(10);
        assertTrue(r.isPaused());
        assertEquals(List.of("""
            [broken-net] paused at cycle 1 (the network keeps cycle 0):
            t:1:29: division by zero
                (defneuron broken [] {:beat (/ 1 0)})
                                            ^
              in neuron `b` (type broken) at cycle 1 of network `broken-net`
              fix the definition and (resume! broken-net)"""), notes);
    }
}
