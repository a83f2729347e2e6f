package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import dmm.vvalue.VValueJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/general-detector.dmm in its quick configuration (12 training strings, 6 judging, a
 * few steps): the data set, the curriculum's switch, the sparsification judged on held-out
 * strings, the saved rank-4 matrix and the validation table — and the same figures whether the
 * batches run on one thread or two.
 */
class GeneralDetectorExampleTest {
    /** The lines that carry figures, timings removed. */
    private static List<String> figures(String out) {
        return out.lines()
                .filter(l -> !l.matches("  \\S+\\.\\S+ <- .*"))
                .map(l -> l.replaceAll("  [0-9.]+ steps/s  ETA \\S+$", "").replaceAll("; set up in [0-9.]+ s$", "")
                        .replaceAll("; (\\d+) steps in [0-9.]+ s$", "; $1 steps")
                        .replaceAll("\\| threads .*", ""))
                .toList();
    }

    @Test
    void quickRunTrainsOnADataSetSparsifiesOnHeldOutStringsAndReports(@TempDir Path dir) throws Exception {
        List<String> lines = figures(CliRuns.ok("run", "examples/general-detector.dmm", "--quick", "--out", dir.toString()));
        assertEquals(List.of(
                "data: 12 training strings (7 of length <= 8 for the first stage), 6 judging the cuts; alphabet \"abcdefghijklm .\"",
                "general detector: full gradient | seed 1 | batch 4 | dense steps 12 | restarts 0 ",
                "curriculum stage 1 of 2 (from step 0): mean of 7 items, 4 per step",
                "train step 4  loss 230.04  prereg 230.03  L1 10.47  λ 0.00100  links 1486",
                "curriculum stage 2 of 2 (from step 4): mean of 12 items, 4 per step",
                "train step 8  loss 110.26  prereg 110.26  L1 9.910  λ 0.00100  links 1486",
                "train step 12  loss 76.449  prereg 76.438  L1 10.81  λ 0.00100  links 1486",
                "dense phase: 12 steps, training loss 89.782, judge loss 116.68",
                "sparsify: 1486 soft links, validation 92.930 (after a 2-step λ=0 check); cutting |w| < 0.00500 each round, accepting up to 4.00x the last accepted (cap 278.8, floor 1000)",
                "shrink step 16  loss 116.81  prereg 116.70  L1 11.06  λ 0.0100  links 1486",
                "round 1: λ 0.01000, cut 786 (|w| < 0.00500) -> 700 links, validation 109.10  accepted",
                "polish step 20  loss 66.919  prereg 66.919  L1 9.121  λ 0.00  links 700",
                "polish: 4 steps with λ = 0 (was 0.01500); best validation 94.660 at step 16, kept",
                "sparsify: 1486 -> 700 soft links in 1 rounds (1 accepted), prereg 92.300, validation 94.660",
                "",
                "final: 700 soft links, judge loss 94.660, from attempt 1 of 1 (initial matrix seed 1); 16 steps",
                "  ; hard",
                "matrix (rank 4): " + dir.resolve("general-detector-matrix.json"),
                "graph (DOT): " + dir.resolve("general-detector.dot"),
                "log: " + dir.resolve("general-detector.csv") + "  plot: " + dir.resolve("general-detector.png"),
                "validation (strings never trained on; pass = prereg <= 0.01 over 10·L + 20 cycles):"), lines.subList(0, 21));
        List<String> table = lines.subList(21, lines.size());
        assertEquals(3, table.size(), table.toString());
        assertTrue(table.get(0).matches("  training alphabet \"abcdefghijklm .\" +\\d+/8 +pass \\(\\d+\\.\\d %\\)   median \\S+   worst \\S+ on \"[a-m .]+\\.\""), table.get(0));
        assertTrue(table.get(1).matches("  a-z, space and \\. +\\d+/8 +pass .* on \"[a-z .]+\\.\""), table.get(1));
        assertTrue(table.get(2).matches("  unseen characters \\(digits, A-Z, !\\?,;:-'\\) +\\d+/8 +pass .* on \"[0-9A-Z!?,;:'-]+\\.\""), table.get(2));
        // the final matrix in the published rank-4 layout, one leaf per soft link, readable by load-matrix
        assertEquals(700, VValueJson.readFile(dir.resolve("general-detector-matrix.json")).leafCount());
        List<String> check = figures(CliRuns.ok("run", "examples/general-detector.dmm", "--quick", "--matrix",
                dir.resolve("general-detector-matrix.json").toString()));
        assertEquals("checking " + dir.resolve("general-detector-matrix.json") + " : 700 soft links", check.get(1));
        assertEquals(table, check.subList(check.size() - 3, check.size()), "the saved matrix checks like the trained one");
        dmm.FileAssertions.assertPng(dir.resolve("general-detector.png"), 900, 500);
        assertTrue(Files.readString(dir.resolve("general-detector.ckpt.json")).contains("\"fingerprint\" : \"from 0: 7 items, batch 4, seed 1, mean, labels 430af8ecfd6661bc; from 4: 12 items, batch 4, seed 1, mean"));
    }

