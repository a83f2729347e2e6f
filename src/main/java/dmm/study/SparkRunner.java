package dmm.study;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Runs a study on Apache Spark: every pending run becomes a task (one per partition) that runs
 * the program in an interpreter of its own on an executor, exactly as {@link LocalRunner} does on
 * a thread, and appends its row to the same results file as it finishes (appends are locked), so
 * the two backends give the same rows and a study can be resumed by either.
 * {@code local[N]} runs Spark inside this JVM (no cluster); a {@code spark://} or other master URL,
 * or {@code spark-submit} of the dmm jar, runs it on a cluster, where the program file and the
 * output folder must be on a file system every executor sees.
 */
public final class SparkRunner {
    private final Study study;
    private final ResultFile results;
    private final Path outRoot;
    private final String master;
    private final PrintStream log;

    public SparkRunner(Study study, ResultFile results, Path outRoot, String master, PrintStream log) {
        this.study = study;
        this.results = results;
        this.outRoot = outRoot;
        this.master = master;
        this.log = log;
    }

    /** What a task needs, in serializable form (paths as strings, settings as plain values). */
    record Task(String study, String program, List<String> extra, String run, LinkedHashMap<String, Object> settings, long seed,
                ArrayList<String> caseArgs, String outRoot) implements Serializable {
        Result execute() {
            Study s = new Study(study, Path.of(program), Map.of(), List.of(seed), extra);
            return RunOne.execute(s, new Study.Run(run, settings, seed, caseArgs), Path.of(outRoot), i -> {});
        }
    }

    /** A row in serializable form (the executor sends it back to the driver). */
    record Row(String run, boolean ok, LinkedHashMap<String, Double> metrics, String error, double seconds, String out) implements Serializable {}

    /** Runs the pending runs; returns their rows in the study's order. Holds the results folder's lock, checks the fingerprint first. */
    public List<Result> run() throws IOException {
        try (StudyLock lock = StudyLock.acquire(outRoot, study.name())) {
            String note = StudyFingerprint.claim(results, study);
            if (note != null) log.println(note);
            return runLocked();
        }
    }

    private List<Result> runLocked() throws IOException {
        List<Study.Run> todo = new LocalRunner(study, results, outRoot, 1, log, null).pending();
        int total = study.runs().size();
        long t0 = System.nanoTime();
        log.printf(Locale.ROOT, "study %s on Spark (%s): %d runs (%d done before); results in %s%n", study.name(), master, total,
                total - todo.size(), results.path());
        if (todo.isEmpty()) return List.of();
        List<Task> tasks = new ArrayList<>();
        Map<String, Study.Run> byId = new LinkedHashMap<>();
        for (Study.Run r : todo) {
            tasks.add(new Task(study.name(), study.program().toAbsolutePath().toString(), study.extraArgs(), r.id(),
                    new LinkedHashMap<>(r.settings()), r.seed(), r.caseArgs() == null ? null : new ArrayList<>(r.caseArgs()),
                    outRoot.toAbsolutePath().toString()));
            byId.put(r.id(), r);
        }
        SparkConf conf = new SparkConf().setAppName("dmm study " + study.name()).setIfMissing("spark.master", master)
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        List<Result> out = new ArrayList<>();
        int failed = 0;
        String resultsPath = results.path().toAbsolutePath().toString();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("ERROR");
            log.printf(Locale.ROOT, "Spark started in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            AtomicInteger done = new AtomicInteger();
            sc.sc().addSparkListener(new org.apache.spark.scheduler.SparkListener() {
                @Override
                public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
                    if (!end.taskInfo().successful()) return;   // a failed attempt is retried, not a finished run
                    log.printf(Locale.ROOT, "[%d/%d] a run finished (its row is in the results file)%n", done.incrementAndGet(), todo.size());
                }
            });
            // each task appends its own row as it finishes (the results file is locked per append)
            List<Row> rows = sc.parallelize(tasks, tasks.size()).map(t -> {
                Result r = t.execute();
                new ResultFile(Path.of(resultsPath)).append(r);
                return new Row(r.run(), r.ok(), new LinkedHashMap<>(r.metrics()), r.error(), r.seconds(), r.out());
            }).collect();
            for (Row row : rows) {
                Study.Run run = byId.get(row.run());
                Result r = new Result(study.name(), row.run(), run.settings(), run.seed(), row.ok(), row.metrics(), row.error(), row.seconds(), row.out());
                out.add(r);
                if (!r.ok()) failed++;
            }
        }
        log.printf(Locale.ROOT, "study %s: %d runs in %.1f s on Spark, %d failed%n", study.name(), out.size(), (System.nanoTime() - t0) / 1e9, failed);
        return out;
    }
}
