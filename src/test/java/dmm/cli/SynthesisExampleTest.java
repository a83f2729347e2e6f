package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import dmm.vvalue.VValueJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flagship example in a shortened configuration (the full run takes minutes, not CI seconds). */
class SynthesisExampleTest {
    private static String run(String... args) {
        return CliRuns.ok(args);
    }

    @Test
    void quickRunTrainsPrunesAndReports(@TempDir Path dir) throws Exception {
        String out = run("run", "examples/synthesis.dmm", "--quick", "--out", dir.toString());
        List<String> lines = out.lines().toList();
        assertEquals("synthesis: published gradient (stop-gradient on accumulator memory) | seed 1 | dense steps 40 | window 140", lines.get(0));
        // seed 1 and a fixed schedule: every figure is reproducible; only the timings vary
        List<String> progress = lines.stream().filter(l -> l.matches("(train|shrink|polish) step .*"))
                .map(l -> l.replaceAll("  [0-9.]+ steps/s  ETA \\S+$", "")).toList();
        assertEquals(List.of(
                "train step 10  loss 174.70  prereg 174.69  L1 10.87  λ 0.00100  links 1486",
                "train step 20  loss 106.19  prereg 106.18  L1 11.40  λ 0.00100  links 1486",
                "train step 30  loss 98.511  prereg 98.499  L1 12.40  λ 0.00100  links 1486",
                "train step 40  loss 88.557  prereg 88.543  L1 14.35  λ 0.00100  links 1486",
                "shrink step 50  loss 78.705  prereg 78.536  L1 16.91  λ 0.0100  links 1486",
                "polish step 60  loss 64.046  prereg 64.046  L1 19.40  λ 0.00  links 783"), progress);
        assertEquals(List.of(
                "dense phase: prereg 88.200 after 40 steps",
                "sparsify: 1486 soft links, prereg 80.720 (after a 5-step λ=0 check); cutting |w| < 0.00500 each round, "
                        + "accepting up to 4.00x the last accepted (cap 242.2, floor 1000)",
                "round 1: λ 0.01000, cut 703 (|w| < 0.00500) -> 783 links, prereg 69.255  accepted",
                "polish: 10 steps with λ = 0 (was 0.01500); best prereg 62.520 at step 60, kept",
                "sparsify: 1486 -> 783 soft links in 1 rounds (1 accepted), prereg 62.520"),
                lines.stream().filter(l -> l.matches("(dense phase|sparsify|round \\d+|polish):.*")).toList());
        int fin = lines.indexOf(lines.stream().filter(l -> l.startsWith("final:")).findFirst().orElseThrow());
        assertEquals("final: 783 soft links, prereg 62.5204, 60 steps", lines.get(fin).replaceAll(" in [0-9.]+ s \\(.*", ""));
        // the network's links: 783 soft, then the 12 hard ones
        int hard = lines.indexOf("  ; hard");
        assertEquals(783, hard - fin - 1, "one line per soft link");
        List<String> linkLines = lines.subList(fin + 1, hard + 13);
        assertTrue(linkLines.stream().allMatch(l -> l.equals("  ; hard") || l.matches("  \\S+\\.\\S+ <- \\S+ \\S+\\.\\S+")), linkLines.toString());
        assertEquals(List.of(
                "matrix (rank 4): " + dir.resolve("synthesis-matrix.json"),
                "graph (DOT): " + dir.resolve("synthesis.dot"),
                "log: " + dir.resolve("synthesis.csv") + "  plot: " + dir.resolve("synthesis.png")), lines.subList(hard + 13, hard + 16));
        List<String> generalization = List.of(
                "generalization (prereg loss of the trained network vs the handcrafted one):",
                "  \"test string.\"                140 cycles  62.5204",
                "  \"test string.\"                150 cycles  106.624",
                "  \"teest string.\"               140 cycles  49.3697",
                "  \"teest string.\"               150 cycles  70.6017",
                "  \"tets string.\"                140 cycles  63.8060",
                "  \"tets string.\"                150 cycles  107.910",
                "  \"tets. str.ingtb str.ingtb\"   140 cycles  95.0979",
                "  \"tets. str.ingtb str.ingtb\"   180 cycles  111.721",
                "  \"tets. str.ingtb str.ingtb\"   250 cycles  573.484");
        assertEquals(generalization, lines.subList(hard + 16, lines.size()));

        // the files: the log (every step taken, trial steps included), its plot, both checkpoints, the matrix, the graph
        List<String> csv = Files.readAllLines(dir.resolve("synthesis.csv"));
        assertEquals(71, csv.size(), "header, 40 dense steps, the 5-step check, 10 shrink, 5 judge and 10 polish steps");
        assertEquals(447.9793679711541, Double.parseDouble(csv.get(1).split(",")[2]), 1e-9, "prereg at step 1");
        assertEquals(88.54257507945479, Double.parseDouble(csv.get(40).split(",")[2]), 1e-9, "prereg at step 40");
        dmm.FileAssertions.assertPng(dir.resolve("synthesis.png"), 900, 500);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode ckpt = json.readTree(Files.readString(dir.resolve("synthesis.ckpt.json")));
        assertEquals(List.of("dmm-checkpoint/2", "feedforward", "60", "done"), List.of(ckpt.path("format").asText(), ckpt.path("network").asText(),
                ckpt.path("step").asText(), ckpt.path("sparsification").path("phase").asText()));
        com.fasterxml.jackson.databind.JsonNode dense = json.readTree(Files.readString(dir.resolve("synthesis-dense.ckpt.json")));
        assertEquals(List.of("dmm-checkpoint/2", "feedforward", "40"), List.of(dense.path("format").asText(), dense.path("network").asText(),
                dense.path("step").asText()));
        assertFalse(dense.has("sparsification"), "written after the dense phase");
        assertEquals(783, VValueJson.readFile(dir.resolve("synthesis-matrix.json")).leafCount(), "one leaf per soft link");
        List<String> dot = Files.readAllLines(dir.resolve("synthesis.dot"));
        assertEquals("digraph \"feedforward\" {", dot.get(0));
        assertEquals("}", dot.get(dot.size() - 1));
        assertEquals(45, dot.stream().filter(l -> l.matches("  \"[^\"]+\" \\[label=.*")).count(), "one node per neuron");
        assertEquals(783, dot.stream().filter(l -> l.contains(" -> ") && !l.contains("style=dashed")).count(), "one edge per soft link");
        assertEquals(12, dot.stream().filter(l -> l.contains(" -> ") && l.contains("style=dashed")).count(), "one dashed edge per hard link");

        // the saved rank-4 matrix, evaluated by the same example, is the same network with the same losses
        Path matrix = dir.resolve("synthesis-matrix.json");
        List<String> eval = run("run", "examples/synthesis.dmm", "--matrix", matrix.toString()).lines().toList();
        assertEquals("evaluating " + matrix + " : 783 soft links", eval.get(0));
        assertEquals(linkLines, eval.subList(1, 1 + linkLines.size()), "the same links and weights");
        assertEquals(generalization, eval.subList(1 + linkLines.size(), eval.size()), "the same losses");
    }
}
