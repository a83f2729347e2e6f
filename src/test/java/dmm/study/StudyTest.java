package dmm.study;

import static org.junit.jupiter.api.Assertions.*;

import dmm.cli.Toolkit;
import dmm.lang.Interpreter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Studies: the grid, isolated runs, results appended as runs finish, resumption, the report. */
class StudyTest {
    private static final Path TOY = Path.of("src/test/resources/study/toy.dmm");

    private static Study toy(String name, List<Object> scales, List<String> extra) {
        return new Study(name, TOY, Map.of("scale", scales), List.of(1L, 2L), extra);
    }

    private static List<Result> run(Study s, Path dir, int workers) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        return new LocalRunner(s, new ResultFile(dir.resolve("results.jsonl")), dir, workers,
                new PrintStream(log, true, StandardCharsets.UTF_8), null).run();
    }

    /** A row without its wall time and executor. */
    static List<Object> content(Result r) {
        return List.of(r.study(), r.run(), r.settings(), r.seed(), r.ok(), r.metrics(), String.valueOf(r.error()));
    }

    @Test
    void theGridTimesTheSeedsGivesTheRunsWithTheirArguments() {
        Study s = new Study("g", TOY, new LinkedHashMap<>(Map.of("lr", List.of(0.001, 0.0003))), List.of(1L, 2L), List.of("--quick"));
        List<Study.Run> runs = s.runs();
        assertEquals(List.of("lr=0.001,seed=1", "lr=0.001,seed=2", "lr=3.0E-4,seed=1", "lr=3.0E-4,seed=2"), runs.stream().map(Study.Run::id).toList());
        assertEquals(List.of("--lr", "0.001", "--seed", "2", "--out", "o", "--quick"), runs.get(1).args(Path.of("o"), s.extraArgs()));
        Study b = new Study("b", TOY, Map.of("full-gradient", List.of(true, false)), List.of(7L), List.of());
        assertEquals(List.of("--full-gradient", "--seed", "7", "--out", "o"), b.runs().get(0).args(Path.of("o"), List.of()));
        assertEquals(List.of("--seed", "7", "--out", "o"), b.runs().get(1).args(Path.of("o"), List.of()));
    }

    @Test
    void namedCasesStandForTheirArguments() {
        Map<String, List<String>> cases = new LinkedHashMap<>();
        cases.put("plain", List.of());
        cases.put("clip", List.of("--clip", "1"));
        Study s = new Study("c", TOY, Map.of(), List.of(1L, 2L), List.of("--dense-only"), cases);
        assertEquals(List.of("case=plain,seed=1", "case=plain,seed=2", "case=clip,seed=1", "case=clip,seed=2"),
                s.runs().stream().map(Study.Run::id).toList());
        assertEquals(List.of("--clip", "1", "--seed", "1", "--out", "o", "--dense-only"), s.runs().get(2).args(Path.of("o"), s.extraArgs()));
        assertEquals("case=clip", s.runs().get(2).settingsLabel());
        assertThrows(IllegalArgumentException.class, () -> new Study("x", TOY, Map.of("a", List.of(1.0)), List.of(1L), List.of(), cases));
        assertEquals("a study's value of `mode` may use letters, digits and . _ + - only, got \"a,b\"",
                assertThrows(IllegalArgumentException.class, () -> new Study("x", TOY, Map.of("mode", List.of("a,b")), List.of(1L), List.of())).getMessage());
    }

    @Test
    void oneAndTwoWorkersGiveTheSameRowsAndEveryRunIsIsolated(@TempDir Path dir) throws Exception {
        Study s = toy("toy", List.of(1.0, 10.0), List.of());
        List<Result> one = run(s, dir.resolve("one"), 1), two = run(s, dir.resolve("two"), 2);
        assertEquals(4, one.size());
        assertEquals(one.stream().map(StudyTest::content).toList(), two.stream().map(StudyTest::content).toList());
        // a run's random numbers depend on its seed only, not on what ran before it in the process
        assertEquals(one.get(0).metrics().get("value") * 10, one.get(2).metrics().get("value"), 1e-12);
        assertEquals(4.0, one.get(3).metrics().get("seed-twice"));
        assertEquals("running with scale 10 and seed 2\n",
                Files.readString(dir.resolve("one").resolve(RunOne.safe("scale=10,seed=2")).resolve("output.txt")));
        assertEquals(4, new ResultFile(dir.resolve("two/results.jsonl")).read().size());
    }

    @Test
    void sparkLocalGivesTheSameRowsAsTheLocalBackend(@TempDir Path dir) throws Exception {
        assertTrue(StudyLib.sparkOnClasspath(), "Spark is on the test classpath");
        Study s = toy("toy", List.of(1.0, 10.0), List.of());
        List<Result> local = run(s, dir.resolve("local"), 2);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Result> spark = new SparkRunner(s, new ResultFile(dir.resolve("spark/results.jsonl")), dir.resolve("spark"), "local[2]",
                new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        assertEquals(local.stream().map(StudyTest::content).toList(),
                spark.stream().sorted(Comparator.comparing(r -> s.runs().stream().map(Study.Run::id).toList().indexOf(r.run())))
                        .map(StudyTest::content).toList(), log.toString(StandardCharsets.UTF_8));
        assertEquals(4, new ResultFile(dir.resolve("spark/results.jsonl")).read().size());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("Spark started in "), log.toString(StandardCharsets.UTF_8));
    }

    /**
     * The driver is the only writer: a task that fails after its run (as when an executor dies
     * after the work, before Spark hears of it) is run again by Spark, and the results file
     * still has exactly one row per run (when the tasks appended their own rows, the retried
     * runs had two).
     */
    @Test
    void aTaskRetriedBySparkLeavesOneRowPerRun(@TempDir Path dir) throws Exception {
        Study s = toy("retry", List.of(1.0, 10.0), List.of());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setProperty(SparkRunner.INJECT_FAILURE_ONCE, dir.resolve("failed-once").toString());
        List<Result> spark;
        try {
            spark = new SparkRunner(s, new ResultFile(dir.resolve("out/results.jsonl")), dir.resolve("out"), "local[2,3]",
                    new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        } finally {
            System.clearProperty(SparkRunner.INJECT_FAILURE_ONCE);
        }
        try (var markers = Files.list(dir.resolve("failed-once"))) {
            assertEquals(4, markers.count(), "every task failed once and was retried");
        }
        assertEquals(4, spark.size(), log.toString(StandardCharsets.UTF_8));
        List<String> rows = new ResultFile(dir.resolve("out/results.jsonl")).read().stream().map(Result::run).sorted().toList();
        assertEquals(s.runs().stream().map(Study.Run::id).sorted().toList(), rows, "one row per run");
        assertEquals(local(s, dir), spark.stream().sorted(Comparator.comparing(r -> s.runs().stream().map(Study.Run::id).toList().indexOf(r.run())))
                .map(StudyTest::content).toList());
    }

    private List<Object> local(Study s, Path dir) throws Exception {
        return run(s, dir.resolve("local"), 2).stream().map(StudyTest::content).map(Object.class::cast).toList();
    }

    @Test
    void aFailedRunIsRecordedWithItsErrorAndTheOthersGoOn(@TempDir Path dir) throws Exception {
        Study s = new Study("f", TOY, Map.of("fail", List.of(false, true)), List.of(1L), List.of());
        List<Result> rows = run(s, dir, 2);
        assertTrue(rows.get(0).ok());
        assertFalse(rows.get(1).ok());
        assertTrue(rows.get(1).error().contains("asked to fail"), rows.get(1).error());
        assertEquals(List.of(), rows.get(1).metrics().keySet().stream().toList());
    }

    @Test
    void aStudyKilledMidwayResumesWithoutRerunningFinishedRuns(@TempDir Path dir) throws Exception {
        Path study = dir.resolve("study.dmm");
        Files.writeString(study, """
            (run-study (study "slow" :program "%s" :grid [:scale [1 2 3]] :seeds [1 2] :args ["--wait" "0.4"]) :workers 1 :out "%s")
            """.formatted(TOY.toAbsolutePath().toString().replace("\\", "/"), dir.resolve("out").toString().replace("\\", "/")));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dmm.cli.Main", "run", study.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        ResultFile file = new ResultFile(dir.resolve("out/results.jsonl"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive() && file.read().size() < 2) Thread.sleep(20);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        List<Result> before = file.read();
        assertTrue(before.size() >= 2 && before.size() < 6, "killed midway: " + before.size() + " rows\n" + Files.readString(dir.resolve("killed.log")));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Interpreter interp = Toolkit.newInterpreter(new PrintStream(out, true, StandardCharsets.UTF_8), false);
        interp.loadFile(study);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("study slow: 6 runs (" + before.size() + " done before), 1 worker;"), printed);
        List<Result> after = file.read();
        assertEquals(6, after.size(), "each run recorded once");
        assertEquals(before.stream().map(StudyTest::content).toList(), after.subList(0, before.size()).stream().map(StudyTest::content).toList());
        assertEquals(6, after.stream().map(Result::run).distinct().count());
    }

    @Test
    void theReportSummarizesEachSettingAndDrawsTheBoxes(@TempDir Path dir) throws Exception {
        Study s = toy("toy", List.of(1.0, 10.0), List.of());
        run(s, dir, 2);
        Report r = Report.of(new ResultFile(dir.resolve("results.jsonl")));
        assertEquals(List.of("scale=1", "scale=10"), r.groups().stream().map(Report.Group::setting).toList());
        String table = r.table("seed-twice", 2);
        assertTrue(table.startsWith("scale=1: 2 ok, 0 failed, 1 with seed-twice <= 2\n"), table);
        assertTrue(table.contains("  seed-twice     median 3          [2.5, 3.5]  min 2  max 4  (n 2)"), table);
        assertEquals(new Report.Stats(4, 1, 1.75, 2.5, 3.25, 4), Report.Stats.of(List.of(4.0, 1.0, 3.0, 2.0)));
        r.plot("value", dir.resolve("value.png"), false);
        dmm.FileAssertions.assertPng(dir.resolve("value.png"), 600, 450);   // 200 px a setting, at least 600
    }

    /** Six seeds, one exact and one failed far out: the plot shows each run, and its axis reaches both. */
    @Test
    void thePlotDrawsEveryRunTheOutliersIncluded(@TempDir Path dir) throws Exception {
        ResultFile file = new ResultFile(dir.resolve("results.jsonl"));
        double[] medians = {0.0136, 0.0316, 0.0498, 0.00145, 0.0319, 77.1};
        for (int seed = 0; seed < medians.length; seed++)
            file.append(new Result("s", "seed=" + seed, Map.of(), seed, true, Map.of("median-a-z", medians[seed]), null, 1, "seed=" + seed, null));
        org.jfree.chart.plot.CategoryPlot plot = Report.of(file).chart("median-a-z", true).getCategoryPlot();
        org.jfree.data.Range axis = plot.getRangeAxis().getRange();
        assertTrue(axis.contains(Math.log10(0.00145)) && axis.contains(Math.log10(77.1)), "axis " + axis);
        var runs = (org.jfree.data.statistics.MultiValueCategoryDataset) plot.getDataset(1);
        assertEquals(6, runs.getValues(0, 0).size(), "one dot a run");
        Report.of(file).plot("median-a-z", dir.resolve("median-a-z.png"), true);
        dmm.FileAssertions.assertPng(dir.resolve("median-a-z.png"), 600, 450);
    }

    @Test
    void aRowRecordsWhereItRanAndARowWithoutItStillReads(@TempDir Path dir) throws Exception {
        ResultFile file = new ResultFile(dir.resolve("results.jsonl"));
        file.append(new Result("s", "a-1", Map.of("case", "a"), 1, true, Map.of("links", 11.0), null, 1, "a-1", "3@10.0.0.7"));
        Files.writeString(file.path(), """
                {"study":"s","run":"a-2","settings":{"case":"a"},"seed":2,"ok":true,"metrics":{"links":8},"seconds":1,"out":"a-2"}
                """, StandardOpenOption.APPEND);
        List<Result> rows = file.read();
        assertEquals("3@10.0.0.7", rows.get(0).executor());
        assertNull(rows.get(1).executor(), "a row of an older dmm");
    }

    @Test
    void theLocalBackendNamesThisMachineAsEachRowsExecutor(@TempDir Path dir) throws Exception {
        List<Result> rows = run(toy("toy", List.of(1.0), List.of()), dir, 1);
        assertTrue(RunOne.LOCAL.startsWith("local@") && RunOne.LOCAL.length() > "local@".length(), RunOne.LOCAL);
        assertEquals(List.of(RunOne.LOCAL, RunOne.LOCAL), rows.stream().map(Result::executor).toList());
        assertEquals(List.of(RunOne.LOCAL, RunOne.LOCAL), new ResultFile(dir.resolve("results.jsonl")).read().stream().map(Result::executor).toList());
    }

    /** spark-submit gives the master as a system property: it is the one used, and the one the log names. */
    @Test
    void aMasterGivenBySparkSubmitWinsOverTheProgramsAndIsNamed(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setProperty("spark.master", "local[1]");
        try {
            new SparkRunner(new Study("m", TOY, Map.of(), List.of(1L), List.of()), new ResultFile(dir.resolve("results.jsonl")), dir, "local[2]",
                    new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        } finally {
            System.clearProperty("spark.master");
        }
        assertTrue(log.toString(StandardCharsets.UTF_8).startsWith("study m on Spark (local[1]): 1 runs"), log.toString(StandardCharsets.UTF_8));
    }

    /** The driver binds to loopback for a master on this machine only: executors elsewhere could not reach it there. */
    @Test
    void theDriverStaysOnLoopbackOnlyForAMasterOnThisMachine() {
        for (String here : List.of("local", "local[2]", "local[2,3]", "spark://127.0.0.1:7077", "spark://localhost:7077"))
            assertTrue(SparkRunner.onThisMachine(here), here);
        for (String elsewhere : List.of("spark://node1:7077", "spark://node1:7077,node2:7077", "yarn", "k8s://https://10.0.0.1:443"))
            assertFalse(SparkRunner.onThisMachine(elsewhere), elsewhere);
        Study s = toy("toy", List.of(1.0), List.of());
        SparkRunner remote = new SparkRunner(s, new ResultFile(Path.of("r.jsonl")), Path.of("out"), "spark://node1:7077", "WARN",
                Map.of("spark.executor.memory", "2g"), System.out);
        assertFalse(remote.sparkConf().contains("spark.driver.host"));
        assertEquals("2g", remote.sparkConf().get("spark.executor.memory"));
        SparkRunner local = new SparkRunner(s, new ResultFile(Path.of("r.jsonl")), Path.of("out"), "local[2]", System.out);
        assertEquals("127.0.0.1", local.sparkConf().get("spark.driver.host"));
    }

    /** One setting: no setting column; a failed run gives its first error line, escaped for Markdown, and no metrics. */
    @Test
    void theRunsTableGivesEachRunItsRow(@TempDir Path dir) throws Exception {
        ResultFile file = new ResultFile(dir.resolve("results.jsonl"));
        file.append(new Result("s", "seed=3", Map.of(), 3, true, Map.of("links", 11.0, "loss", 0.0123456), null, 1, "seed=3", null));
        file.append(new Result("s", "seed=1", Map.of(), 1, false, Map.of(), "NaN in the loss | at step 40\n  more", 1, "seed=1", null));
        file.append(new Result("s", "seed=2", Map.of(), 2, true, Map.of("links", 8.0), null, 1, "seed=2", null));
        assertEquals("""
                | seed | outcome | links | loss |
                |---|---|---|---|
                | 1 | failed: NaN in the loss \\| at step 40 | | |
                | 2 | ok | 8 | 0 |
                | 3 | ok | 11 | 0.01235 |
                """, Report.of(file).runsTable(List.of("links", "loss")));
    }

    /** study-result! {:pass 0 :links 11} reaches the file as {:links 11}: the report reads the missing metric as 0. */
    @Test
    void aMetricMissingFromASuccessfulRowCountsAsZero(@TempDir Path dir) throws Exception {
        ResultFile file = new ResultFile(dir.resolve("results.jsonl"));
        file.append(new Result("s", "a-1", Map.of("case", "a"), 1, true, Map.of("links", 11.0), null, 1, "a-1", null));
        file.append(new Result("s", "a-2", Map.of("case", "a"), 2, true, Map.of("links", 8.0, "pass", 200.0), null, 1, "a-2", null));
        file.append(new Result("s", "a-3", Map.of("case", "a"), 3, false, Map.of(), "failed", 1, "a-3", null));
        Report.Group g = Report.of(file).groups().get(0);
        assertEquals(List.of(0.0, 200.0), g.metrics().get("pass"));
        assertEquals(List.of(11.0, 8.0), g.metrics().get("links"));
        assertEquals(1, g.failed());
    }
}
