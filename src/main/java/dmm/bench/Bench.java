package dmm.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dmm.ad.Ops;
import dmm.bind.Bindings;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.machine.Engine;
import dmm.machine.Network;
import dmm.train.Adam;
import dmm.train.Regularizer;
import dmm.train.Trainer;
import dmm.vvalue.VValue;
import dmm.vvalue.VValueJson;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code dmm bench}: the flagship experiment's training step and forward runs, the
 * cheap-gradient ratio, scaling in links and window, memory, the flat-array baseline, and
 * (with {@code --micro}) the JMH micro-benchmarks. {@code --quick} is a short smoke run.
 */
public final class Bench {
    private final PrintStream out;
    private final boolean quick;
    private final Interpreter interp;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<double[]> scaling = new ArrayList<>();

    private Bench(PrintStream out, boolean quick, Interpreter interp) {
        this.out = out;
        this.quick = quick;
        this.interp = interp;
    }

    /**
     * Runs the suite; {@code args}: --quick, --json FILE, --plot FILE, --micro, --flagship (the
     * flagship cases only), --synthesis (adds the wall time of the whole seed-1 synthesis run, a
     * minute or more). Returns an exit code.
     */
    public static int run(List<String> args, Interpreter interp, PrintStream out) throws IOException {
        boolean quick = args.contains("--quick");
        String json = valueOf(args, "--json");
        String plot = valueOf(args, "--plot");
        Bench b = new Bench(out, quick, interp);
        b.header();
        b.flagship();
        b.userNeurons();
        b.superfluid();
        if (!args.contains("--flagship")) {
            b.scaling(plot == null ? (quick ? null : "runs/bench-scaling.png") : plot);
            b.memory();
            if (!quick) b.startup();
            if (args.contains("--micro")) b.micro();
        }
        if (args.contains("--synthesis")) b.synthesis();
        if (json != null) b.writeJson(Path.of(json));
        return 0;
    }

    /** The launcher of this checkout ({@code dmm.home}/dmm, which sets the property), or null when not run through it. */
    private static Path launcher() {
        String home = System.getProperty("dmm.home");
        if (home == null) return null;
        Path p = Path.of(home, "dmm");
        return Files.isExecutable(p) ? p : null;
    }

