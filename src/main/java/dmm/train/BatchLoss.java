package dmm.train;

import dmm.ad.Grad;
import dmm.ad.Ops;
import dmm.ad.Tape;
import dmm.cancel.CancelToken;
import dmm.cancel.Cancelled;
import dmm.machine.MachineError;
import dmm.machine.Network;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * A loss over a data set: one loss per item (a driving string, say, each with its own
 * network that takes the trained soft matrix), summed or averaged over a mini-batch.
 *
 * <p><b>Sampling.</b> Training step {@code k} (1-based) uses the items at positions
 * {@code (k−1)·B … k·B−1} of an endless sequence of epochs, epoch {@code e} being a permutation
 * of all items drawn from {@code (seed, e)}: every item is seen once per epoch, and the batch of
 * a step is a function of the step alone — so a run resumed from a checkpoint at step {@code k}
 * sees exactly the batches the uninterrupted run saw. With {@code B = 0} (or at least the item
 * count) every step uses every item, in order.
 *
 * <p><b>Parallel and exact.</b> The items of a batch run on up to {@code threads} threads, each
 * item on its own tape (forward and backward); their values and gradients are then added in
 * item order on the calling thread. The result is therefore bit-for-bit the same whatever the
 * number of threads and however they are scheduled.
 */
public final class BatchLoss implements Loss {
    /** The settings of a batch loss, each declared once with its doc. */
    public record Options(
            @Doc("items per training step (0: all of them every step)") int batch,
            @Doc("average over the batch (false: sum)") boolean mean,
            @Doc("the seed of the per-epoch shuffles") long seed,
            @Doc("threads running the items of a batch (0: one per core)") int threads) {
        public static final Options DEFAULTS = new Options(16, true, 1, 0);

        public Options {
            if (batch < 0) throw new IllegalArgumentException("batch must be at least 0 (0: every item every step)");
            if (threads < 0) throw new IllegalArgumentException("threads must be at least 0 (0: one per core)");
        }
    }