    /**
     * The committed result of the full run (docs/results/general-detector-matrix.json, 12 soft
     * links) is the handcrafted detector's equal on strings it never saw: every string of every
     * row passes, with losses at rounding level.
     */
    @Test
    void theCommittedMachineIsExactOnUnseenStrings() {
        List<String> check = figures(CliRuns.ok("run", "examples/general-detector.dmm", "--quick", "--matrix",
                "docs/results/general-detector-matrix.json"));
        assertEquals("checking docs/results/general-detector-matrix.json : 12 soft links", check.get(1));
        List<String> table = check.subList(check.size() - 3, check.size());
        for (String row : table) {
            assertTrue(row.matches(".* 8/8 +pass \\(100\\.0 %\\)   median \\S+   worst (\\S+) on .*"), row);
            double worst = Double.parseDouble(row.replaceAll(".* worst (\\S+) on .*", "$1"));
            assertTrue(worst < 1e-20, "exact to rounding: " + row);
        }
    }

    @Test
    void oneThreadOrTwoGiveTheSameRun(@TempDir Path dir) {
        List<String> one = figures(CliRuns.ok("run", "examples/general-detector.dmm", "--quick", "--threads", "1", "--out", dir.resolve("one").toString()));
        List<String> two = figures(CliRuns.ok("run", "examples/general-detector.dmm", "--quick", "--threads", "2", "--out", dir.resolve("two").toString()));
        assertEquals(one.stream().map(l -> l.replace(dir.resolve("one").toString(), "DIR")).toList(),
                two.stream().map(l -> l.replace(dir.resolve("two").toString(), "DIR")).toList());
    }
    /**
     * --restarts: a machine that is good but larger than --max-links starts over from the next
     * initial matrix (seed + 1000), on the same data, with its own checkpoint; the good machine
     * with the fewest links is kept. (--good-enough 1000 makes the quick run's machines good.)
     */
    @Test
    void aGoodButLargeMachineRestartsAndTheSmallestGoodOneIsKept(@TempDir Path dir) throws Exception {
        String out = CliRuns.ok("run", "examples/general-detector.dmm", "--quick", "--restarts", "1", "--good-enough", "1000", "--max-links", "0",
                "--out", dir.toString());
        List<String> lines = figures(out);
        assertTrue(lines.contains("attempt 1 is good at 700 links, more than --max-links 0"), out);
        assertTrue(lines.contains("restart 1 of 1: the initial matrix from seed 1001"), out);
        assertTrue(lines.contains("final: 700 soft links, judge loss 94.660, from attempt 1 of 2 (initial matrix seed 1); 32 steps"), out);
        assertTrue(Files.exists(dir.resolve("general-detector-restart-1.ckpt.json")), "the restart's own checkpoint");
        assertEquals(700, VValueJson.readFile(dir.resolve("general-detector-matrix.json")).leafCount(), "the smaller good machine is the one saved");
        // resumed: both attempts finished, nothing is trained again, the same machine is chosen
        List<String> again = figures(CliRuns.ok("run", "examples/general-detector.dmm", "--quick", "--restarts", "1", "--good-enough", "1000",
                "--max-links", "0", "--out", dir.toString(), "--resume", "auto"));
        assertEquals(2, again.stream().filter(l -> l.contains("the checkpointed sparsification is complete")).count(), String.join("\n", again));
        assertTrue(again.contains("final: 700 soft links, judge loss 94.660, from attempt 1 of 2 (initial matrix seed 1); 32 steps"), String.join("\n", again));
    }
    /** --restarts: a machine that is not good starts over; with none good, the lowest judge loss is kept. */
    @Test
    void aWrongMachineRestartsAndWithNoneGoodTheLowestLossIsKept(@TempDir Path dir) throws Exception {
        String out = CliRuns.ok("run", "examples/general-detector.dmm", "--quick", "--restarts", "1", "--out", dir.toString());
        List<String> lines = figures(out);
        assertTrue(lines.contains("attempt 1 is not good: judge loss 94.660 > --good-enough 0.01"), out);
        assertTrue(lines.contains("final: 781 soft links, judge loss 90.918, from attempt 2 of 2 (initial matrix seed 1001); 32 steps"), out);
        assertEquals(781, VValueJson.readFile(dir.resolve("general-detector-matrix.json")).leafCount());
    }
}