    /** Runs {@code args} through the launcher in the checkout; returns {wall ms, exit code} and collects the output. */
    private static double[] timeLauncher(List<String> args, StringBuilder output) throws IOException {
        Path dmm = launcher();
        List<String> cmd = new ArrayList<>();
        cmd.add(dmm.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dmm.getParent().toFile()).redirectErrorStream(true);
        pb.environment().remove("DMM_JAVA_OPTS");
        long t0 = System.nanoTime();
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit;
        try {
            exit = p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        if (output != null) output.append(text);
        return new double[] {ms, exit};
    }

    /** The wall time of {@code ./dmm eval '(+ 1 2)'} (the jar already built): one warm-up launch, then the median of five. */
    private void startup() throws IOException {
        if (launcher() == null) {
            out.println("startup: not run through ./dmm, skipped");
            return;
        }
        List<String> cmd = List.of("eval", "(+ 1 2)");
        timeLauncher(cmd, null);
        double[] ms = new double[5];
        for (int i = 0; i < ms.length; i++) {
            double[] r = timeLauncher(cmd, null);
            if (r[1] != 0) throw new IOException("./dmm eval '(+ 1 2)' failed with exit code " + (int) r[1]);
            ms[i] = r[0];
        }
        Arrays.sort(ms);
        Harness.Stats st = new Harness.Stats("./dmm eval '(+ 1 2)' (wall)", ms[2], Harness.percentile(ms, 0.1), Harness.percentile(ms, 0.9), ms.length);
        record(st, "ms");
    }

    /** The wall time of {@code ./dmm run examples/synthesis.dmm} (seed 1, its defaults) and its final line. */
    private void synthesis() throws IOException {
        if (launcher() == null) {
            out.println("synthesis: not run through ./dmm, skipped");
            return;
        }
        Path dir = Files.createTempDirectory("dmm-bench-synthesis");
        StringBuilder text = new StringBuilder();
        double[] r = timeLauncher(List.of("run", "examples/synthesis.dmm", "--out", dir.toString()), text);
        if (r[1] != 0) throw new IOException("./dmm run examples/synthesis.dmm failed with exit code " + (int) r[1] + ":\n" + text);
        String fin = text.toString().lines().filter(l -> l.startsWith("final:")).findFirst().orElse("(no final line)");
        out.printf(Locale.ROOT, "%-34s %10.1f s   %s%n", "synthesis run, seed 1 (wall)", r[0] / 1000, fin);
        results.put("synthesis seed 1 wall s", r[0] / 1000);
        results.put("synthesis seed 1 final", fin);
    }

    private static String valueOf(List<String> args, String flag) {
        int i = args.indexOf(flag);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
    }

    private void header() {
        String cpu = cpuName();
        out.printf(Locale.ROOT, "dmm bench%s — %s, %d cores, JDK %s, max heap %d MiB%n", quick ? " --quick" : "", cpu,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
        results.put("machine", Map.of("cpu", cpu, "cores", Runtime.getRuntime().availableProcessors(), "jdk", System.getProperty("java.version")));
        out.printf("%-34s %10s %10s %10s%n", "case", "median", "p10", "p90");
    }

    private static String cpuName() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).trim();
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private int reps(int full) {
        return quick ? Math.max(2, full / 10) : full;
    }

    private void record(Harness.Stats s, String unit) {
        out.println(s.row(unit));
        results.put(s.name(), Map.of("median", s.median(), "p10", s.p10(), "p90", s.p90(), "runs", s.runs(), "unit", unit));
    }

    /** The setup of the flagship experiment at a given size and window. */
    private record Setup(Interpreter interp, Network trainable, Network reference, Fn loss, int links) {}

    private Setup setup(int layers, int copies, int window) {
        return setup(interp, layers, copies, window);
    }

    private static Setup setup(Interpreter interp, int layers, int copies, int window) {
        interp.eval("bench", "(require lite) (require train)");
        Network trainable = (Network) interp.eval("bench", String.format(Locale.ROOT,
                "(feedforward \"test string.\" {:layers %d :copies %d :published 1 :seed 1})", layers, copies));
        Network reference = (Network) interp.eval("bench", "(duplicate-detector \"test string.\")");
        interp.define("*bench-reference*", reference, null);
        Fn loss = (Fn) interp.eval("bench", "(imitation-loss *bench-reference* " + window + " [:output])");
        return new Setup(interp, trainable, reference, loss, trainable.softLinkCount());
    }

    private Trainer trainer(Setup s) {
        return new Trainer(new Trainer.Host(out, false, null), s.trainable, net -> s.interp.call(s.loss, net), new Adam(0.001, 0.9, 0.999, 1e-8),
                new Regularizer(0.001, 0, Set.of("timer", "input")), null, Trainer.Options.DEFAULTS);
    }

    /** Training steps before the flagship cases are measured (see {@link #flagship}). */
    private static final int FLAGSHIP_WARMUP = 600;

    private void flagship() {
        Setup s = setup(5, 2, 140);
        Trainer t = trainer(s);
        // a long warm-up: the JIT compiles the interpreter's and the tape's paths over the first
        // ~100 steps and still recompiles some of them up to a few hundred steps in (medians of
        // 100-step blocks of one process: 5-7 ms at steps 100-300, 3.5-5 ms after 500); a
        // training run is thousands of steps, so the figure is the steady state's
        for (int i = 0; i < reps(FLAGSHIP_WARMUP); i++) t.trainStep();
        Network trained = t.network();
        FlatBaseline flat = new FlatBaseline(trained, "test string.");
        checkBaselineAgrees(flat, trained);
        // the four cases interleaved, round by round, so that the ratios hold on a shared machine
        Harness.Stats[] st = Harness.measureInterleaved(
                new String[] {"step (1486 links, T=140)", "forward (both networks, T=140)", "forward (trainable only)", "baseline flat-array forward"},
                new int[] {0, reps(50), reps(50), reps(50)}, reps(150), new Runnable[] {
                    t::trainStep,
                    () -> {
                        Engine.run(trained, 140);
                        Engine.run(s.reference, 140);
                    },
                    () -> Engine.run(trained, 140),
                    () -> flat.run(140)});
        Harness.Stats step = st[0], forward = st[1], forwardTrainable = st[2], base = st[3];
        for (Harness.Stats x : st) record(x, "ms");
        double ratio = step.median() / forward.median();
        out.printf(Locale.ROOT, "%-34s %10.2f   (step / forward of both)%n", "ratio step/forward", ratio);
        results.put("ratio step/forward", ratio);
        double gen = forwardTrainable.median() / base.median();
        out.printf(Locale.ROOT, "%-34s %10.2f   (general forward / flat baseline; target <= 1.5)%n", "ratio general/baseline", gen);
        results.put("ratio general/baseline", gen);
        double stepBase = step.median() / base.median();
        out.printf(Locale.ROOT, "%-34s %10.2f   (training step / flat baseline forward; target <= 4)%n", "ratio step/baseline", stepBase);
        results.put("ratio step/baseline", stepBase);
    }

    /**
     * The flagship network's library neuron types as a user would write them after
     * {@code (require lite)}: the same bodies, other docstrings. They are other functions than the
     * library's, so they run as a user's neurons run.
     */
    static final String USER_COPIES = """
        (defneuron max-norm "My max-norm." [dict] {:norm (max-norm dict)})
        (defneuron dot "My dot." [dict-1 dict-2] {:dot (clamp (dot dict-1 dict-2) -4 4)})
        (defneuron compare "My compare." [dict-1 dict-2] (let [d (- (num dict-1) (num dict-2))] {:true (relu d) :false (relu (- d))}))
        (defneuron sum-dicts-published "My accumulator." [dict-1 dict-2] {:dict (+ (stop-gradient dict-1) dict-2)})
        """;

    /**
     * The flagship step with the user's copies of its neuron types next to the step with the
     * library's, interleaved (the neuron compiler's target: at most 1.2 times). Both train the
     * same steps from the same start, and must end with the same weights, bit for bit.
     */
    private void userNeurons() {
        Interpreter user = new Interpreter();
        user.setOut(new PrintStream(PrintStream.nullOutputStream()));
        Bindings.install(user);
        Setup s = setup(user, 5, 2, 140);
        user.eval("bench", USER_COPIES);
        Trainer mine = trainer(s), library = trainer(setup(5, 2, 140));
        for (int i = 0; i < reps(FLAGSHIP_WARMUP); i++) {
            library.trainStep();
            mine.trainStep();
        }
        if (!Ops.primal(mine.network().softMatrix()).equals(Ops.primal(library.network().softMatrix())))
            throw new IllegalStateException("the user's copies of the neuron types trained to other weights than the library's");
        Harness.Stats[] st = Harness.measureInterleaved(new String[] {"step, library neurons", "step, user copies of them"},
                new int[] {0, 0}, reps(150), new Runnable[] {library::trainStep, mine::trainStep});
        for (Harness.Stats x : st) record(x, "ms");
        double ratio = st[1].median() / st[0].median();
        out.printf(Locale.ROOT, "%-34s %10.2f   (user copies / library; neuron-compiler target <= 1.2)%n", "ratio user/library neurons", ratio);
        results.put("ratio user/library neurons", ratio);
    }

    /**
     * The superfluid experiment's training step (examples/superfluid.dmm: 20 fluid neurons, the
     * source's initial draw, Adam lr 0.01, T = 140), each step timed in one process: the median of
     * steps 30–60 (the neuron compiler's target: at most 5 times the flagship library step) and,
     * without --quick, of steps 130–160 (the later regime, after the heap has grown).
     */
    private void superfluid() {
        Interpreter sf = new Interpreter();
        sf.setOut(new PrintStream(PrintStream.nullOutputStream()));
        Bindings.install(sf);
        sf.eval("bench", "(require superfluid)");
        Network net = (Network) sf.eval("bench", "(superfluid-network \"test string.\" {:inclusive 0})");
        Fn loss = (Fn) sf.eval("bench", "(superfluid-loss (superfluid-target \"test string.\") 140)");
        Trainer t = new Trainer(new Trainer.Host(out, false, null), net, n -> sf.call(loss, n), new Adam(0.01, 0.9, 0.999, 1e-8),
                new Regularizer(0, 0, Set.of()), null, Trainer.Options.DEFAULTS);
        int last = quick ? 60 : 160;
        double[] ms = new double[last + 1];
        for (int step = 0; step <= last; step++) {
            long t0 = System.nanoTime();
            t.trainStep();
            ms[step] = (System.nanoTime() - t0) / 1e6;
        }
        Harness.Stats early = stats("superfluid step, steps 30-60", ms, 30, 60);
        record(early, "ms");
        Object flagship = results.get("step (1486 links, T=140)");
        double step = flagship instanceof Map<?, ?> m ? ((Number) m.get("median")).doubleValue() : Double.NaN;
        double ratio = early.median() / step;
        out.printf(Locale.ROOT, "%-34s %10.2f   (superfluid step / flagship step; neuron-compiler target <= 5)%n", "ratio superfluid/flagship", ratio);
        results.put("ratio superfluid/flagship", ratio);
        if (!quick) record(stats("superfluid step, steps 130-160", ms, 130, 160), "ms");
    }

    /** The median, 10th and 90th percentiles of {@code ms[from..to]}. */
    private static Harness.Stats stats(String name, double[] ms, int from, int to) {
        double[] x = Arrays.copyOfRange(ms, from, to + 1);
        Arrays.sort(x);
        return new Harness.Stats(name, Harness.percentile(x, 0.5), Harness.percentile(x, 0.1), Harness.percentile(x, 0.9), x.length);
    }

    /** The baseline must compute what the engine computes, or its timing means nothing. */
    private void checkBaselineAgrees(FlatBaseline flat, Network net) {
        double[][] expected = flat.run(140);
        Network n = net.reset();
        for (int c = 0; c < 140; c++) {
            n = Engine.step(n, Engine.Context.DEFAULT);
            VValue in = Ops.primal(n.inputOf("output"));
            double d1 = in.get("dict-1").scalarPart(), d2 = in.get("dict-2").scalarPart();
            if (Math.abs(d1 - expected[c][0]) > 1e-9 * Math.max(1, Math.abs(d1)) || Math.abs(d2 - expected[c][1]) > 1e-9 * Math.max(1, Math.abs(d2)))
                throw new IllegalStateException("the flat baseline disagrees with the engine at cycle " + (c + 1));
        }
    }

    /**
     * Warm-up steps of each scaling case: a new network size or window changes the tape's and
     * the plan's shapes, and the JIT recompiles for a few dozen steps (with 5 warm-up steps the
     * medians of the larger cases still included recompilations: 22k links 45–68 ms where a
     * warmed-up process takes 43).
     */
    private static final int SCALING_WARMUP = 40;

    private void scaling(String plotFile) throws IOException {
        int[][] sizes = quick ? new int[][] {{5, 2}, {5, 4}} : new int[][] {{5, 2}, {5, 4}, {8, 5}};
        int[] windows = quick ? new int[] {35, 140} : new int[] {35, 140, 560};
        for (int[] size : sizes) {
            Setup s = setup(size[0], size[1], 140);
            Trainer t = trainer(s);
            Harness.Stats st = Harness.measure(String.format(Locale.ROOT, "step %d links, T=140", s.links), reps(SCALING_WARMUP), reps(20), t::trainStep);
            record(st, "ms");
            scaling.add(new double[] {s.links, 140, st.median()});
        }
        for (int w : windows) {
            if (w == 140) continue;
            Setup s = setup(5, 2, w);
            Trainer t = trainer(s);
            Harness.Stats st = Harness.measure(String.format(Locale.ROOT, "step %d links, T=%d", s.links, w), reps(SCALING_WARMUP), reps(20), t::trainStep);
            record(st, "ms");
            scaling.add(new double[] {s.links, w, st.median()});
        }
        if (plotFile != null) {
            ScalingPlot.write(scaling, Path.of(plotFile));
            out.println("scaling plot: " + plotFile);
        }
    }

    private void memory() {
        int[][] sizes = quick ? new int[][] {{5, 2}} : new int[][] {{5, 2}, {8, 5}};
        for (int[] size : sizes) {
            Setup s = setup(size[0], size[1], 140);
            Trainer t = trainer(s);
            t.trainStep();
            long peak = peakDuring(t::trainStep);
            out.printf(Locale.ROOT, "%-34s %10d MiB%n", "peak heap of one step, " + s.links + " links", peak >> 20);
            results.put("peak heap MiB, " + s.links + " links", peak >> 20);
        }
        Setup s = setup(5, 2, 140);
        Trainer t = trainer(s);
        int few = 10, many = quick ? 100 : 1000;
        for (int i = 0; i < few; i++) t.trainStep();
        long after10 = usedAfterGc();
        for (int i = few; i < many; i++) t.trainStep();
        long afterMany = usedAfterGc();
        out.printf(Locale.ROOT, "%-34s %10d MiB after %d steps, %d MiB after %d (no growth: the tape is released)%n", "heap after GC",
                after10 >> 20, few, afterMany >> 20, many);
        results.put("heap MiB after " + few + " steps", after10 >> 20);
        results.put("heap MiB after " + many + " steps", afterMany >> 20);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Peak heap use above the level before {@code body}, sampled every millisecond. */
    private static long peakDuring(Runnable body) {
        long base = usedAfterGc();
        long[] peak = {base};
        var mem = ManagementFactory.getMemoryMXBean();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak[0] = Math.max(peak[0], mem.getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        body.run();
        sampler.interrupt();
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        peak[0] = Math.max(peak[0], mem.getHeapMemoryUsage().getUsed());
        return Math.max(0, peak[0] - base);
    }

    private void micro() {
        try {
            var opts = new org.openjdk.jmh.runner.options.OptionsBuilder().include(Micro.class.getSimpleName())
                    .forks(quick ? 0 : 1).warmupIterations(quick ? 1 : 3).measurementIterations(quick ? 1 : 5).build();
            for (var r : new org.openjdk.jmh.runner.Runner(opts).run()) {
                var p = r.getPrimaryResult();
                String name = "micro " + r.getParams().getBenchmark().replaceAll(".*\\.", "");
                out.printf(Locale.ROOT, "%-34s %10.1f ± %.1f %s%n", name, p.getScore(), p.getScoreError(), p.getScoreUnit());
                results.put(name, Map.of("score", p.getScore(), "error", p.getScoreError(), "unit", p.getScoreUnit()));
            }
        } catch (org.openjdk.jmh.runner.RunnerException e) {
            out.println("micro-benchmarks failed: " + e.getMessage());
        }
    }

    private void writeJson(Path file) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            writeValue(g, results);
        }
        VValueJson.writeAtomically(file, w + "\n");
        out.println("results: " + file);
    }

    @SuppressWarnings("unchecked")
    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Number n) g.writeNumber(n.doubleValue());
        else g.writeString(String.valueOf(v));
    }
}
