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
    void runsPutsEveryRunOnARowOfAMarkdownTable() {
        Ran command = dmm("study", "report", RESULTS, "--runs", "links,repaired");
        Ran form = dmm("eval", "(study-report \"" + RESULTS + "\" :runs [:links :repaired]) nil");
        assertEquals(0, command.code(), command.err());
        assertEquals(form.out().replaceAll("\nnil\n$", "\n"), command.out());
        String out = command.out();
        assertTrue(out.contains("\n| setting | seed | outcome | links | repaired |\n|---|---|---|---|---|\n"), out);
        // the run with settings {case none} and seed 1: 8 links, repaired (the study's control)
        assertTrue(out.contains("\n| case=none | 1 | ok | 8 | 1 |\n"), out);
        // a run that did not report `repaired` (0 drops out of a V-value) shows 0, as the summaries count it
        assertTrue(out.contains("\n| case=delete-2 | 1 | ok | 11 | 0 |\n"), out);
        // seeds in order within a setting, settings in the file's order
        assertTrue(out.indexOf("| case=rewire-2 | 1 |") < out.indexOf("| case=rewire-2 | 2 |"), out);
        Ran all = dmm("study", "report", RESULTS, "--runs", "all");
        assertTrue(all.out().contains("| setting | seed | outcome | circuit-exact | circuit-present | links |"), all.out());
        Ran unknown = dmm("study", "report", RESULTS, "--runs", "links,lnks");
        assertEquals(Main.RUNTIME, unknown.code());
        assertTrue(unknown.err().contains("study-report :runs: no successful run reports the metric `lnks`; the metrics are circuit-exact, "), unknown.err());
        assertEquals(Main.USAGE, dmm("study", "report", RESULTS, "--runs").code());
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
