package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flagship example in a shortened configuration (the full run takes minutes, not CI seconds). */
class SynthesisExampleTest {
    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, () -> err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void quickRunTrainsPrunesAndReports(@TempDir Path dir) throws Exception {
        String out = run("run", "examples/synthesis.dmm", "--quick", "--out", dir.toString());
        assertTrue(out.contains("published gradient"), out);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("round 1: λ \\S+, cut (\\d+) \\(\\|w\\| < 0.005\\d*\\) -> (\\d+) links.*accepted").matcher(out);
        assertTrue(m.find(), out);
        int cut = Integer.parseInt(m.group(1)), left = Integer.parseInt(m.group(2));
        assertTrue(cut > 0, "ten steps of L1 at λ = 0.01 bring some links below 0.005");
        assertEquals(1486 - cut, left);
        assertTrue(out.contains("generalization"), out);
        List<String> csv = Files.readAllLines(dir.resolve("synthesis.csv"));
        double first = Double.parseDouble(csv.get(1).split(",")[2]);
        double lastDense = Double.parseDouble(csv.get(40).split(",")[2]);
        assertTrue(lastDense < first / 4, "prereg " + first + " -> " + lastDense);
        for (String f : new String[] {"synthesis.png", "synthesis.ckpt.json", "synthesis-dense.ckpt.json", "synthesis-matrix.json", "synthesis.dot"})
            assertTrue(Files.size(dir.resolve(f)) > 0, f);

        // the saved rank-4 matrix can be evaluated by the same example
        String eval = run("run", "examples/synthesis.dmm", "--matrix", dir.resolve("synthesis-matrix.json").toString());
        assertTrue(eval.contains(left + " soft links"), eval);
        String trainedRow = out.lines().filter(l -> l.contains("\"test string.\"") && l.contains("140 cycles")).findFirst().orElseThrow();
        String evaluatedRow = eval.lines().filter(l -> l.contains("\"test string.\"") && l.contains("140 cycles")).findFirst().orElseThrow();
        assertEquals(trainedRow, evaluatedRow, "evaluating the saved matrix reproduces the trained network's loss");
    }
}
