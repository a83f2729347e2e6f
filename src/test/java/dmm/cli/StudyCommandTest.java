package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dmm study run|report}: the study forms as commands, with the forms' results and errors. */
class StudyCommandTest {
    private static final String RESULTS = "docs/results/repair/study/results.jsonl";

    private record Ran(int code, String out, String err) {}

    private static Ran dmm(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Ran(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void reportPrintsWhatTheFormPrintsAndDrawsThePlot(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("links.png");
        Ran command = dmm("study", "report", RESULTS, "--metric", "links", "--threshold", "12", "--plot", png.toString());
        Ran form = dmm("eval", "(study-report \"" + RESULTS + "\" :metric \"links\" :threshold 12) nil");
        assertEquals(0, command.code(), command.err());
        assertEquals(form.out().replaceAll("\nnil\n$", "\n"), command.out());
        assertTrue(command.out().contains("links <= 12"), command.out());
        assertTrue(Files.size(png) > 1000, "the plot was drawn");
    }

    @Test
    void badInputIsAClearErrorWithTheUsualExitCodes() {
        Ran missing = dmm("study", "report", "no/such/results.jsonl");
        assertEquals(Main.RUNTIME, missing.code());
        assertTrue(missing.err().contains("study-report: no/such/results.jsonl does not exist"), missing.err());
        Ran option = dmm("study", "report", RESULTS, "--metrc", "links");
        assertEquals(Main.USAGE, option.code());
        assertTrue(option.err().contains("unknown option `--metrc` of study report"), option.err());
        Ran threshold = dmm("study", "report", RESULTS, "--threshold", "twelve");
        assertEquals(Main.USAGE, threshold.code());
        assertEquals(Main.USAGE, dmm("study").code());
        Ran run = dmm("study", "run", "no/such/study.dmm");
        assertEquals(Main.NO_INPUT, run.code(), run.err());
    }
}
