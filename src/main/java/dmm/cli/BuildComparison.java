package dmm.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code dmm bench --compare OTHER.jar}: this build's flagship training step against another
 * build's, in one JVM. Each build runs in a class loader of its own (its own classes, its own
 * JIT profiles), with {@link FlagshipStep} loaded into both; the steps alternate, so a change
 * of the machine's speed reaches both alike. On a shared cloud machine, whose timings wander by
 * ±30 % between processes, this tells two builds apart where separate runs cannot.
 */
final class BuildComparison {
    private BuildComparison() {}

    /** A class loader over a build's class path that also defines the steps ({@link FlagshipStep} and its variant) from this build's bytes. */
    private static final class BuildLoader extends ClassLoader {
        private final URLClassLoader build;
        private final Map<String, byte[]> steps;

        BuildLoader(URL[] classPath, Map<String, byte[]> steps) {
            super(ClassLoader.getPlatformClassLoader());
            this.build = new URLClassLoader(classPath, ClassLoader.getPlatformClassLoader());
            this.steps = steps;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            byte[] step = steps.get(name);
            if (step == null) return build.loadClass(name);
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                return c != null ? c : defineClass(name, step, 0, step.length);
            }
        }
    }

    /** This build's bytes of the step classes, by name. */
    private static Map<String, byte[]> stepBytes() throws IOException {
        Map<String, byte[]> m = new HashMap<>();
        for (Class<?> c : List.of(FlagshipStep.class, FlagshipStep.Pruned.class)) {
            String file = c.getName().substring(c.getName().lastIndexOf('.') + 1) + ".class";
            try (InputStream in = c.getResourceAsStream(file)) {
                if (in == null) throw new IOException("cannot read this build's " + c.getName());
                m.put(c.getName(), in.readAllBytes());
            }
        }
        return m;
    }

    /** Times {@code rounds} alternated steps of this build and the jar {@code other} after {@code warmup} each; prints the medians. */
    static int run(Path other, int warmup, int rounds, PrintStream out) throws IOException {
        return run(other, false, warmup, rounds, out);
    }

    /** {@link #run(Path, int, int, PrintStream)}; {@code pruned}: the step on the 19-link machine ({@link FlagshipStep.Pruned}). */
    static int run(Path other, boolean pruned, int warmup, int rounds, PrintStream out) throws IOException {
        if (!Files.isRegularFile(other)) throw new IOException("no such jar: " + other);
        return run(new URL[] {other.toUri().toURL()}, other.getFileName().toString(), pruned, warmup, rounds, out);
    }

    /** {@link #run(Path, int, int, PrintStream)} with the other build given by its class path. */
    static int run(URL[] other, String otherName, int warmup, int rounds, PrintStream out) throws IOException {
        return run(other, otherName, false, warmup, rounds, out);
    }

    static int run(URL[] other, String otherName, boolean pruned, int warmup, int rounds, PrintStream out) throws IOException {
        Map<String, byte[]> step = stepBytes();
        String stepClass = (pruned ? FlagshipStep.Pruned.class : FlagshipStep.class).getName();
        List<URL> own = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(File.pathSeparator)) if (!p.isEmpty()) own.add(Path.of(p).toUri().toURL());
        String[] names = {"this build", otherName};
        Runnable[] steps = new Runnable[2];
        for (int b = 0; b < 2; b++) {
            URL[] cp = b == 0 ? own.toArray(URL[]::new) : other;
            try {
                @SuppressWarnings("unchecked")
                Supplier<Runnable> maker = (Supplier<Runnable>) new BuildLoader(cp, step).loadClass(stepClass).getDeclaredConstructor().newInstance();
                steps[b] = maker.get();
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new IOException("cannot set up the flagship step of " + names[b] + " (" + e + "); a build older than the"
                        + " first wave's API, or not a dmm jar (build one with mvn package: target/dmm.jar)");
            }
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < warmup; i++) for (Runnable r : steps) r.run();
        double[][] wall = new double[2][rounds], cpu = new double[2][rounds];
        for (int i = 0; i < rounds; i++) {
            for (int k = 0; k < 2; k++) {
                int b = (i + k) % 2;   // which build goes first alternates too
                long c0 = mx.getCurrentThreadCpuTime(), w0 = System.nanoTime();
                steps[b].run();
                wall[b][i] = (System.nanoTime() - w0) / 1e6;
                cpu[b][i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
            }
        }
        out.printf(Locale.ROOT, "%s, %d alternated steps of each build after %d warm-up steps%n",
                pruned ? "flagship step on the 19-link machine" : "flagship step", rounds, warmup);
        for (int b = 0; b < 2; b++)
            out.printf(Locale.ROOT, "%-28s wall %8.3f ms   thread CPU %8.3f ms%n", names[b], median(wall[b]), median(cpu[b]));
        out.printf(Locale.ROOT, "%-28s wall %7.1f %%   thread CPU %7.1f %%   (this build's step as a share of the other's)%n", "ratio",
                100 * median(wall[0]) / median(wall[1]), 100 * median(cpu[0]) / median(cpu[1]));
        return 0;
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
