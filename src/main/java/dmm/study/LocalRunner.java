package dmm.study;

import dmm.cancel.CancelToken;
import dmm.cancel.Cancelled;
import dmm.lang.Interpreter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a study on this machine: {@code workers} runs at a time, each in an interpreter of its
 * own on a thread of its own. Runs whose rows the results file already has as successful are
 * skipped (a failed run is tried again); each finished run appends its row and prints one line,
 * with the running count and an estimate of the time left. A cancel request of the calling
 * thread (Ctrl-C) cancels the runs under way (they leave no row) and ends the study.
 */
public final class LocalRunner {
    private final Study study;
    private final ResultFile results;
    private final Path outRoot;
    private final int workers;
    private final PrintStream log;
    private final CancelToken caller;

    public LocalRunner(Study study, ResultFile results, Path outRoot, int workers, PrintStream log, CancelToken caller) {
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1");
        this.study = study;
        this.results = results;
        this.outRoot = outRoot;
        this.workers = workers;
        this.log = log;
        this.caller = caller;
    }

    /** The runs still to do: every run of the study whose id has no successful row yet. */
    public List<Study.Run> pending() throws IOException {
        Set<String> done = new HashSet<>();
        for (Result r : results.read(log::println)) if (r.ok() && r.study().equals(study.name())) done.add(r.run());
        List<Study.Run> out = new ArrayList<>();
        for (Study.Run r : study.runs()) if (!done.contains(r.id())) out.add(r);
        return out;
    }

    /**
     * Runs the pending runs; returns the rows of this call's runs, in the study's order. Holds the
     * results folder's lock throughout, and checks (or records) the study's fingerprint first.
     */
    public List<Result> run() throws IOException {
        try (StudyLock lock = StudyLock.acquire(outRoot, study.name())) {
            String note = StudyFingerprint.claim(results, study);
            if (note != null) log.println(note);
            return runLocked();
        }
    }

    private List<Result> runLocked() throws IOException {
        List<Study.Run> todo = pending();
        int total = study.runs().size();
        log.printf(Locale.ROOT, "study %s: %d runs (%d done before), %d worker%s; results in %s%n", study.name(), total, total - todo.size(),
                workers, workers == 1 ? "" : "s", results.path());
        if (todo.isEmpty()) return List.of();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "dmm-study-" + study.name());
            t.setDaemon(true);
            return t;
        });
        Set<Interpreter> running = ConcurrentHashMap.newKeySet();
        AtomicInteger finished = new AtomicInteger(), failures = new AtomicInteger();
        long t0 = System.nanoTime();
        List<Future<Result>> futures = new ArrayList<>();
        for (Study.Run r : todo) {
            futures.add(pool.submit(() -> {
                Interpreter[] mine = new Interpreter[1];
                try {
                    Result res = RunOne.execute(study, r, outRoot, i -> {
                        mine[0] = i;
                        running.add(i);
                    });
                    results.append(res);
                    int n = finished.incrementAndGet();
                    if (!res.ok()) failures.incrementAndGet();
                    report(res, n, todo.size(), failures.get(), t0);
                    return res;
                } finally {
                    if (mine[0] != null) running.remove(mine[0]);
                }
            }));
        }
        pool.shutdown();
        List<Result> out = new ArrayList<>();
        try {
            for (Future<Result> f : futures) out.add(await(f));
        } catch (IOException | RuntimeException e) {
            // stop the runs under way, whatever ended the study (Ctrl-C, a results file that cannot be written)
            for (Interpreter i : running) i.requestCancel();
            pool.shutdownNow();
            boolean stopped = false;
            try {
                stopped = pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            log.printf(Locale.ROOT, "study %s %s: %d of %d runs finished and recorded; run it again to do the rest%s%n", study.name(),
                    e instanceof Cancelled ? "interrupted" : "stopped (" + e.getMessage() + ")", finished.get(), todo.size(),
                    stopped ? "" : " (a run still inside a long built-in may yet record its row)");
            throw e;
        }
        log.printf(Locale.ROOT, "study %s: %d runs in %.1f s, %d failed%n", study.name(), out.size(), (System.nanoTime() - t0) / 1e9, failures.get());
        return out;
    }

    /** Waits for one run, checking the caller's cancellation every 50 ms. */
    private Result await(Future<Result> f) throws IOException {
        while (true) {
            CancelToken.check(caller);
            try {
                return f.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // not yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Cancelled();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) throw io;
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    private synchronized void report(Result r, int n, int of, int failed, long t0) {
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double eta = n == 0 ? 0 : elapsed / n * (of - n);
        StringBuilder m = new StringBuilder();
        r.metrics().forEach((k, v) -> m.append("  ").append(k).append(' ').append(String.format(Locale.ROOT, "%.5g", v)));
        String what = r.ok() ? "ok" + m : "FAILED: " + r.errorLine();
        log.printf(Locale.ROOT, "[%d/%d] %s: %s  (%.1f s)   %d ok, %d failed, ETA %s%n", n, of, r.run(), what, r.seconds(), n - failed, failed,
                eta < 1 ? "0s" : String.format(Locale.ROOT, "%.0fs", eta));
    }
}
