package dmm.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dmm.bind.TestInterpreters;
import dmm.lang.EvalError;
import dmm.lang.Interpreter;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Studies never report stale rows, never run a run twice, survive a damaged results file, and
 * say clearly what is wrong with their input (issue: trust, round two).
 */
class StudyTrustTest {
    private static final Path TOY = Path.of("src/test/resources/study/toy.dmm");
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final Interpreter interp = interpreter(printed);

    private static Interpreter interpreter(ByteArrayOutputStream printed) {
        Interpreter i = TestInterpreters.quiet();
        i.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        StudyLib.install(i);
        return i;
    }

    private Object eval(String text) {
        return interp.eval("t.dmm", text);
    }

    private String error(String text) {
        return assertThrows(EvalError.class, () -> eval(text)).getMessage();
    }

    private static List<Result> run(Study s, Path dir) throws Exception {
        return new LocalRunner(s, new ResultFile(dir.resolve("results.jsonl")), dir, 2,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), null).run();
    }

    @Test
    void aRerunWithAnotherProgramOrOtherArgumentsIsRefusedNamingTheDifference(@TempDir Path dir) throws Exception {
        Path program = dir.resolve("p.dmm");
        Files.copy(TOY, program);
        Study s = new Study("t", program, Map.of("scale", List.of(1.0)), List.of(1L, 2L), List.of());
        assertEquals(2, run(s, dir).size());
        Files.writeString(program, "\n;; changed\n", StandardOpenOption.APPEND);
        String changed = assertThrows(IllegalArgumentException.class, () -> run(s, dir)).getMessage();
        assertTrue(changed.contains("the program " + program + " changed since"), changed);
        Files.copy(TOY, program, StandardCopyOption.REPLACE_EXISTING);
        Study otherArgs = new Study("t", program, Map.of("scale", List.of(1.0)), List.of(1L, 2L), List.of("--wait", "0"));
        String args = assertThrows(IllegalArgumentException.class, () -> run(otherArgs, dir)).getMessage();
        assertTrue(args.contains(":args were [], now [\"--wait\",\"0\"]"), args);
        // the same study, grown by a seed, goes on into the same file
        Study more = new Study("t", program, Map.of("scale", List.of(1.0)), List.of(1L, 2L, 3L), List.of());
        assertEquals(1, run(more, dir).size(), "only the new seed runs");
    }

    @Test
    void duplicateSeedsSettingsAndCasesAreRefusedUpFront() {
        assertTrue(error("(study \"d\" :program \"" + TOY + "\" :seeds [1 1 1])").contains("list a seed twice"));
        assertTrue(error("(study \"d\" :program \"" + TOY + "\" :grid [:x [1 1.0]])").contains("lists the value 1 twice"));
        assertTrue(error("(study \"d\" :program \"" + TOY + "\" :grid [:x [1] :x [2]])").contains("names the setting `x` twice"));
        assertTrue(error("(study \"d\" :program \"" + TOY + "\" :cases [[\"a\"] [\"a\" \"--scale\" \"2\"]])").contains("two cases named `a`"));
    }

    @Test
    void aSecondRunStudyIntoTheSameFolderFailsAtOnce(@TempDir Path dir) throws Exception {
        try (StudyLock held = StudyLock.acquire(dir, "first")) {
            Study s = new Study("t", TOY, Map.of("scale", List.of(1.0)), List.of(1L), List.of());
            String msg = assertThrows(IllegalArgumentException.class, () -> run(s, dir)).getMessage();
            assertTrue(msg.contains("another run-study is writing to " + dir + " (study first, process "), msg);
        }
        Study s = new Study("t", TOY, Map.of("scale", List.of(1.0)), List.of(1L), List.of());
        assertEquals(1, run(s, dir).size(), "free again once the first is done");
    }

    @Test
    void aLineThatIsNotUtf8IsSkippedAndNamed(@TempDir Path dir) throws Exception {
        Study s = new Study("t", TOY, Map.of("scale", List.of(1.0)), List.of(1L, 2L), List.of());
        run(s, dir);
        Path results = dir.resolve("results.jsonl");
        Files.write(results, new byte[] {'{', '"', (byte) 0xC3, '"', '}', '\n'}, StandardOpenOption.APPEND);
        List<String> warnings = new ArrayList<>();
        assertEquals(2, new ResultFile(results).read(warnings::add).size());
        assertTrue(warnings.get(0).endsWith("line 4 is not UTF-8 text; skipped"), warnings.toString());
        String report = (String) eval("(study-report \"" + results + "\")");
        assertTrue(report.contains("scale=1: 2 ok, 0 failed"), report);
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("line 4 is not UTF-8 text; skipped"));
    }

    @Test
    void reportsAndRunsSayWhatIsWrong(@TempDir Path dir) throws Exception {
        assertTrue(error("(study-report \"" + dir.resolve("missing.jsonl") + "\")").endsWith("missing.jsonl does not exist"));
        assertTrue(error("(study-report \"" + dir + "\")").contains("is a directory"));
        Study s = new Study("t", TOY, Map.of("scale", List.of(1.0)), List.of(1L), List.of());
        run(s, dir);
        String results = dir.resolve("results.jsonl").toString();
        assertTrue(error("(study-report \"" + results + "\" :metric :nope :plot \"" + dir.resolve("p.png") + "\")")
                .matches("(?s).*no successful run reports the metric `nope`; the metrics are (value, seed-twice|seed-twice, value).*"));
        assertTrue(error("(study-report \"" + results + "\" :metric :value :plot \"" + dir + "\")").contains("cannot write the plot " + dir));
        assertTrue(error("(study-result! 5)").contains("study-result! takes a map of numbers"));
        assertTrue(error("(run-study (study \"w\" :program \"" + TOY + "\") :workers 1e12 :out \"" + dir + "\")")
                .contains(":workers is a whole number from 1 to 1024"));
        assertTrue(error("(run-study (study \"m\" :program \"" + dir.resolve("none.dmm") + "\") :out \"" + dir.resolve("m") + "\")")
                .contains("does not exist"));
        String failed = error("(run-study (study \"f\" :program \"" + TOY + "\" :args [\"--fail\"] :seeds [1 2]) :workers 1 :out \""
                + dir.resolve("f") + "\")");
        assertTrue(failed.contains("every one of the 2 runs failed"), failed);
    }

    @Test
    void nonNumericMetricsAreLeftOutAndSaid(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results.jsonl");
        Files.writeString(results, """
                {"study":"s","run":"a","settings":{"case":"a"},"seed":1,"ok":true,"metrics":{"links":"many","prereg":0.5},"seconds":1,"out":"a"}
                """);
        List<String> warnings = new ArrayList<>();
        Report.Group g = Report.of(new ResultFile(results), warnings::add).groups().get(0);
        assertEquals(List.of(0.5), g.metrics().get("prereg"));
        assertTrue(!g.metrics().containsKey("links") && warnings.get(0).contains("the metric `links` = \"many\", not a number"), warnings.toString());
    }

    /** The launcher's jar has no Spark: :backend "spark" there is a clear error, not an internal one. */
    @Test
    void theSparkBackendWithoutSparkIsAClearError(@TempDir Path dir) throws Exception {
        String cp = String.join(File.pathSeparator, Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !isSparkJar(Path.of(e).getFileName().toString())).toList());
        assertTrue(!cp.equals(System.getProperty("java.class.path")), "the test classpath lists Spark's jars");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp, "dmm.cli.Main", "eval",
                "(run-study (study \"t\" :program \"" + TOY + "\") :backend \"spark\" :out \"" + dir + "\")").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(70, p.waitFor(), out);
        assertTrue(out.contains("needs Apache Spark, which the dmm launcher does not bundle"), out);
        assertTrue(!out.contains("internal error"), out);
    }

    /** Judged by the file name alone: the project's own folder may be named anything (h-spark, say). */
    private static boolean isSparkJar(String name) {
        return name.endsWith(".jar") && (name.contains("spark") || name.contains("scala"));
    }
}
