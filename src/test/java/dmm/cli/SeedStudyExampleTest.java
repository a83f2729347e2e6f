package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/studies/general-detector-seeds.dmm in its quick configuration over two seeds: a row per
 * seed with the validation metrics, each seed's final matrix copied beside the results (the same
 * file its run wrote), the report; run again, it does nothing more; with --seed-list, only the
 * listed seeds not done yet run.
 */
class SeedStudyExampleTest {
    @Test
    void everySeedGetsARowItsMatrixAndTheReportCountsExactRuns(@TempDir Path dir) throws Exception {
        String out = CliRuns.ok("run", "examples/studies/general-detector-seeds.dmm", "--seeds", "2", "--quick", "--out", dir.toString());
        List<String> rows = runRows(dir);
        assertEquals(2, rows.size(), rows.toString());
        for (int seed = 1; seed <= 2; seed++) {
            String row = rows.get(seed - 1);
            assertTrue(row.contains("\"seed\":" + seed) && row.contains("\"ok\":true"), row);
            for (String metric : List.of("links", "steps", "seconds", "worst-a-z", "worst-train-alphabet", "worst-unseen", "median-a-z"))
                assertTrue(row.contains("\"" + metric + "\":"), metric + " in " + row);
            assertEquals(-1L, Files.mismatch(dir.resolve("seed=" + seed + "/general-detector-matrix.json"), dir.resolve("seed-" + seed + "-matrix.json")),
                    "seed " + seed + "'s matrix, copied as it was written");
        }
        assertTrue(out.contains("2 ok, 0 failed, 0 with worst-a-z <= 0.01"), out);
        assertTrue(Files.size(dir.resolve("worst-a-z.png")) > 0);
        String again = CliRuns.ok("run", "examples/studies/general-detector-seeds.dmm", "--seeds", "2", "--quick", "--out", dir.toString());
        assertTrue(again.contains("2 runs (2 done before)"), again);
        // --seed-list: these seeds in this order, into the same folder; seed 2 is done already
        String listed = CliRuns.ok("run", "examples/studies/general-detector-seeds.dmm", "--seed-list", "3,2", "--quick", "--out", dir.toString());
        assertTrue(listed.contains("2 runs (1 done before)"), listed);
        assertEquals(3, runRows(dir).size());
        assertTrue(runRows(dir).get(2).contains("\"seed\":3"), runRows(dir).toString());
        assertTrue(Files.exists(dir.resolve("seed-3-matrix.json")));
    }

    /** examples/studies/synthesis-seeds.dmm quick over one seed: a row for each gradient, the report by gradient. */
    @Test
    void theSynthesisStudyRunsBothGradientsPerSeed(@TempDir Path dir) throws Exception {
        String out = CliRuns.ok("run", "examples/studies/synthesis-seeds.dmm", "--seeds", "1", "--quick", "--out", dir.toString());
        List<String> rows = runRows(dir);
        assertEquals(2, rows.size(), rows.toString());
        for (String row : rows) {
            assertTrue(row.contains("\"seed\":1") && row.contains("\"ok\":true"), row);
            for (String metric : List.of("links", "prereg", "steps", "seconds", "teest-140", "test-150", "long-180"))
                assertTrue(row.contains("\"" + metric + "\":"), metric + " in " + row);
        }
        assertTrue(out.contains("full-gradient=false: 1 ok, 0 failed, 0 with prereg <= 0.0016"), out);
        assertTrue(out.contains("full-gradient=true: 1 ok, 0 failed"), out);
        assertTrue(Files.size(dir.resolve("prereg.png")) > 0);
    }

    /**
     * examples/studies/superfluid-seeds.dmm quick: the JAX draw (seed 0) and seed 1, a row each with purity and the
     * snapped results; --init-scale reaches every run.
     */
    @Test
    void theSuperfluidStudyRunsTheJaxDrawAndDmmsDraws(@TempDir Path dir) throws Exception {
        String out = CliRuns.ok("run", "examples/studies/superfluid-seeds.dmm", "--seeds", "1", "--quick", "--init-scale", "0.05",
                "--out", dir.toString());
        List<String> rows = runRows(dir);
        assertEquals(2, rows.size(), rows.toString());
        for (int seed = 0; seed <= 1; seed++) {
            String row = rows.get(seed);
            assertTrue(row.contains("\"seed\":" + seed) && row.contains("\"ok\":true"), row);
            // (a row is a V-value: a metric that is 0 — exact, a pass count — is absent, and read as 0)
            for (String metric : List.of("links", "min-purity", "worst-a-z", "snapped-worst-a-z", "polished-worst-a-z", "fluid-neurons"))
                assertTrue(row.contains("\"" + metric + "\":"), metric + " in " + row);
            for (String kind : List.of("", "-snapped"))
                assertTrue(Files.size(dir.resolve("seed-" + seed + kind + "-matrix.json")) > 0, "seed " + seed + kind);
        }
        assertTrue(out.contains("2 ok, 0 failed"), out);
        assertTrue(Files.readString(dir.resolve("seed=0/output.txt")).contains("the source's JAX draw"), "seed 0 is the JAX draw");
        for (int seed = 0; seed <= 1; seed++) {
            String header = Files.readString(dir.resolve("seed=" + seed + "/output.txt"));
            assertTrue(header.contains("| init scale 0.05 |"), "seed " + seed + " ran at the study's scale: " + header);
        }
    }

    /** The rows of the study's results.jsonl that are runs (its first line describes the study). */
    private static List<String> runRows(Path dir) throws java.io.IOException {
        return Files.readAllLines(dir.resolve("results.jsonl")).stream().filter(l -> l.contains("\"run\"")).toList();
    }
}
