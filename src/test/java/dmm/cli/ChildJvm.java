package dmm.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a separate JVM with the test classpath (for behaviour that needs its own
 * heap limit, stack or process exit code: out of memory, deep recursion, exit status).
 */
public final class ChildJvm {
    /** What the child did: exit status, output, error output and wall time. */
    public record Result(int exit, String out, String err, long millis) {
        @Override
        public String toString() {
            return "exit " + exit + " after " + millis + " ms\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private ChildJvm() {}

    /** Runs {@code mainClass} with {@code jvmOptions} and {@code args}, feeding {@code stdin}; fails after {@code timeoutSeconds}. */
    public static Result run(List<String> jvmOptions, String mainClass, List<String> args, String stdin, Path dir, int timeoutSeconds) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (dir != null) pb.directory(dir.toFile());
        long t0 = System.nanoTime();
        try {
            Process p = pb.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            Thread o = pump(p.getInputStream(), out), e = pump(p.getErrorStream(), err);
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("child JVM did not finish within " + timeoutSeconds + " s: " + cmd);
            }
            o.join();
            e.join();
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /** {@code dmm ARGS} in a child JVM (through {@link Main#main}, as the launcher runs it). */
    public static Result dmm(List<String> jvmOptions, String stdin, Path dir, String... args) {
        return run(jvmOptions, Main.class.getName(), List.of(args), stdin, dir, 120);
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(to);
            } catch (IOException ignored) {
                // the child is gone; what was read is kept
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
