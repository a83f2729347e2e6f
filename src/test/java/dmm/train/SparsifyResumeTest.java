package dmm.train;

import static org.junit.jupiter.api.Assertions.*;

import dmm.cancel.Cancelled;
import dmm.lang.Interpreter;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sparsification stopped in the middle of a round — after rounds were rejected, thresholds
 * halved and links protected — and resumed from its checkpoint ends exactly like the one that
 * was never stopped.
 */
class SparsifyResumeTest {
    private final Interpreter interp = SmallNetwork.interpreter(new ByteArrayOutputStream());

    private Trainer trainer(Path base) {
        Trainer t = (Trainer) interp.eval("t.dmm", "(trainer small :loss small-loss :l1 0.001 :quiet true :log \""
                + base.toString().replace("\\", "/") + "\")");
        t.train(20);
        return t;
    }

    /** Strict acceptance (no worse than the last accepted round), so some rounds are rejected. */
    private static final Sparsifier.Schedule STRICT = Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS,
            Map.of("threshold", 0.03, "recover-steps", 6, "judge-steps", 5, "tolerance", 0, "slack", 1.0, "max-rounds", 12,
                    "max-rejections", 4, "polish-steps", 8));

    @Test
    void stoppedAfterARejectionAndResumedItEndsLikeTheUninterruptedRun(@TempDir Path dir) {
        Trainer whole = trainer(dir.resolve("whole"));
        new Sparsifier(whole, STRICT).run();

        Trainer stopped = trainer(dir.resolve("stopped"));
        int[] rejectedBeforeStop = {0};
        stopped.onStep(row -> {
            Sparsifier.Position p = stopped.sparsification();
            if (p != null && p.rounds >= 3 && (p.rejections > 0 || !p.protectedLinks.isEmpty()) && rejectedBeforeStop[0] == 0) {
                rejectedBeforeStop[0] = 1;
                interp.requestCancel();   // as Ctrl-C: at the next step boundary, mid-round
            }
        });
        assertThrows(Cancelled.class, () -> new Sparsifier(stopped, STRICT).run());
        assertEquals(1, rejectedBeforeStop[0], "the schedule rejected a round before the stop");

        Trainer resumed = (Trainer) interp.eval("t.dmm", "(trainer small :loss small-loss :l1 0.001 :quiet true :log \""
                + dir.resolve("resumed").toString().replace("\\", "/") + "\")");
        resumed.loadCheckpoint(dir.resolve("stopped.ckpt.json"));
        Sparsifier.Position at = resumed.sparsification();
        assertEquals(Sparsifier.Position.Stage.ROUNDS, at.stage);
        assertTrue(at.rejections > 0 || !at.protectedLinks.isEmpty(), "resumed after a rejection: " + at);
        new Sparsifier(resumed, STRICT).run();
        assertEquals(whole.step(), resumed.step());
        assertEquals(whole.weights(), resumed.weights(), "the same network to the last digit");
        assertEquals(whole.lambda(), resumed.lambda());
    }

    private static final Sparsifier.Schedule REGROWING = Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS,
            Map.of("threshold", 0.03, "recover-steps", 6, "judge-steps", 5, "max-rounds", 3, "polish-steps", 8,
                    "regrows", 2, "regrow-steps", 10, "regrow-above", 1e-9));

    /** Stopped in the regrow's training or in the rounds after it, and resumed: the same end as the run never stopped. */
    @Test
    void stoppedAfterARegrowAndResumedItEndsLikeTheUninterruptedRun(@TempDir Path dir) {
        Trainer whole = trainer(dir.resolve("whole"));
        new Sparsifier(whole, REGROWING).run();
        for (int stopAt : new int[] {3, 40}) {   // steps after the first regrow began: in its training, then in the rounds after it
            Trainer stopped = trainer(dir.resolve("stopped-" + stopAt));
            long[] regrowStep = {-1};
            stopped.onStep(row -> {
                Sparsifier.Position p = stopped.sparsification();
                if (p != null && p.regrows == 1 && regrowStep[0] < 0) regrowStep[0] = row.step();
                if (regrowStep[0] >= 0 && row.step() == regrowStep[0] + stopAt) interp.requestCancel();
            });
            assertThrows(Cancelled.class, () -> new Sparsifier(stopped, REGROWING).run());
            Trainer resumed = (Trainer) interp.eval("t.dmm", "(trainer small :loss small-loss :l1 0.001 :quiet true)");
            resumed.loadCheckpoint(dir.resolve("stopped-" + stopAt + ".ckpt.json"));
            assertNotNull(resumed.sparsification());
            new Sparsifier(resumed, REGROWING).run();
            assertEquals(whole.step(), resumed.step(), "stopped " + stopAt + " steps into the first regrow");
            assertEquals(whole.weights(), resumed.weights(), "the same network to the last digit");
        }
    }

    /** A finished sparsification's checkpoint, resumed with :regrows, regrows from where it ended. */
    @Test
    void aFinishedSparsificationResumedWithRegrowsStartsAgain(@TempDir Path dir) {
        Sparsifier.Schedule once = Settings.with(Sparsifier.Schedule.class, REGROWING, Map.of("regrows", 0));
        Trainer first = trainer(dir.resolve("first"));
        first.onStep(row -> {});
        Sparsifier.Result ended = new Sparsifier(first, once).run();
        Trainer again = (Trainer) interp.eval("t.dmm", "(trainer small :loss small-loss :l1 0.001 :quiet true)");
        again.loadCheckpoint(dir.resolve("first.ckpt.json"));
        assertEquals(Sparsifier.Position.Stage.DONE, again.sparsification().stage);
        Sparsifier.Result r = new Sparsifier(again, REGROWING).run();
        assertTrue(again.step() > first.step(), "it trained on: " + again.step() + " vs " + first.step());
        assertTrue(r.rounds() > ended.rounds(), "more rounds after the regrows: " + r + " vs " + ended);
        assertTrue(r.prereg() <= ended.prereg(), "never worse than the machine it started from (the best is kept): " + r + " vs " + ended);
    }

    /** A good machine (:regrow-above generous) whose rounds stop after rejections at the training rate. */
    private static final Sparsifier.Schedule TIGHTENING = Settings.with(Sparsifier.Schedule.class, STRICT,
            Map.of("regrow-above", 10.0, "tighten-lr", 0.03));

    /**
     * A finished sparsification's checkpoint resumed with :tighten-lr ends exactly like the run
     * that had :tighten-lr from the start: the tightening begins where the schedule without it
     * ends, so a study can go on from its finished runs.
     */
    @Test
    void aFinishedSparsificationResumedWithTightenLrEndsLikeTheWholeRun(@TempDir Path dir) {
        Trainer whole = trainer(dir.resolve("whole"));
        Sparsifier.Result all = new Sparsifier(whole, TIGHTENING).run();
        Trainer first = trainer(dir.resolve("first"));
        Sparsifier.Result ended = new Sparsifier(first, Settings.with(Sparsifier.Schedule.class, TIGHTENING, Map.of("tighten-lr", 0.0))).run();
        assertTrue(all.rounds() > ended.rounds(), "the tightening did rounds: " + all + " vs " + ended);
        Trainer again = (Trainer) interp.eval("t.dmm", "(trainer small :loss small-loss :l1 0.001 :quiet true)");
        again.loadCheckpoint(dir.resolve("first.ckpt.json"));
        assertEquals(Sparsifier.Position.Stage.DONE, again.sparsification().stage);
        Sparsifier.Result r = new Sparsifier(again, TIGHTENING).run();
        assertEquals(all, r);
        assertEquals(whole.step(), again.step());
        assertEquals(whole.weights(), again.weights(), "the same network to the last digit");
    }
    /**
     * A finished checkpoint tightened by a build that tried only the links below :threshold-max
     * (no "tighten-all") is tightened again, over every link; one tightened over every link is
     * complete.
     */
    @Test
    void aCheckpointTightenedOnlyBelowTheLargestThresholdIsTightenedAgain(@TempDir Path dir) throws java.io.IOException {
        // two rejections in a row end its rounds with links left (TIGHTENING's go on to none)
        Sparsifier.Schedule stopsShort = Settings.with(Sparsifier.Schedule.class, TIGHTENING, Map.of("max-rejections", 2));
        Trainer whole = trainer(dir.resolve("whole"));
        new Sparsifier(whole, stopsShort).run();
        assertTrue(whole.network().softLinkCount() > 0, "links left");
        String json = java.nio.file.Files.readString(dir.resolve("whole.ckpt.json"));
        assertTrue(json.contains("\"tighten-all\""), "recorded: " + json.length());
        Trainer complete = (Trainer) interp.eval("t.dmm", "(trainer small :loss small-loss :l1 0.001 :quiet true)");
        complete.loadCheckpoint(dir.resolve("whole.ckpt.json"));
        long at = complete.step();
        new Sparsifier(complete, stopsShort).run();
        assertEquals(at, complete.step(), "nothing to do");
        Path older = dir.resolve("older.ckpt.json");
        java.nio.file.Files.writeString(older, json.replaceAll("\"tighten-all\"\\s*:\\s*true\\s*,?", ""));
        Trainer old = (Trainer) interp.eval("t.dmm", "(trainer small :loss small-loss :l1 0.001 :quiet true)");
        old.loadCheckpoint(older);
        assertFalse(old.sparsification().tightenedEveryLink);
        new Sparsifier(old, stopsShort).run();
        assertTrue(old.step() > at, "tightened again: " + old.step() + " vs " + at);
    }
}
