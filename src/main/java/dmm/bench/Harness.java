package dmm.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/** Repeated timing in one process: warm-up runs, then a sample of runs summarised by median, p10 and p90. */
final class Harness {
    record Stats(String name, double median, double p10, double p90, int runs) {
        String row(String unit) {
            return String.format(Locale.ROOT, "%-34s %10.3f %10.3f %10.3f  %s  (%d runs)", name, median, p10, p90, unit, runs);
        }
    }

    private Harness() {}

    /**
     * With {@code -Ddmm.bench.cpu=true}: the calling thread's CPU time instead of wall time (less
     * disturbed by other processes on a shared machine, but without GC and JIT threads' work; for
     * comparing builds while optimizing, not for the published figures).
     */
    private static final boolean CPU = Boolean.getBoolean("dmm.bench.cpu");

    private static long now() {
        return CPU ? ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** Times {@code body} (milliseconds per call). */
    static Stats measure(String name, int warmup, int runs, Runnable body) {
        for (int i = 0; i < warmup; i++) body.run();
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = now();
            body.run();
            ms[i] = (now() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return new Stats(name, percentile(ms, 0.5), percentile(ms, 0.1), percentile(ms, 0.9), runs);
    }

    /**
     * Times several bodies interleaved: after their warm-ups, each round runs every body once, in
     * turn, so a change in the machine's load (other processes on a shared machine) reaches all
     * of them alike and the ratios of their medians stay meaningful.
     */
    static Stats[] measureInterleaved(String[] names, int[] warmups, int runs, Runnable[] bodies) {
        for (int b = 0; b < bodies.length; b++) for (int i = 0; i < warmups[b]; i++) bodies[b].run();
        double[][] ms = new double[bodies.length][runs];
        for (int i = 0; i < runs; i++) {
            for (int b = 0; b < bodies.length; b++) {
                long t0 = now();
                bodies[b].run();
                ms[b][i] = (now() - t0) / 1e6;
            }
        }
        Stats[] out = new Stats[bodies.length];
        for (int b = 0; b < bodies.length; b++) {
            Arrays.sort(ms[b]);
            out[b] = new Stats(names[b], percentile(ms[b], 0.5), percentile(ms[b], 0.1), percentile(ms[b], 0.9), runs);
        }
        return out;
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 1) return sorted[0];
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
