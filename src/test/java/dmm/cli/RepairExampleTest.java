package dmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dmm.vvalue.VValueJson;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/repair.dmm in its quick configuration: the machine written in, damaged, trained, sparsified, judged. */
class RepairExampleTest {
    private static List<String> lines(String out) {
        return out.lines().filter(l -> !l.matches("  \\S+\\.\\S+ <- .*")).toList();
    }

    @Test
    void theUndamagedMachineIsExactBeforeTraining(@TempDir Path dir) {
        List<String> out = lines(CliRuns.ok("run", "examples/repair.dmm", "--quick", "--damage", "none", "--rest", "0",
                "--steps", "0", "--no-sparsify", "--out", dir.toString()));
        assertEquals("repair: damage none {:factor 1 :seed 1} | seed 1 | noise on every link none (only the circuit) | 12 training strings"
                + " | 0 training steps", out.get(0));
        assertEquals("before: 8 soft links; judge loss intact 0.000, damaged 0.000", out.get(1));
        assertTrue(out.contains("the original circuit: 8 of its 8 links present; exactly its links: yes"), out.toString());
        assertTrue(out.contains("repaired: every validation string passes at <= 12 soft links"), out.toString());
    }

    @Test
    void aDeletedLinkIsMissingFromTheDamagedMachineAndTrainingRuns(@TempDir Path dir) throws Exception {
        List<String> out = lines(CliRuns.ok("run", "examples/repair.dmm", "--quick", "--damage", "delete", "--link", "2",
                "--out", dir.toString()));
        assertTrue(out.get(1).startsWith("before: 1486 soft links; judge loss intact 0.002916, damaged "), out.get(1));
        assertTrue(out.stream().anyMatch(l -> l.startsWith("round 1: ")), "sparsify! ran: " + out);
        String circuit = out.stream().filter(l -> l.startsWith("the original circuit: ")).findFirst().orElseThrow();
        assertTrue(circuit.startsWith("the original circuit: 7 of its 8 links present"), circuit);
        assertEquals(3, out.stream().filter(l -> l.matches("  .* +\\d+/8 +pass .*")).count(), "the validation table: " + out);
        assertTrue(VValueJson.readFile(dir.resolve("repair-matrix.json")).leafCount() > 0);
    }
}
