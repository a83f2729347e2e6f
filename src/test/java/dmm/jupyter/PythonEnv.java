package dmm.jupyter;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The Python side of the kernel tests: a virtualenv with Jupyter's client packages, made on first
 * use and reused (system property {@code dmm.venv} or env {@code DMM_VENV}; {@code target/venv}
 * by default), and the dmm kernelspec written into a Jupyter data directory of the tests' own
 * (so a kernel the user installed is never the one tested). Without Python the tests fail in CI
 * (env CI set) and are skipped, saying why, elsewhere.
 */
final class PythonEnv {
    static final List<String> PACKAGES = List.of("jupyter_client", "nbclient", "nbformat");

    final Path venv;
    final Path python;
    final Path dataDir;

    private PythonEnv(Path venv, Path dataDir) {
        this.venv = venv;
        this.python = venv.resolve("bin/python");
        this.dataDir = dataDir;
    }

    /** The venv, made and filled when missing, with the kernelspec of this build's classes installed. */
    static synchronized PythonEnv get() throws IOException, InterruptedException {
        String where = System.getProperty("dmm.venv", System.getenv().getOrDefault("DMM_VENV", "target/venv"));
        PythonEnv env = new PythonEnv(Path.of(where).toAbsolutePath(), Path.of("target/jupyter-data").toAbsolutePath());
        if (!Files.isExecutable(env.python) || env.run(List.of("-c", "import jupyter_client, nbclient, nbformat"), 60).code != 0) {
            Result made = make(env.venv);
            if (made.code != 0) unavailable("no Python virtualenv with " + PACKAGES + " at " + env.venv + ": " + made.output.strip());
        }
        KernelSpec.write(env.dataDir.resolve("kernels"), argv());
        return env;
    }

    private static Result make(Path venv) throws IOException, InterruptedException {
        Result r = exec(List.of("python3", "-m", "venv", venv.toString()), Map.of(), 300);
        if (r.code != 0) return r;
        List<String> pip = new ArrayList<>(List.of(venv.resolve("bin/pip").toString(), "install", "-q", "--retries", "1"));
        pip.addAll(PACKAGES);
        return exec(pip, Map.of(), 600);
    }

    /** The kernel as the tests start it: this JVM's java on the test class path. */
    private static List<String> argv() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> absolute = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) if (!e.isEmpty()) absolute.add(Path.of(e).toAbsolutePath().toString());
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xss8m", "-cp",
                String.join(File.pathSeparator, absolute), "dmm.cli.Main", "kernel", "run", "{connection_file}");
    }

    static void unavailable(String why) {
        if (System.getenv("CI") != null) fail(why);
        Assumptions.abort(why + "; skipped because CI is not set");
    }

    record Result(int code, String output) {}

    /**
     * Runs the venv's Python with {@code args}, Jupyter looking in the tests' data directory first.
     * CI is not passed on: the kernel behaves as in a person's notebook (progress redrawn in place).
     */
    Result run(List<String> args, int timeoutSeconds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(python.toString());
        cmd.addAll(args);
        Map<String, String> env = new HashMap<>(Map.of("JUPYTER_DATA_DIR", dataDir.toString(), "PYTHONUNBUFFERED", "1"));
        env.put("CI", null);
        return exec(cmd, env, timeoutSeconds);
    }

    private static Result exec(List<String> cmd, Map<String, String> env, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        env.forEach((k, v) -> {
            if (v == null) pb.environment().remove(k);
            else pb.environment().put(k, v);
        });
        Path log = Files.createTempFile("dmm-python", ".log");
        pb.redirectOutput(log.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(127, cmd.get(0) + " cannot be started (" + e.getMessage() + ")");
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(124, "timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd) + "\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Result(p.exitValue(), out);
    }
}
