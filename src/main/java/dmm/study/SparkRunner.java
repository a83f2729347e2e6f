package dmm.study;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Runs a study on Apache Spark: every pending run becomes a job of one task that runs the
 * program in an interpreter of its own on an executor, exactly as {@link LocalRunner} does on a
 * thread, and returns its row; the driver is the only writer of the results file, appending
 * each row as its job ends (at most one per run: a task's retries and speculative copies
 * belong to one job), so no executor needs a file lock on a shared file system, the two
 * backends give the same rows and a study can be resumed by either.
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
    private final String logLevel;

    /**
     * For testing the one-writer rule: a folder; each task then fails once after its run, the
     * first time it runs (a marker file per run), as a task whose executor dies after the work.
     * Spark's retry runs it again; the results file still gets one row per run.
     */
    static final String INJECT_FAILURE_ONCE = "dmm.study.injectTaskFailureOnce";

    public SparkRunner(Study study, ResultFile results, Path outRoot, String master, PrintStream log) {
        this(study, results, outRoot, master, "WARN", log);
    }

    /** {@code logLevel}: Spark's own log level (WARN by default; INFO shows every task). */
    public SparkRunner(Study study, ResultFile results, Path outRoot, String master, String logLevel, PrintStream log) {
        this.logLevel = logLevel;
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

        /** Runs it (on an executor) and returns its row; {@code failOnce}: see {@link #INJECT_FAILURE_ONCE}. */
        Row row(String failOnce) throws IOException {
            Result r = execute();
            if (failOnce != null) {
                Path marker = Path.of(failOnce, RunOne.safe(run));
                if (!Files.exists(marker)) {
                    Files.createDirectories(marker.getParent());
                    Files.createFile(marker);
                    throw new IllegalStateException("injected failure of " + run + " after it ran (" + INJECT_FAILURE_ONCE + ")");
                }
            }
            return new Row(r.run(), r.ok(), new LinkedHashMap<>(r.metrics()), r.error(), r.seconds(), r.out());
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
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.log.level", logLevel);
        List<Result> out = new ArrayList<>();
        int failed = 0;
        String failOnce = System.getProperty(INJECT_FAILURE_ONCE);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel(logLevel);
            log.printf(Locale.ROOT, "Spark started in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            // one job per run, all submitted at once: the driver takes each run's row as its job
            // ends and is the only writer of the results file; a task's retry or speculative copy
            // belongs to its run's job, which returns one row
            Map<String, JavaFutureAction<List<Row>>> jobs = new LinkedHashMap<>();
            for (Task t : tasks) jobs.put(t.run(), sc.parallelize(List.of(t), 1).map(task -> task.row(failOnce)).collectAsync());
            Set<String> written = new HashSet<>();
            for (Result r : results.read()) if (r.study().equals(study.name()) && r.ok()) written.add(r.run());
            int done = 0;
            while (!jobs.isEmpty()) {
                Iterator<Map.Entry<String, JavaFutureAction<List<Row>>>> it = jobs.entrySet().iterator();
                boolean any = false;
                while (it.hasNext()) {
                    Map.Entry<String, JavaFutureAction<List<Row>>> e = it.next();
                    if (!e.getValue().isDone()) continue;
                    it.remove();
                    any = true;
                    done++;
                    Study.Run run = byId.get(e.getKey());
                    Result r;
                    try {
                        Row row = e.getValue().get().get(0);
                        r = new Result(study.name(), row.run(), run.settings(), run.seed(), row.ok(), row.metrics(), row.error(), row.seconds(), row.out());
                    } catch (ExecutionException | InterruptedException x) {
                        // Spark gave up on the run (its retries failed): no row, so running the study again retries it
                        failed++;
                        log.printf(Locale.ROOT, "[%d/%d] %s: Spark failed to run it (%s); no row written%n", done, todo.size(), run.id(), rootMessage(x));
                        continue;
                    }
                    if (written.add(r.run())) results.append(r);
                    out.add(r);
                    if (!r.ok()) failed++;
                    log.printf(Locale.ROOT, "[%d/%d] %s: %s%n", done, todo.size(), r.run(), r.ok() ? "ok" : "failed: " + r.error());
                }
                if (!any) sleep();
            }
        }
        log.printf(Locale.ROOT, "study %s: %d runs in %.1f s on Spark, %d failed%n", study.name(), out.size(), (System.nanoTime() - t0) / 1e9, failed);
        return out;
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the study ran on Spark");
        }
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
