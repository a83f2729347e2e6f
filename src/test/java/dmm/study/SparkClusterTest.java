package dmm.study;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Studies on a Spark standalone cluster of this machine (a master and two workers, separate JVMs on
 * 127.0.0.1): the runs execute in both workers' executors and give the local backend's rows; a
 * worker killed mid-study loses no run and duplicates none; a driver killed mid-study and started
 * again does only the runs left. Spark is on the test class path, so these tests never skip.
 */
class SparkClusterTest {
    private static final Path TOY = Path.of("src/test/resources/study/toy.dmm").toAbsolutePath();

    /** Eight runs of the toy program, each busy for {@code wait} seconds. */
    private static Study toy(String name, String wait) {
        return new Study(name, TOY, Map.of("scale", List.of(1.0, 2.0, 3.0, 4.0)), List.of(1L, 2L), List.of("--wait", wait));
    }

    private static List<String> ids(Study s) {
        return s.runs().stream().map(Study.Run::id).toList();
    }

    private static List<List<Object>> inStudyOrder(Study s, List<Result> rows) {
        return rows.stream().sorted(Comparator.comparing(r -> ids(s).indexOf(r.run()))).map(StudyTest::content).toList();
    }

    @Test
    void bothWorkersRunTasksAndTheRowsAreTheLocalBackends(@TempDir Path dir) throws Exception {
        Study s = toy("cluster", "0.3");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (StandaloneCluster c = StandaloneCluster.start(dir.resolve("cluster"), 2)) {
            List<Result> rows = new SparkRunner(s, new ResultFile(dir.resolve("spark/results.jsonl")), dir.resolve("spark"), c.url(), "WARN",
                    c.driverConf(), new PrintStream(log, true, StandardCharsets.UTF_8)).run();
            String why = log.toString(StandardCharsets.UTF_8) + c.logs();
            Map<String, Integer> workerOf = c.executorsOfNewestApp();
            Set<Integer> workers = new TreeSet<>();
            for (Result r : rows) {
                assertTrue(r.executor().endsWith("@127.0.0.1"), r.executor());
                String id = r.executor().substring(0, r.executor().indexOf('@'));
                assertTrue(workerOf.containsKey(id), "executor " + id + " is one of the workers' " + workerOf + "\n" + why);
                workers.add(workerOf.get(id));
            }
            assertEquals(Set.of(0, 1), workers, "runs per executor: " + rows.stream().collect(Collectors.groupingBy(Result::executor,
                    Collectors.counting())) + "\n" + why);
            List<Result> local = new LocalRunner(s, new ResultFile(dir.resolve("local/results.jsonl")), dir.resolve("local"), 2,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), null).run();
            assertEquals(inStudyOrder(s, local), inStudyOrder(s, rows), why);
            assertEquals(inStudyOrder(s, rows), inStudyOrder(s, new ResultFile(dir.resolve("spark/results.jsonl")).read()), "the file has the rows");
            assertTrue(local.stream().allMatch(r -> r.executor().equals(RunOne.LOCAL)), "the local backend names itself");
        }
    }

    @Test
    void aWorkerKilledMidStudyLosesNoRunAndDuplicatesNone(@TempDir Path dir) throws Exception {
        Study s = toy("kill-worker", "0.6");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ResultFile file = new ResultFile(dir.resolve("out/results.jsonl"));
        try (StandaloneCluster c = StandaloneCluster.start(dir.resolve("cluster"), 2)) {
            SparkRunner runner = new SparkRunner(s, file, dir.resolve("out"), c.url(), "WARN", c.driverConf(),
                    new PrintStream(log, true, StandardCharsets.UTF_8));
            CompletableFuture<List<Result>> study = CompletableFuture.supplyAsync(() -> {
                try {
                    return runner.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitRows(file, 2, study::isDone, () -> log.toString(StandardCharsets.UTF_8));
            int before = file.read().size();
            c.killWorker(1);
            List<Result> rows = study.get(180, TimeUnit.SECONDS);
            String why = log.toString(StandardCharsets.UTF_8) + c.logs();
            assertTrue(before < 8, "killed mid-study (" + before + " rows before)\n" + why);
            assertEquals(ids(s), rows.stream().map(Result::run).sorted(Comparator.comparing(ids(s)::indexOf)).toList(), why);
            List<String> inFile = file.read().stream().map(Result::run).sorted(Comparator.comparing(ids(s)::indexOf)).toList();
            assertEquals(ids(s), inFile, "exactly one row per run\n" + why);
            assertTrue(rows.stream().allMatch(Result::ok), why);
        }
    }

    @Test
    void aDriverKilledMidStudyAndStartedAgainDoesOnlyTheRunsLeft(@TempDir Path dir) throws Exception {
        ResultFile file = new ResultFile(dir.resolve("out/results.jsonl"));
        try (StandaloneCluster c = StandaloneCluster.start(dir.resolve("cluster"), 2)) {
            Path program = dir.resolve("study.dmm");
            Files.writeString(program, "(run-study (study \"restart\" :program \"" + TOY.toString().replace("\\", "/")
                    + "\" :grid [:scale [1 2 3 4]] :seeds [1 2] :args [\"--wait\" \"0.6\"]) :out \"" + dir.resolve("out").toString().replace("\\", "/")
                    + "\" :backend \"spark\" :master \"" + c.url() + "\")\n");
            Process first = driver(c, program, dir.resolve("first.log"));
            List<Result> before;
            try {
                awaitRows(file, 2, () -> !first.isAlive(), () -> read(dir.resolve("first.log")));
            } finally {
                StandaloneCluster.kill(first);
            }
            before = file.read();
            assertTrue(before.size() >= 2 && before.size() < 8, "killed mid-study: " + before.size() + " rows\n" + read(dir.resolve("first.log")));

            Process second = driver(c, program, dir.resolve("second.log"));
            try {
                assertTrue(second.waitFor(180, TimeUnit.SECONDS), "the second driver ends\n" + read(dir.resolve("second.log")) + c.logs());
            } finally {
                StandaloneCluster.kill(second);
            }
            String printed = read(dir.resolve("second.log"));
            assertEquals(0, second.exitValue(), printed + c.logs());
            assertTrue(printed.contains("8 runs (" + before.size() + " done before)"), printed);
            List<Result> after = file.read();
            assertEquals(before.stream().map(StudyTest::content).toList(), after.subList(0, before.size()).stream().map(StudyTest::content).toList(),
                    "the rows of the first driver stay");
            Study s = toy("restart", "0.6");
            assertEquals(ids(s), after.stream().map(Result::run).sorted(Comparator.comparing(ids(s)::indexOf)).toList(), "exactly one row per run");
        }
    }

    /** A driver as a child process ({@code dmm run FILE}), with the cluster's settings as Spark system properties. */
    private static Process driver(StandaloneCluster c, Path program, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        cmd.addAll(StandaloneCluster.FAST_START);
        cmd.addAll(StandaloneCluster.OPENS);
        c.driverConf().forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-Dlog4j2.configurationFile=dmm-spark-log4j2.properties", "-cp", System.getProperty("java.class.path"), "dmm.cli.Main",
                "run", program.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    /** Polls until the file has {@code n} rows; fails when {@code ended} first or after two minutes. */
    private static void awaitRows(ResultFile file, int n, BooleanSupplier ended, Supplier<String> why)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (file.read().size() < n) {
            assertFalse(ended.getAsBoolean(), "the study ended before " + n + " rows\n" + why.get());
            assertTrue(System.nanoTime() < deadline, "no " + n + " rows after 120 s\n" + why.get());
            Thread.sleep(50);
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return p + ": " + e.getMessage();
        }
    }
}