    /**
     * Stack of the threads that evaluate language functions for training (batch workers,
     * background runs): as deep as the main evaluator's.
     */
    public static final long STACK_BYTES = 64L << 20;
    private static final AtomicInteger WORKERS = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newCachedThreadPool(new ThreadFactory() {
        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(null, r, "dmm-batch-" + WORKERS.incrementAndGet(), STACK_BYTES);
            t.setDaemon(true);
            return t;
        }
    });

    private final List<Loss> items;
    private final List<String> labels;
    private final Options options;
    /** The permutation of the last epoch asked for (steps ask for the same epoch many times in a row). */
    private volatile Epoch lastEpoch;

    private record Epoch(long index, int[] order) {}

    /** A batch loss over {@code items}, named by {@code labels} (same length; e.g. the driving strings). */
    public BatchLoss(List<Loss> items, List<String> labels, Options options) {
        if (items.isEmpty()) throw new TrainingError("a batch loss needs at least one item");
        if (items.size() != labels.size()) throw new IllegalArgumentException("one label per item");
        this.items = List.copyOf(items);
        this.labels = List.copyOf(labels);
        this.options = options;
    }

    public int size() {
        return items.size();
    }

    public List<String> labels() {
        return labels;
    }

    public Options options() {
        return options;
    }

    /** Items per step: the batch size, or every item. */
    public int batchSize() {
        return options.batch() == 0 ? items.size() : Math.min(options.batch(), items.size());
    }

    /** The threads a batch runs on. */
    public int threads() {
        return options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
    }

    /** The indices of the items training step {@code step} (1-based) uses, in the order they are added. */
    public int[] batchAt(long step) {
        if (step < 1) throw new IllegalArgumentException("steps count from 1");
        int n = items.size(), b = batchSize();
        int[] out = new int[b];
        if (options.batch() == 0 || options.batch() >= n) {
            for (int i = 0; i < n; i++) out[i] = i;
            return out;
        }
        long first = (step - 1) * b;
        for (int j = 0; j < b; j++) {
            long i = first + j;
            out[j] = epoch(i / n)[(int) (i % n)];
        }
        return out;
    }

    /** Where the sampling stands once {@code stepsDone} steps have been taken: [epoch, position in it]. */
    public long[] position(long stepsDone) {
        if (options.batch() == 0 || options.batch() >= items.size()) return new long[] {stepsDone, 0};
        long i = stepsDone * batchSize();
        return new long[] {i / items.size(), i % items.size()};
    }

    /** A fingerprint of the data set and sampling (items, labels, batch, seed): a checkpoint written with another data set is refused. */
    public String fingerprint() {
        long h = 1125899906842597L;
        for (String l : labels) {
            for (int i = 0; i < l.length(); i++) h = 31 * h + l.charAt(i);
            h = 31 * h + 0x1f;
        }
        return String.format(Locale.ROOT, "%d items, batch %d, seed %d, %s, labels %016x", items.size(), batchSize(), options.seed(),
                options.mean() ? "mean" : "sum", h);
    }

    private int[] epoch(long e) {
        Epoch last = lastEpoch;
        if (last != null && last.index == e) return last.order;
        int n = items.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom r = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + e);
        for (int i = n - 1; i > 0; i--) {   // Fisher–Yates
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        lastEpoch = new Epoch(e, order);
        return order;
    }

    private double reduction(int count) {
        return options.mean() ? 1.0 / count : 1.0;
    }

    /**
     * The loss over every item (not a batch). Under a tape on this thread (a caller
     * differentiating it) the items run here, recorded; otherwise they run in parallel.
     */
    @Override
    public Object of(Network net) {
        int n = items.size();
        if (Tape.current() != null) {
            Object total = VValue.ZERO;
            for (int i = 0; i < n; i++) {
                try {
                    total = Ops.add(total, Loss.requireNumber(items.get(i).of(net)));
                } catch (RuntimeException e) {
                    throw named(e, i);
                }
            }
            return options.mean() ? Ops.scale(VValue.of(1.0 / n), total) : total;
        }
        double[] values = itemLosses(net);
        double s = 0;
        for (double v : values) s += v;
        return VValue.of(s * reduction(n));
    }

    /** The loss of every item on {@code net}, in item order (run in parallel, no tape). */
    public double[] itemLosses(Network net) {
        Object[] r = parallel(items.size(), i -> i, i -> Ops.primal(Loss.requireNumber(items.get(i).of(net))));
        double[] out = new double[r.length];
        for (int i = 0; i < r.length; i++) out[i] = ((VValue) r[i]).scalarPart();
        return out;
    }

    @Override
    public Grad.Result valueAndGradient(Network net, VValue w, long step) {
        int[] batch = batchAt(step);
        Object[] results = parallel(batch.length, j -> batch[j], j -> items.get(batch[j]).valueAndGradient(net, w, step));
        double value = 0;
        VValue grad = VValue.ZERO;
        for (Object o : results) {   // in item order: the same sum whatever the threads did
            Grad.Result r = (Grad.Result) o;
            value += r.value().scalarPart();
            grad = grad.add(r.gradients().get(0));
        }
        double k = reduction(batch.length);
        if (k != 1) {
            value *= k;
            grad = grad.scale(k);
        }
        return new Grad.Result(VValue.of(value), List.of(grad));
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s of %d items, %s per step", options.mean() ? "mean" : "sum", items.size(),
                batchSize() == items.size() ? "all" : batchSize());
    }

    @Override
    public String toString() {
        return "#<batch-loss " + describe() + ">";
    }

    /**
     * {@code e}, raised by item {@code i}'s loss, with a line of context naming the item by its
     * index and label (the driving string, say): a data set of hundreds of strings fails on one,
     * and the user needs to know which. An engine error keeps its own message and context (a
     * neuron's error stays that neuron's error); any other is wrapped with it as the cause, which
     * the language binding reports as the original error. A cancellation passes unchanged.
     */
    RuntimeException named(RuntimeException e, int i) {
        if (e instanceof Cancelled) return e;
        String label = labels.get(i);
        String line = String.format(Locale.ROOT, "in item %d of %d of the data set: \"%s\"", i + 1, items.size(),
                label.length() > 80 ? label.substring(0, 77) + "..." : label);
        MachineError m = e instanceof MachineError me ? me : new TrainingError(e.getMessage(), e);
        return m.addContext(line);
    }

    /**
     * Runs {@code task(0 … n−1)} on up to {@link #threads()} threads (the calling thread among
     * them) and returns the results by index. The workers check the caller's cancellation; the
     * first failure (in index order) is rethrown after every worker has stopped, naming the item
     * it came from ({@code item.applyAsInt(index)}, see {@link #named}).
     */
    private Object[] parallel(int n, IntUnaryOperator item, IntFunction<Object> task) {
        Object[] out = new Object[n];
        RuntimeException[] failures = new RuntimeException[n];
        Error[] errors = new Error[n];
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CancelToken token = CancelToken.bound();
        Runnable worker = () -> {
            for (int i; !stop.get() && (i = next.getAndIncrement()) < n; ) {
                try {
                    out[i] = task.apply(i);
                } catch (RuntimeException e) {
                    failures[i] = e;
                    stop.set(true);
                } catch (Error e) {   // out of memory, stack overflow: reported on the caller's thread
                    errors[i] = e;
                    stop.set(true);
                } catch (Throwable e) {   // a checked exception thrown sneakily: still this item's failure
                    failures[i] = new RuntimeException(e);
                    stop.set(true);
                }
            }
        };
        int helpers = Math.min(threads(), n) - 1;
        List<Future<?>> running = new ArrayList<>(Math.max(0, helpers));
        boolean interrupted = false;
        try {
            for (int h = 0; h < helpers; h++) {
                try {
                    running.add(POOL.submit(() -> {
                        CancelToken.bind(token);
                        try {
                            worker.run();
                        } finally {
                            CancelToken.bind(null);
                        }
                    }));
                } catch (RejectedExecutionException | OutOfMemoryError e) {
                    break;   // no thread to be had: go on with the helpers there are
                }
            }
            worker.run();
        } finally {
            for (Future<?> f : running) {
                while (true) {
                    try {
                        f.get();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;   // keep waiting: the workers write into this call's arrays
                        stop.set(true);
                    } catch (ExecutionException e) {
                        break;   // the worker catches its task's failures; nothing else can fail
                    }
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
        for (int i = 0; i < n; i++) {
            if (errors[i] != null) throw errors[i];
            if (failures[i] != null) {
                // a cancellation anywhere is the caller's cancellation
                if (failures[i] instanceof Cancelled c) throw c;
                throw named(failures[i], item.applyAsInt(i));
            }
        }
        return out;
    }
}
