package dmm.train;

import static org.junit.jupiter.api.Assertions.*;

import dmm.ad.Ops;
import dmm.lang.Interpreter;
import dmm.machine.Network;
import dmm.vvalue.VValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Training in the background: the REPL stays free, pause/resume/stop, changes applied at step boundaries. */
class BackgroundTrainingTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final Interpreter interp = SmallNetwork.interpreter(printed);
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());

    BackgroundTrainingTest() {
        interp.setNotifier(notes::add);
    }

    private Object eval(String text) {
        return interp.eval("t.dmm", text);
    }

    private Trainer trainer(String options) {
        return (Trainer) eval("(def tr (trainer small :loss small-loss " + options + ")) tr");
    }

    private static void waitFor(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting: " + what);
            Thread.sleep(2);
        }
    }

    @Test
    void aBackgroundRunReturnsAtOnceAndEndsWhereAForegroundRunEnds() {
        Trainer fg = trainer(":quiet true");
        fg.train(60);
        Trainer bg = trainer(":progress-every 20");
        Object run = eval("(train! tr 60 :background true)");
        assertInstanceOf(TrainRun.class, run);
        assertEquals(VValue.of(3), eval("(+ 1 2)"), "the interpreter is free while it trains");
        assertSame(bg, eval("(await-training tr)"));
        assertEquals(60, bg.step());
        assertEquals(fg.weights(), bg.weights(), "same steps, same weights, to the last digit");
        assertTrue(notes.stream().anyMatch(l -> l.startsWith("[feedforward] train step 40 ")), "progress above the prompt: " + notes);
        assertTrue(notes.stream().anyMatch(l -> l.startsWith("[feedforward] train done at step 60")), String.valueOf(notes));
        assertEquals("", printed.toString(StandardCharsets.UTF_8).replaceAll("(?m)^true\n", ""), "nothing printed below the prompt");
        TrainRun r = (TrainRun) run;
        assertEquals(TrainRun.Status.DONE, r.status());
        assertEquals(60, r.historyAfter(0, 1000).size());
        assertEquals(60, r.last().row().step());
        assertNotEquals(Thread.currentThread().getName(), r.threadName());
    }

    /**
     * The trainer's text is events turned into text at the edge: on a terminal in the foreground
     * a progress line redrawn in place; the same trainer in the background shows plain lines
     * above the prompt (no terminal codes), at most one redraw every two seconds, and its last
     * state at the end; nothing reaches the console meanwhile.
     */
    @Test
    void aBackgroundRunShowsPlainProgressAndItsLastStateWhereTheConsoleRedraws() throws InterruptedException {
        Trainer small = trainer(":quiet true");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(console, true, StandardCharsets.UTF_8);
        Trainer t = Trainer.builder(small.network(), small.loss())
                .host(new Trainer.Host(TrainOutput.console(() -> ps, true), null)).build();
        t.train(5);
        String drawn = console.toString(StandardCharsets.UTF_8);
        assertTrue(drawn.contains("\r\033[2Ktrain step 5 ") && drawn.endsWith("\n"), "a redrawn line, ended: " + drawn);
        console.reset();
        List<String> shown = Collections.synchronizedList(new ArrayList<>());
        TrainRun r = new TrainRun(1, "bg", "train", t, 60, tr -> tr.train(60), shown::add, RuntimeException::getMessage).start();
        assertTrue(r.await(20_000));
        assertEquals("", console.toString(StandardCharsets.UTF_8), "nothing on the console while it runs in the background");
        List<String> progress = shown.stream().filter(l -> l.startsWith("[bg] train step")).toList();
        assertFalse(progress.isEmpty(), String.valueOf(shown));
        assertTrue(progress.size() <= 2, "throttled: " + progress);
        assertTrue(progress.get(progress.size() - 1).startsWith("[bg] train step 65 "), "the last state: " + progress);
        assertTrue(shown.stream().noneMatch(l -> l.contains("\033") || l.contains("\r")), String.valueOf(shown));
        t.train(1);
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("train step 66 "), "back on the console after the run");
    }

    @Test
    void pauseHoldsTheStepsAndAnLrChangeLandsAtAStepBoundary() throws InterruptedException {
        Trainer t = trainer(":quiet true");
        TrainRun r = (TrainRun) eval("(train! tr 100000 :background true)");
        waitFor(() -> r.last() != null && r.last().row().step() >= 3, "a few steps");
        eval("(pause! tr)");
        assertTrue(r.isParked());
        assertEquals(TrainRun.Status.PAUSED, r.status());
        long held = r.last().row().step();
        Thread.sleep(100);
        assertEquals(held, r.last().row().step(), "no step while paused");
        eval("(set-lr! tr 0.0005)");
        waitFor(() -> t.optimizer().learningRate() == 0.0005, "the change applied while paused");
        eval("(resume! tr)");
        waitFor(() -> r.last().row().step() >= held + 3, "steps after resume");
        for (TrainRun.Point p : r.historyAfter(0, 100000))
            assertEquals(p.row().step() <= held ? 0.001 : 0.0005, p.row().lr(), "step " + p.row().step());
        assertSame(t, eval("(stop! tr)"));
        assertEquals(TrainRun.Status.STOPPED, r.status());
        long steps = t.step();
        assertEquals(steps, t.log().rows().size(), "the log ends at the last completed step");
        assertEquals(steps, ((Number) ((Adam) t.optimizer()).state().get("t")).longValue(), "the optimizer counted exactly the completed steps");
        t.train(2);   // consistent: it trains on from there
        assertEquals(steps + 2, t.step());
    }

    @Test
    void theReplCannotTrainATrainerThatTrainsInTheBackground() {
        trainer(":quiet true");
        eval("(train! tr 100000 :background true)");
        Exception e = assertThrows(RuntimeException.class, () -> eval("(train! tr 5)"));
        assertTrue(e.getMessage().contains("is training in the background"), e.getMessage());
        assertThrows(RuntimeException.class, () -> eval("(prune! tr 0.1)"));
        eval("(stop! tr)");
        eval("(train! tr 1)");
    }

    @Test
    void cutAndRestoreOfALinkAreAppliedBetweenStepsWithTheirOptimizerState() throws InterruptedException {
        Trainer t = trainer(":quiet true");
        VValue w = t.weights();
        List<String> path = new ArrayList<>();
        w.forEachLeaf((p, x) -> {
            if (path.isEmpty() && p.get(1).equals("output")) path.addAll(p);
        });
        String to = path.get(1) + "." + path.get(2), from = path.get(4) + "." + String.join(".", path.subList(5, path.size()));
        TrainRun r = (TrainRun) eval("(train! tr 100000 :background true)");
        waitFor(() -> r.last() != null && r.last().row().step() >= 2, "steps");
        int links = t.network().softLinkCount();
        eval("(cut-link! tr '" + to + " '" + from + ")");
        waitFor(() -> r.network().softLinkCount() == links - 1, "the cut");
        eval("(pause! tr)");
        assertEquals(0.0, t.weights().getIn(path).scalarPart());
        assertEquals(0.0, ((Adam) t.optimizer()).firstMoment().getIn(path).scalarPart(), "its optimizer state went with it");
        assertTrue(t.control().cutLinks().containsKey(path));
        eval("(restore-link! tr '" + to + " '" + from + ")");
        waitFor(() -> t.weights().getIn(path).scalarPart() != 0, "the restore, applied while paused");
        eval("(stop! tr)");
        Exception e = assertThrows(RuntimeException.class, () -> eval("(cut-link! tr 'output.nope '" + from + ")"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void aChangeStandsWhenTheTrainerGoesBackToAnEarlierState() {
        Trainer t = trainer(":quiet true");
        t.train(3);
        Trainer.Snapshot before = t.snapshot();
        t.control().submit(TrainControl.learningRate(0.0002));
        t.control().submit(TrainControl.lambda(0.05));
        t.train(2, Phase.SHRINK);
        assertEquals(0.0002, t.optimizer().learningRate());
        assertEquals(0.05, t.lambda());
        t.restore(before);   // a rejected round goes back to its last accepted state: the changes are applied again
        assertEquals(0.0002, t.optimizer().learningRate());
        assertEquals(0.05, t.lambda());
        Trainer.Snapshot after = t.snapshot();
        t.setLambda(0);   // the judge trains its copy with λ = 0 ...
        t.control().submit(TrainControl.lambda(0.07));
        t.train(2, Phase.JUDGE);
        assertEquals(0.0, t.lambda(), "λ waits while the judge trains");
        t.restore(after);   // ... and puts everything back
        assertEquals(0.05, t.lambda(), "a snapshot taken after a change keeps it without applying it again");
        t.train(1, Phase.SHRINK);
        assertEquals(0.07, t.lambda(), "the waiting λ lands at the next shrinking step");
    }

    @Test
    void scheduleChangesLandAtTheNextRound() {
        Trainer t = trainer(":quiet true");
        t.control().submit(t.control().schedule(Map.of("recover-steps", 3L)));
        t.train(1);   // applied at this step boundary
        long before = t.step();
        new Sparsifier(t, Sparsifier.Schedule.of(Map.of("threshold", 0.005, "recover-steps", 10L, "judge-steps", 0L, "tolerance", 1000.0,
                "max-rounds", 2, "polish-steps", 0L))).run();
        assertEquals(before + 6, t.step(), "two rounds of 3 recover steps, not 10");
        assertThrows(IllegalArgumentException.class, () -> t.control().schedule(Map.of("no-such", 1L)));
        assertThrows(IllegalArgumentException.class, () -> t.control().schedule(Map.of("threshold", -1.0)));
    }

    /** A change that fails half-way is rolled back: the trainer keeps its network and λ, and says what was not applied. */
    @Test
    void aChangeThatFailsWhenAppliedLeavesTheTrainerAsItWas() {
        Trainer t = trainer(":quiet true :l1 0.001");
        t.train(5);
        Network before = t.network();
        t.control().submit(new TrainControl.Change() {
            public String describe() {
                return "a broken change";
            }

            public void apply(Trainer tr) {
                tr.setLambda(7);
                tr.control().cut(tr.network(), List.of()).apply(tr);   // throws: no such path
            }
        });
        List<String> messages = Collections.synchronizedList(new ArrayList<>());
        t.control().addListener(new TrainControl.Listener() {
            public void step(TrainLog.Row row, Phase phase) {}

            public void message(String line) {
                messages.add(line);
            }
        });
        t.control().applyNow(t);
        assertEquals(0.001, t.lambda(), "λ rolled back");
        assertSame(before, t.network());
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("not applied: a broken change")), messages.toString());
        t.train(5);   // and it trains on
        assertEquals(10, t.step());
    }

    /** Going back to a snapshot replays every change made since, however many, and names one that no longer applies. */
    @Test
    void theReplayAfterARestoreIsCompleteAndSaysWhatItCouldNotApply() {
        Trainer t = trainer(":quiet true :l1 0.001");
        t.train(2);
        Trainer.Snapshot before = t.snapshot();
        AtomicInteger applications = new AtomicInteger();
        for (int i = 1; i <= 1500; i++) t.control().submit(new TrainControl.Change() {
            public String describe() {
                return "counted";
            }

            public void apply(Trainer tr) {
                applications.incrementAndGet();
            }
        });
        List<String> link = t.network().checkedLinkPath(firstSoftLink(t));
        t.control().submit(t.control().cut(t.network(), link));
        t.control().applyNow(t);
        List<String> messages = Collections.synchronizedList(new ArrayList<>());
        t.control().addListener(new TrainControl.Listener() {
            public void step(TrainLog.Row row, Phase phase) {}

            public void message(String line) {
                messages.add(line);
            }
        });
        // a state that lacks the link: the cut cannot apply again there, and says so
        Trainer.Snapshot without = new Trainer.Snapshot(before.net().withSoftMatrix(
                Ops.primal(before.net().softMatrix()).dissocIn(link)), before.optimizer(), before.step(), before.lambda());
        t.restore(before);
        assertEquals(3000, applications.get(), "all 1500 changes applied, then all 1500 replayed");
        assertTrue(messages.isEmpty(), messages.toString());
        t.restore(without);
        assertTrue(messages.stream().anyMatch(m -> m.contains("does not apply to that state")), messages.toString());
    }

    private static List<String> firstSoftLink(Trainer t) {
        List<List<String>> paths = new ArrayList<>();
        Ops.primal(t.network().softMatrix()).forEachLeaf((p, w) -> {
            if (paths.isEmpty()) paths.add(List.copyOf(p));
        });
        return paths.get(0);
    }
}
