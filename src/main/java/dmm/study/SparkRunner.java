package dmm.study;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
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
    private final Map<String, String> conf;

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
        this(study, results, outRoot, master, logLevel, Map.of(), log);
    }

    /**
     * {@code conf}: Spark settings for this study (e.g. {@code spark.executor.memory}), over those of
     * the JVM's {@code spark.*} system properties and {@code spark-submit}.
     */
    public SparkRunner(Study study, ResultFile results, Path outRoot, String master, String logLevel, Map<String, String> conf, PrintStream log) {
        this.conf = Map.copyOf(conf);
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
            SparkEnv env = SparkEnv.get();
            String executor = env.executorId() + "@" + env.blockManager().blockManagerId().host();
            return new Row(r.run(), r.ok(), new LinkedHashMap<>(r.metrics()), r.error(), r.seconds(), r.out(), executor);
        }
    }

    /** A row in serializable form (the executor sends it back to the driver); {@code executor}: its id and host. */
    record Row(String run, boolean ok, LinkedHashMap<String, Double> metrics, String error, double seconds, String out, String executor)
            implements Serializable {}

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
        SparkConf conf = sparkConf();   // spark-submit's --master wins over the program's
        log.printf(Locale.ROOT, "study %s on Spark (%s): %d runs (%d done before); results in %s%n", study.name(), conf.get("spark.master"), total,
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
        List<Result> out = new ArrayList<>();
        int failed = 0;
        String failOnce = System.getProperty(INJECT_FAILURE_ONCE);
        Map<String, Integer> perExecutor = new TreeMap<>();
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
                        r = new Result(study.name(), row.run(), run.settings(), run.seed(), row.ok(), row.metrics(), row.error(), row.seconds(), row.out(),
                                row.executor());
                    } catch (ExecutionException | InterruptedException x) {
                        // Spark gave up on the run (its retries failed): no row, so running the study again retries it
                        failed++;
                        log.printf(Locale.ROOT, "[%d/%d] %s: Spark failed to run it (%s); no row written%n", done, todo.size(), run.id(), rootMessage(x));
                        continue;
                    }
                    if (written.add(r.run())) results.append(r);
                    out.add(r);
                    if (!r.ok()) failed++;
                    perExecutor.merge(r.executor(), 1, Integer::sum);
                    log.printf(Locale.ROOT, "[%d/%d] %s: %s (executor %s)%n", done, todo.size(), r.run(), r.ok() ? "ok" : "failed: " + r.error(), r.executor());
                }
                if (!any) sleep();
            }
        }
        log.printf(Locale.ROOT, "study %s: %d runs in %.1f s on Spark, %d failed; runs per executor: %s%n", study.name(), out.size(),
                (System.nanoTime() - t0) / 1e9, failed, perExecutor);
        return out;
    }

    /**
     * Spark's settings: the JVM's {@code spark.*} properties (as {@code spark-submit} gives them), the
     * master given unless one is set there, {@link #conf} over both. A master on this machine
     * ({@code local[N]}, or a cluster on 127.0.0.1) keeps the driver on the loopback address; for
     * another cluster the driver listens where Spark's defaults say ({@code SPARK_LOCAL_IP}, or
     * {@code spark.driver.host}), reachable by the executors. Run from a jar (the launcher's, or
     * {@code spark-submit}'s), that jar goes to the executors ({@code spark.jars}), so a cluster's
     * workers need only Spark.
     */
    SparkConf sparkConf() {
        SparkConf c = new SparkConf().setAppName("dmm study " + study.name()).setIfMissing("spark.master", master)
                .setIfMissing("spark.ui.enabled", "false").set("spark.log.level", logLevel);
        conf.forEach(c::set);
        if (onThisMachine(c.get("spark.master"))) c.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        String jar = ownJar();
        if (jar != null && !c.contains("spark.jars")) c.set("spark.jars", jar);
        return c;
    }

    /** True for {@code local}, {@code local[...]} and a master URL whose host is a loopback address. */
    static boolean onThisMachine(String master) {
        if (master.equals("local") || master.startsWith("local[") || master.startsWith("local-cluster[")) return true;
        String host;
        try {
            host = URI.create(master.replaceFirst(",.*", "")).getHost();   // of a standby list, the first master
        } catch (IllegalArgumentException e) {
            return false;   // not a URL with a host (yarn, say): a cluster elsewhere
        }
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    }

    /** The jar these classes were loaded from, or null (classes from a folder, as in the tests). */
    private static String ownJar() {
        try {
            CodeSource src = SparkRunner.class.getProtectionDomain().getCodeSource();
            if (src == null) return null;
            Path p = Path.of(src.getLocation().toURI());
            return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? p.toAbsolutePath().toString() : null;
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
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
