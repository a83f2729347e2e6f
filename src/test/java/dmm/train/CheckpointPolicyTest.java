package dmm.train;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dmm.lang.DmmException;
import dmm.lang.Interpreter;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Periodic checkpoints, the state written when training stops on NaN, and the log after a resume. */
class CheckpointPolicyTest {
    private final Interpreter interp = SmallNetwork.interpreter(new ByteArrayOutputStream());

    private Trainer trainer(Path base, String options) {
        return (Trainer) interp.eval("t.dmm", "(trainer small :loss small-loss :l1 0.001 :quiet true :log \""
                + base.toString().replace("\\", "/") + "\" " + options + ")");
    }

    private static JsonNode json(Path file) throws Exception {
        return new ObjectMapper().readTree(Files.readString(file));
    }

    @Test
    void trainWritesACheckpointEveryNSteps(@TempDir Path dir) throws Exception {
        Trainer a = trainer(dir.resolve("a"), ":checkpoint-every 3 :checkpoint-seconds 0");
        a.train(7);
        Path ckpt = dir.resolve("a.ckpt.json");
        assertEquals(6, json(ckpt).path("step").asInt(), "written at steps 3 and 6, not at the end of a completed train!");

        // as after a kill -9 at step 7: a new process resumes from step 6 and reaches the same weights
        Trainer b = trainer(dir.resolve("b"), ":checkpoint-every 3 :checkpoint-seconds 0");
        b.loadCheckpoint(ckpt);
        assertEquals(6, b.step());
        b.train(1);
        assertEquals(a.weights(), b.weights());
    }

    @Test
    void trainWritesACheckpointAfterTheGivenSeconds(@TempDir Path dir) throws Exception {
        Trainer a = trainer(dir.resolve("a"), ":checkpoint-every 0 :checkpoint-seconds 1e-9");
        a.train(4);
        assertEquals(4, json(dir.resolve("a.ckpt.json")).path("step").asInt(), "every step takes longer than a nanosecond");
        Trainer never = trainer(dir.resolve("n"), ":checkpoint-every 0 :checkpoint-seconds 0");
        never.train(4);
        assertFalse(Files.exists(dir.resolve("n.ckpt.json")));
        Trainer.Options d = trainer(dir.resolve("d"), "").options();
        assertEquals(500, d.checkpointEvery());
        assertEquals(60, d.checkpointSeconds());
        assertThrows(DmmException.class, () -> trainer(dir.resolve("x"), ":checkpoint-every -1"));
    }

    @Test
    void aNanStopWritesTheLogThePlotAndACheckpointOfTheLastGoodState(@TempDir Path dir) throws Exception {
        interp.eval("t.dmm", "(def calls 0)");
        Trainer t = (Trainer) interp.eval("t.dmm", "(trainer small :quiet true :log \"" + dir.resolve("nan").toString().replace("\\", "/") + "\""
                + " :loss (fn [net] (def calls (+ calls 1)) (if (> calls 3) (+ (small-loss net) (- ##Inf ##Inf)) (small-loss net))))");
        assertThrows(TrainingError.class, () -> t.train(10));
        assertEquals(3, t.step());
        List<String> csv = Files.readAllLines(dir.resolve("nan.csv"));
        assertEquals(List.of(TrainLog.HEADER), csv.subList(0, 1));
        assertEquals(4, csv.size(), "three good steps logged: " + csv);
        for (int i = 1; i <= 3; i++) {
            TrainLog.Row r = t.log().rows().get(i - 1);
            assertEquals(i, r.step());
            assertEquals(LogRows.csv(r), csv.get(i), "row " + i + " as logged");
        }
        dmm.FileAssertions.assertPng(dir.resolve("nan.png"), 900, 500);
        JsonNode c = json(dir.resolve("nan.ckpt.json"));
        assertEquals(3, c.path("step").asInt());
        Trainer back = trainer(dir.resolve("back"), "");
        back.loadCheckpoint(dir.resolve("nan.ckpt.json"));
        assertEquals(t.weights(), back.weights(), "the checkpoint holds the last good weights");
    }

