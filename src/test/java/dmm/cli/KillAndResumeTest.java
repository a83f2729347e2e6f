package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dmm.vvalue.VValueJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A synthesis run killed with SIGKILL in the middle of sparsification and resumed from its
 * checkpoint ends with exactly the network of the uninterrupted run.
 */
class KillAndResumeTest {
    private static final String[] RUN = {"run", "examples/synthesis.dmm", "--quick", "--quick-rounds", "12", "--dense-steps", "30"};

    private static String run(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of(RUN));
        args.addAll(List.of("--out", out.toString()));
        args.addAll(List.of(extra));
        return CliRuns.ok(args.toArray(String[]::new));
    }

    private static JsonNode readCheckpoint(Path file) {
        try {
            return new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            return null;   // not written yet
        }
    }

    private static String finalLine(String out) {
        return out.lines().filter(l -> l.startsWith("final:")).findFirst().orElseThrow(() -> new AssertionError(out))
                .replaceAll(" in [0-9.]+ s \\(.*", "");
    }

    @Test
    void killedMidSparsificationAndResumedEndsExactlyLikeTheUninterruptedRun(@TempDir Path dir) throws Exception {
        Path whole = Files.createDirectories(dir.resolve("whole")), killed = Files.createDirectories(dir.resolve("killed"));
        String uninterrupted = run(whole);

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dmm.cli.Main"));
        cmd.addAll(List.of(RUN));
        cmd.addAll(List.of("--out", killed.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        Path ckpt = killed.resolve("synthesis.ckpt.json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int roundAtKill = -1;
        try {
            while (System.nanoTime() < deadline && p.isAlive()) {
                JsonNode c = Files.exists(ckpt) ? readCheckpoint(ckpt) : null;
                if (c != null && c.path("sparsification").path("rounds").asInt(0) >= 3) {
                    p.destroyForcibly();   // SIGKILL: no shutdown hooks, no finally blocks
                    roundAtKill = c.path("sparsification").path("rounds").asInt();
                    break;
                }
                Thread.sleep(5);
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(roundAtKill >= 3, "the run was to be killed after its third sparsification round: " + Files.readString(dir.resolve("killed.log")));
        assertFalse(Files.readString(dir.resolve("killed.log")).contains("final:"), "killed before the end");
        JsonNode atKill = readCheckpoint(ckpt);
        assertEquals("rounds", atKill.path("sparsification").path("phase").asText(), "killed mid-sparsification");

        String resumed = run(killed, "--resume", ckpt.toString());
        // the run goes on from the checkpoint's step, links and position in the schedule
        JsonNode at = atKill.path("sparsification");
        String resumeLine = String.format(Locale.ROOT, "sparsify: resuming at step %d, %d soft links (rounds, round %d (%d accepted), "
                + "threshold %.4g, %d protected)", atKill.path("step").asLong(), VValueJson.read(atKill.path("soft").toString()).leafCount(),
                at.path("rounds").asInt(), at.path("accepted").asInt(), at.path("threshold").asDouble(), at.path("protected").size());
        assertEquals(List.of(resumeLine), resumed.lines().filter(l -> l.startsWith("sparsify: resuming")).toList(), resumed);
        assertFalse(resumed.contains("dense phase:"), "the dense phase is not run again");
        assertEquals(finalLine(uninterrupted), finalLine(resumed));
        assertEquals(Files.readString(whole.resolve("synthesis-matrix.json")), Files.readString(killed.resolve("synthesis-matrix.json")),
                "the same final matrix, to the last digit");
        // the dense checkpoint is the one written after the dense phase, not overwritten by the resumed run
        assertEquals(30, readCheckpoint(killed.resolve("synthesis-dense.ckpt.json")).path("step").asInt());
        assertNull(readCheckpoint(killed.resolve("synthesis-dense.ckpt.json")).get("sparsification"));
    }
}
