package dmm.study;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on this machine for the tests: a master and workers as separate JVMs
 * bound to 127.0.0.1, started from the test class path (Spark is a provided dependency, so it is
 * there), each worker with one core and its own work folder. Workers start their executors from a
 * SPARK_HOME whose {@code jars/} folder links the class path's jars; the executors find dmm's own
 * classes through {@code spark.executor.extraClassPath} ({@link #driverConf()}). {@link #close()}
 * kills every process it started, the executors the workers forked included.
 */
final class StandaloneCluster implements AutoCloseable {
    /** The module openings Spark needs on Java 17, for every JVM of the cluster. */
    static final List<String> OPENS = Stream.of("java.lang", "java.lang.invoke", "java.nio", "sun.nio.ch", "java.util",
            "java.util.concurrent", "java.net", "java.io", "sun.security.action", "sun.util.calendar")
            .map(p -> "--add-opens=java.base/" + p + "=ALL-UNNAMED").toList();
    /** Short-lived JVMs on a loaded 2-core machine: the quick compiler only, one GC thread. */
    static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    private static final long START_SECONDS = 120;

    private final Path dir;
    private final Path sparkHome;
    private final int port;
    private Process master;
    private final List<Process> workers = new ArrayList<>();

    private StandaloneCluster(Path dir) throws IOException {
        this.dir = dir;
        // under target/, not the test's temporary folder: JUnit warns of every link it deletes there
        this.sparkHome = Path.of("target/test-spark-home").toAbsolutePath();
        this.port = freePort();
    }

    /** Starts a master and {@code workers} workers under {@code dir}; returns once every worker has registered. */
    static StandaloneCluster start(Path dir, int workers) throws IOException, InterruptedException {
        StandaloneCluster c = new StandaloneCluster(dir);
        try {
            Files.createDirectories(dir);
            c.linkJars();
            c.master = c.java(dir.resolve("master.log"), "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                    Integer.toString(c.port), "--webui-port", Integer.toString(freePort()));
            c.await(dir.resolve("master.log"), "I have been elected leader", c.master);
            for (int i = 0; i < workers; i++) c.addWorker();
            return c;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    /** The master's URL, {@code spark://127.0.0.1:PORT}. */
    String url() {
        return "spark://127.0.0.1:" + port;
    }

    /** Starts one more worker and waits for it to register. */
    void addWorker() throws IOException, InterruptedException {
        int i = workers.size();
        Path work = dir.resolve("worker" + i);
        Files.createDirectories(work);
        Path log = dir.resolve("worker" + i + ".log");
        Process w = java(log, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
                "--webui-port", Integer.toString(freePort()), "--work-dir", work.toString(), url());
        workers.add(w);
        await(log, "Successfully registered with master", w);
    }

    /** Kills worker {@code i} and the executors it forked with SIGKILL, as a machine that dies. */
    void killWorker(int i) throws InterruptedException {
        kill(workers.get(i));
    }

    /**
     * The worker (0, 1, ...) that ran each executor of the newest application, by executor id: a
     * worker keeps a folder per executor it started, {@code WORK/APP-ID/EXECUTOR-ID}.
     */
    Map<String, Integer> executorsOfNewestApp() throws IOException {
        Optional<String> app = Optional.empty();
        for (int i = 0; i < workers.size(); i++)
            try (Stream<Path> apps = Files.list(dir.resolve("worker" + i))) {
                Optional<String> newest = apps.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("app-")).max(Comparator.naturalOrder());
                if (newest.isPresent() && (app.isEmpty() || newest.get().compareTo(app.get()) > 0)) app = newest;
            }
        Map<String, Integer> out = new LinkedHashMap<>();
        if (app.isEmpty()) return out;
        for (int i = 0; i < workers.size(); i++) {
            Path appDir = dir.resolve("worker" + i).resolve(app.get());
            if (!Files.isDirectory(appDir)) continue;
            try (Stream<Path> executors = Files.list(appDir)) {
                for (Path e : executors.toList()) out.put(e.getFileName().toString(), i);
            }
        }
        return out;
    }

    /**
     * Spark settings for a driver of this cluster: executors of one core and 512 MiB, one per
     * worker, with dmm's classes and the module openings; the first task waits until every
     * worker's executor has registered, so every worker gets work.
     */
    Map<String, String> driverConf() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("spark.executor.extraClassPath", Path.of("target/classes").toAbsolutePath().toString());
        c.put("spark.executor.extraJavaOptions", String.join(" ", FAST_START) + " " + String.join(" ", OPENS));
        c.put("spark.executor.cores", "1");
        c.put("spark.executor.memory", "512m");
        c.put("spark.cores.max", Integer.toString(workers.size()));
        c.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
        c.put("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s");
        return c;
    }

    /** What the cluster's processes logged, for failure messages. */
    String logs() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                sb.append("== ").append(f.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> sb.append(l).append('\n'));
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (Process w : workers) kill(w);
        if (master != null) kill(master);
    }

    /** SIGKILL to a process and to every process under it (a worker's executors). */
    static void kill(Process p) throws InterruptedException {
        List<ProcessHandle> under = p.descendants().toList();
        for (ProcessHandle h : under) h.destroyForcibly();
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        for (ProcessHandle h : under) h.onExit().completeOnTimeout(h, 30, TimeUnit.SECONDS).join();
    }

    /** A SPARK_HOME whose jars/ links every jar of the test class path (workers build executors' class paths from it). */
    private void linkJars() throws IOException {
        Path jars = sparkHome.resolve("jars");
        Files.createDirectories(jars);
        try (Stream<Path> old = Files.list(jars)) {   // links of an earlier class path (another version of a jar)
            for (Path p : old.toList()) Files.delete(p);
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry).toAbsolutePath();
            if (!entry.endsWith(".jar") || !Files.isRegularFile(jar)) continue;
            Path link = jars.resolve(jar.getFileName());
            if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, jar);   // a jar name twice: the first wins, as on the class path
        }
    }

    private Process java(Path log, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        cmd.addAll(FAST_START);
        cmd.addAll(OPENS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");   // the launcher library asks, having no build folders to look at
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return pb.start();
    }

    /** Polls {@code log} until it contains {@code line}; fails when the process ends first or it takes too long. */
    private void await(Path log, String line, Process p) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(line)) return;
            if (!p.isAlive()) throw new IllegalStateException(log.getFileName() + ": the process ended before \"" + line + "\"\n" + logs());
            Thread.sleep(100);
        }
        throw new IllegalStateException(log.getFileName() + ": no \"" + line + "\" after " + START_SECONDS + " s\n" + logs());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