    @Test
    void resumingReadsTheHistoryBackFromTheLogAndKeepsCounting(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("run");
        Trainer a = trainer(base, ":checkpoint-every 4 :checkpoint-seconds 0");
        a.train(6);   // checkpoint at 4; steps 5 and 6 are lost with the process
        a.log().flush();
        Trainer b = trainer(base, ":checkpoint-every 4 :checkpoint-seconds 0");
        b.loadCheckpoint(dir.resolve("run.ckpt.json"));
        assertEquals(List.of(1L, 2L, 3L, 4L), b.log().rows().stream().map(TrainLog.Row::step).toList());
        for (int i = 0; i < 4; i++) {
            TrainLog.Row x = a.log().rows().get(i), y = b.log().rows().get(i);
            assertEquals(List.of(x.step(), x.loss(), x.prereg(), x.l1(), x.lambda(), x.links(), x.lr()),
                    List.of(y.step(), y.loss(), y.prereg(), y.l1(), y.lambda(), y.links(), y.lr()), "read back exactly");
            assertEquals(x.seconds(), y.seconds(), 0.0005);
        }
        b.train(3);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), b.log().rows().stream().map(TrainLog.Row::step).toList());
        assertEquals(a.log().rows().get(5).loss(), b.log().rows().get(5).loss(), 0.0, "step 6 again, exactly");
        assertTrue(b.log().rows().get(6).seconds() >= a.log().rows().get(3).seconds(), "seconds go on from the checkpoint");
        // the file records both branches; reading it back yields the resumed lineage
        b.log().flush();
        Trainer c = trainer(base, "");
        c.loadCheckpoint(dir.resolve("run.ckpt.json"));
        assertEquals(4, c.log().rows().size());
        List<String> lines = Files.readAllLines(dir.resolve("run.csv"));
        assertEquals(1 + 6 + 3, lines.size(), "every step taken is in the file");
    }

    @Test
    void aRowCutShortByAKillInTheMiddleOfTheLogDoesNotHideTheRowsAfterIt(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("run");
        Trainer a = trainer(base, ":checkpoint-every 2 :checkpoint-seconds 0");
        a.train(4);
        a.log().flush();
        Files.writeString(dir.resolve("run.csv"), "5,0.1", StandardOpenOption.APPEND);   // killed while writing step 5
        Trainer b = trainer(base, ":checkpoint-every 2 :checkpoint-seconds 0");
        b.loadCheckpoint(dir.resolve("run.ckpt.json"));
        b.train(2);   // closes the cut row, writes 5 and 6, checkpoint at 6
        b.log().flush();
        Trainer c = trainer(base, "");
        c.loadCheckpoint(dir.resolve("run.ckpt.json"));
        assertEquals(6, c.step());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), c.log().rows().stream().map(TrainLog.Row::step).toList());
    }

    @Test
    void checkpointsAreReadStrictly(@TempDir Path dir) throws Exception {
        Trainer a = trainer(dir.resolve("a"), "");
        a.train(2);
        Path ckpt = dir.resolve("a.ckpt.json");
        a.saveCheckpoint(ckpt);
        String good = Files.readString(ckpt);
        Files.writeString(ckpt, good.replaceFirst("\"step\" : 2,", "\"step\" : 2, \"step\" : 1,"));
        TrainingError dup = assertThrows(TrainingError.class, () -> trainer(dir.resolve("b"), "").loadCheckpoint(ckpt));
        assertTrue(dup.getMessage().startsWith("checkpoint " + ckpt + " is corrupt: a key given twice at line "), dup.getMessage());
        Files.writeString(ckpt, good.replaceFirst("\"soft\" : \\{", "\"soft\" : { \"zz\" : 1e999,"));
        assertEquals("checkpoint " + ckpt + " is corrupt: number out of range at soft.zz",
                assertThrows(TrainingError.class, () -> trainer(dir.resolve("c"), "").loadCheckpoint(ckpt)).getMessage());
        Files.writeString(ckpt, good.replaceFirst("\"kind\" : \"adam\",", ""));
        assertEquals("checkpoint " + ckpt + " is corrupt: missing or invalid \"optimizer.kind\"",
                assertThrows(TrainingError.class, () -> trainer(dir.resolve("d"), "").loadCheckpoint(ckpt)).getMessage());
        Files.writeString(ckpt, good.replaceFirst("\"t\" : 2\\.0", "\"t\" : -5.0"));
        assertEquals("checkpoint " + ckpt + " is corrupt: missing or invalid \"optimizer.t\"",
                assertThrows(TrainingError.class, () -> trainer(dir.resolve("e"), "").loadCheckpoint(ckpt)).getMessage());
    }
}
