package dmm.train;

import dmm.ad.Grad;
import dmm.ad.Ops;
import dmm.cancel.CancelToken;
import dmm.cancel.Cancelled;
import dmm.machine.MachineError;
import dmm.machine.Network;
import dmm.vvalue.NonFiniteException;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A training run: the network being trained, its {@link Loss} (a function of the network
 * returning a number), the optimizer, the regularizer, the step count and the log. One step
 * is one gradient of {@code loss(net with W) + penalty(W)} with respect to the soft matrix W,
 * then one optimizer update. A step either completes or leaves everything as it was: on
 * NaN/Inf or cancellation the last good state is kept.
 *
 * <p>The file is long because everything that changes the training state — steps, pruning,
 * regrowing, snapshots, checkpoints, λ — lives with that state, so that a step either
 * completes or leaves it as it was.
 */
public final class Trainer {
    /**
     * Where a trainer reports and what stops it: the output for progress lines and messages
     * (while a background run has it, that run's instead), and the cancellation checked at every
     * step boundary (the current thread's bound token first, then this one; null: only the bound one).
     */
    public record Host(TrainOutput output, CancelToken cancel) {
        /** Lines to {@code out}, redrawn in place when {@code terminal}. */
        public Host(PrintStream out, boolean terminal, CancelToken cancel) {
            this(TrainOutput.console(() -> out, terminal), cancel);
        }

        /** Messages to standard output, no terminal, the thread's cancellation. */
        public static Host standard() {
            return new Host(System.out, false, null);
        }
    }

    /** The trainer's settings, each declared once with its doc; {@link #DEFAULTS} holds the defaults. */
    public record Options(
            @Doc("print no progress line") boolean quiet,
            @Doc("a progress line every this many steps (0: about ten per train!)") long progressEvery,
            @Doc("with a log, train! writes a checkpoint every this many steps (0: never)") long checkpointEvery,
            @Doc("with a log, train! writes a checkpoint at least this often, in seconds (0: never)") double checkpointSeconds,
            @Doc("global gradient-norm clipping: each step's gradient (loss and penalty) is scaled down to this L2 norm when longer (0: off)") double clip) {
        public static final Options DEFAULTS = new Options(false, 0, 500, 60, 0);

        public Options {
            if (progressEvery < 0 || checkpointEvery < 0 || checkpointSeconds < 0 || clip < 0)
                throw new IllegalArgumentException("progress-every, checkpoint-every, checkpoint-seconds and clip must be at least 0 (0: never/off)");
        }
    }

    final Host host;
    private Network net;
    final Loss loss;
    final Optimizer optimizer;
    private Regularizer regularizer;
    private long step;
    final Path base;
    final TrainLog log;
    /** The sparsification in progress (saved with checkpoints so that it resumes exactly), or null. */
    private Sparsifier.Position sparsification;
    /** Wall-clock origin of the log's seconds column (moved back on resume, so seconds keep counting). */
    private long created = System.nanoTime();
    /** The settings; the sparsifier's judge trains quietly for a while. */
    private Options options;
    /** Called after every step with its log row (a Java program's progress callback), or null. */
    private Consumer<TrainLog.Row> onStep;
    /** Changes and pauses asked for by other threads, applied at step boundaries (a run in the background). */
    final TrainControl control = new TrainControl();

    /**
     * A training run of {@code net}'s soft matrix. {@code base} names the log, plot and checkpoint
     * files ({@code base.csv}, {@code base.png}, {@code base.ckpt.json}), or null for none.
     */
    public Trainer(Host host, Network net, Loss loss, Optimizer optimizer, Regularizer regularizer, Path base, Options options) {
        this.host = host;
        this.options = options;
        this.net = net;
        this.loss = loss;
        this.optimizer = optimizer;
        this.regularizer = regularizer;
        this.base = base;
        this.log = new TrainLog(base);
        this.madeWith = Ops.primal(net.softMatrix());
        this.madeWithLambda = regularizer.l1();
        if (net.isSelfReferential())
            throw new MachineError("training a self-referential network's matrix is not supported yet: train the matrix of an ordinary network");
    }

    /**
     * A trainer with named settings, defaults for the rest:
     * <pre>{@code
     * Trainer t = Trainer.builder(net, loss).optimizer(new Adam(0.05, 0.9, 0.999, 1e-8)).l1(0.001).quiet().build();
     * }</pre>
     * Defaults: Adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-8), no L1 or L2, no log files,
     * {@link Options#DEFAULTS}, messages to standard output.
     */
    public static Builder builder(Network net, Loss loss) {
        return new Builder(net, loss);
    }

    /** The settings of a trainer by name ({@link #builder}). */
    public static final class Builder {
        private final Network net;
        private final Loss loss;
        private Host host = Host.standard();
        private Optimizer optimizer = new Adam(0.001, 0.9, 0.999, 1e-8);
        private double l1, l2;
        private Set<String> excluded = Set.of();
        private Path log;
        private Options options = Options.DEFAULTS;

        private Builder(Network net, Loss loss) {
            this.net = Objects.requireNonNull(net, "net");
            this.loss = Objects.requireNonNull(loss, "loss");
        }

        /** Where messages go, whether it is a terminal, and the cancellation to obey. */
        public Builder host(Host h) {
            this.host = h;
            return this;
        }

        public Builder optimizer(Optimizer o) {
            this.optimizer = o;
            return this;
        }

        /** L1 coefficient λ over the soft weights (at least 0). */
        public Builder l1(double lambda) {
            this.l1 = lambda;
            return this;
        }

        public Builder l2(double coefficient) {
            this.l2 = coefficient;
            return this;
        }

        /** Target neurons whose incoming links the regularizer leaves alone (e.g. "timer", "input"). */
        public Builder exclude(String... neurons) {
            this.excluded = Set.of(neurons);
            return this;
        }

        /** Log, plot and checkpoint files {@code base.csv}, {@code base.png}, {@code base.ckpt.json}. */
        public Builder log(Path base) {
            this.log = base;
            return this;
        }

        public Builder options(Options o) {
            this.options = o;
            return this;
        }

        /** No progress lines. */
        public Builder quiet() {
            this.options = new Options(true, options.progressEvery(), options.checkpointEvery(), options.checkpointSeconds(), options.clip());
            return this;
        }

        public Trainer build() {
            return new Trainer(host, net, loss, optimizer, new Regularizer(l1, l2, excluded), log, options);
        }
    }

    public Network network() {
        return net;
    }

    /** The soft matrix of the network this trainer was made with: the links a regrow may bring back. */
    private final VValue madeWith;
    private final double madeWithLambda;

    /** Everything a step changes: the network, the optimizer's state, the step count and λ. */
    public record Snapshot(Network net, Map<String, Object> optimizer, long step, double lambda) {}

    /** The state to come back to (the sparsifier's last accepted round, the polish's best step). */
    public Snapshot snapshot() {
        Snapshot s = new Snapshot(net, optimizer.state(), step, lambda());
        control.snapshotTaken(s);
        return s;
    }

    /** The background run on this trainer, if one was started (its own record of it: no registry elsewhere). */
    private TrainRun run;

    /** Makes {@code r} this trainer's background run; returns the one still running instead (and changes nothing), else null. */
    synchronized TrainRun attachRun(TrainRun r) {
        if (run != null && !run.isFinished()) return run;
        run = r;
        return null;
    }

    /** While a background run runs this trainer: its output (null: the host's). */
    private volatile TrainOutput runOutput;

    /** Sends this trainer's text to {@code o} (a background run's, while it runs), or back to the host's (null). */
    void reportTo(TrainOutput o) {
        runOutput = o;
    }

    /** Where this trainer's text goes now. */
    TrainOutput output() {
        TrainOutput o = runOutput;
        return o != null ? o : host.output();
    }

    /** The background run last started on this trainer (perhaps finished), or null. */
    synchronized TrainRun run() {
        return run;
    }

    /** The same network with soft matrix {@code w} (a link cut or restored by hand; the optimizer's state is the caller's to align). */
    void replaceSoftMatrix(VValue w) {
        net = net.withSoftMatrix(w);
    }

    /** Runs {@code body} with the progress display off (the judge's trial steps), then puts the options back. */
    <T> T quietly(java.util.function.Supplier<T> body) {
        Options before = options;
        options = new Options(true, before.progressEvery(), before.checkpointEvery(), before.checkpointSeconds(), before.clip());
        try {
            return body.get();
        } finally {
            options = before;
        }
    }

    /** Records where the sparsification in progress stands (null: none), saved with checkpoints. */
    void sparsification(Sparsifier.Position p) {
        sparsification = p;
    }

    /** The state now, as a snapshot the sparsifier and the change replay do not know of (a change's rollback point). */
    Snapshot capture() {
        return new Snapshot(net, optimizer.state(), step, lambda());
    }

    /** Back to {@link #capture}d state taken at this same step: nothing is replayed, the log is untouched. */
    void putBack(Snapshot s) {
        net = s.net();
        optimizer.restore(s.optimizer());
        setLambda(s.lambda());
    }

    /** Back to a snapshot of this trainer; the log forgets the steps after it. */
    public void restore(Snapshot snap) {
        net = snap.net();
        optimizer.restore(snap.optimizer());
        step = snap.step();
        setLambda(snap.lambda());
        log.truncateAfter(snap.step());
        control.restored(this, snap);
    }

    /** Calls {@code listener} after every completed step (training, judging and polishing alike) with its log row. */
    public Trainer onStep(Consumer<TrainLog.Row> listener) {
        this.onStep = listener;
        return this;
    }

    /** The queue of changes (learning rate, λ, links, schedule) and the pause applied at this trainer's step boundaries. */
    public TrainControl control() {
        return control;
    }

    /** The L1/L2 regularizer in force (λ changes with the schedule). */
    public Regularizer regularizer() {
        return regularizer;
    }

    public Options options() {
        return options;
    }

    /** Where the sparsification in progress stands, or null. */
    public Sparsifier.Position sparsification() {
        return sparsification;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public long step() {
        return step;
    }

    public double lambda() {
        return regularizer.l1();
    }

    public void setLambda(double l1) {
        regularizer = regularizer.withL1(l1);
    }

    public TrainLog log() {
        return log;
    }

    VValue weights() {
        return Ops.primal(net.softMatrix());
    }

    /** The loss before regularization at the current weights, computed without the tape. */
    public double evaluate() {
        return evaluate(net);
    }

    /** The loss before regularization of any network (e.g. the trained one on another string). */
    public double evaluate(Network n) {
        return Loss.value(loss.at(step), n);
    }

    /** The loss being trained (a curriculum, a batch loss over a data set, or one run). */
    public Loss loss() {
        return loss;
    }

    /** The value and gradient of the prereg loss at {@code w}: the loss that applies at this step, its batch for the next step. */
    Grad.Result lossAndGradient(VValue w) {
        return loss.at(step).valueAndGradient(net, w, step + 1);
    }

    /** The curriculum stage last announced (-1: none yet). */
    private int announcedStage = -1;

    /** Says which curriculum stage the next step trains in, when it is not the one last said. */
    private void announceStage() {
        if (!(loss instanceof Curriculum c) || options.quiet()) return;
        int stage = c.stageAt(step);
        if (stage != announcedStage) output().message(c.describeStage(stage));
        announcedStage = stage;
    }

    /** One training step. Throws {@link TrainingError} (state kept) on NaN/Inf. */
    public TrainLog.Row trainStep() {
        VValue w = weights();
        long next = step + 1;
        announceStage();
        Grad.Result r;
        try {
            r = lossAndGradient(w);
        } catch (Cancelled e) {
            throw e;
        } catch (RuntimeException e) {
            NonFiniteException nonFinite = NonFiniteException.in(e);
            if (nonFinite == null) throw e;
            throw new TrainingError("training stopped at step " + next + ": " + nonFinite.getMessage() + "; the network keeps the weights of step " + step);
        }
        double prereg = r.value().scalarPart();
        VValue g = r.gradients().get(0);
        if (!Double.isFinite(prereg))
            throw new TrainingError("training stopped at step " + next + ": the loss is " + prereg + "; the network keeps the weights of step " + step);
        if (!Double.isFinite(g.maxAbs()))
            throw new TrainingError("training stopped at step " + next + ": the gradient has a non-finite entry; the network keeps the weights of step " + step);
        // the penalty, the total gradient and the update on the weights' leaves as arrays (the
        // same sums, in the same order, as over the trees)
        LeafTable table = optimizer instanceof TreeOptimizer o ? o.tableFor(w) : new LeafTable(w);
        double l1Norm = regularizer.l1Norm(table);
        double penalty = regularizer.penalty(table, l1Norm);
        double[] total = table.read(g);
        regularizer.addGradient(table, total);
        if (options.clip() > 0) {
            // global gradient-norm clipping: the whole gradient scaled down to norm `clip` when it is longer
            VValue tree = table.build(total);
            double norm = Math.sqrt(VValue.dot(tree, tree));
            if (norm > options.clip()) for (int i = 0; i < total.length; i++) total[i] = options.clip() / norm * total[i];
        }
        VValue updated = optimizer instanceof TreeOptimizer o ? o.step(table, total) : optimizer.step(w, table.build(total));
        if (!Double.isFinite(updated.maxAbs()))
            throw new TrainingError("training stopped at step " + next + ": the update produced non-finite weights; the network keeps the weights of step " + step);
        net = net.withSoftMatrix(updated);
        step = next;
        TrainLog.Row row = new TrainLog.Row(step, prereg + penalty, prereg, l1Norm, regularizer.l1(), table.size(),
                optimizer.learningRate(), seconds());
        log.add(row);
        if (onStep != null) onStep.accept(row);
        control.stepped(this, row);
        return row;
    }

    /**
     * Runs {@code steps} steps with a progress display, writing a checkpoint every {@link
     * Options#checkpointEvery} steps or {@link Options#checkpointSeconds} seconds (when the trainer
     * has a log). Cancellation (Ctrl-C, a request on the {@link Host#cancel} token) stops at the next step
     * boundary with a consistent network; NaN/Inf stops with the last good weights. Either way the
     * log, the plot and a checkpoint of the consistent state are written. Returns the steps done.
     */
    public long train(long steps, Phase phase) {
        return train(steps, phase, true);
    }

    /** {@link #train(long, Phase)} in {@link Phase#TRAIN}. */
    public long train(long steps) {
        return train(steps, Phase.TRAIN);
    }

    /** {@link #train(long, Phase)}; {@code periodic} false leaves checkpoints to the caller (the sparsifier writes them at round boundaries). */
    long train(long steps, Phase phase, boolean periodic) {
        Progress p = new Progress(output(), steps, options.progressEvery(), options.quiet());
        long done = 0;
        long lastStep = step, lastTime = System.nanoTime();
        try {
            for (; done < steps; done++) {
                CancelToken.check(host.cancel());
                control.boundary(this, phase);
                p.update(trainStep(), phase);
                if (periodic && base != null
                        && ((options.checkpointEvery() > 0 && step - lastStep >= options.checkpointEvery())
                            || (options.checkpointSeconds() > 0 && System.nanoTime() - lastTime >= options.checkpointSeconds() * 1e9))) {
                    saveCheckpoint(checkpointPath());
                    lastStep = step;
                    lastTime = System.nanoTime();
                }
            }
        } catch (Cancelled | TrainingError e) {
            p.finish();
            if (periodic) {
                String saved = "";
                if (base != null) {
                    try {
                        saveCheckpoint(checkpointPath());
                        saved = "; checkpoint of that state written to " + checkpointPath();
                    } catch (RuntimeException failed) {   // the stop's own cause (a full disk, say) may stop this too
                        e.addSuppressed(failed);
                        saved = "; no checkpoint (" + failed.getMessage() + ")";
                    }
                }
                output().message((e instanceof Cancelled ? "interrupted" : "stopped") + " at step " + step + saved + "; the network is consistent");
            }
            try {
                log.flushAndPlot();
            } catch (RuntimeException failed) {
                e.addSuppressed(failed);
            }
            throw e;
        } finally {
            p.finish();
        }
        log.flushAndPlot();
        return done;
    }


    /**
     * Removes the soft weights with |w| below {@code threshold}, and the optimizer state of
     * exactly those entries. Returns how many were removed.
     */
    public int prune(double threshold) {
        return prune(threshold, Set.of());
    }

    /**
     * Adds back, at {@code sigma · Normal(0, 1)}, every soft link of the network this trainer was
     * made with that the network no longer has (the links pruning removed), drawn in matrix order
     * from a SplitMix64 stream seeded with {@code seed}; the optimizer starts afresh. Returns how
     * many links came back. The links that remain keep their weights.
     */
    public int regrow(double sigma, long seed) {
        VValue w = weights();
        SplittableRandom r = new SplittableRandom(seed);
        VBuilder added = new VBuilder();
        int[] n = {0};
        madeWith.forEachLeaf((p, x) -> {
            double g = r.nextGaussian();   // one draw per link of the original network, so the draws do not depend on what was pruned
            if (w.getIn(p).scalarPart() == 0) {
                added.addAt(p, sigma * g);
                n[0]++;
            }
        });
        net = net.withSoftMatrix(w.add(added.build()));
        optimizer.reset();
        return n[0];
    }

    /** The L1 coefficient this trainer was made with (what a regrowing sparsification trains at). */
    public double initialLambda() {
        return madeWithLambda;
    }

    /** {@link #prune(double)}, keeping the links at the {@code protectedPaths} whatever their size. */
    public int prune(double threshold, Set<List<String>> protectedPaths) {
        VValue w = weights();
        VValue kept = w.filterLeaves((p, x) -> Math.abs(x) >= threshold || (!protectedPaths.isEmpty() && protectedPaths.contains(p)));
        net = net.withSoftMatrix(kept);
        optimizer.restrictTo(kept);
        return w.leafCount() - kept.leafCount();
    }

    public Path checkpointPath() {
        return base == null ? null : base.resolveSibling(base.getFileName() + ".ckpt.json");
    }

    /** Saves the network's matrices, the optimizer state, the step, λ and the sparsification's position (atomically). */
    public void saveCheckpoint(Path file) {
        log.flush();
        Checkpoint.save(this, file);
    }

    /** Restores everything {@link #saveCheckpoint} saved; the run then continues exactly. */
    public void loadCheckpoint(Path file) {
        Checkpoint.load(this, file);
        log.resumeAt(step);
    }

    void restoreState(Network n, long step, double lambda, Map<String, Object> opt, Sparsifier.Position sparsification, double seconds) {
        this.net = n;
        this.step = step;
        setLambda(lambda);
        optimizer.restore(opt);
        this.sparsification = sparsification;
        this.created = System.nanoTime() - (long) (seconds * 1e9);
    }

    /** Seconds since the run started (counting the time before a resume). */
    double seconds() {
        return (System.nanoTime() - created) / 1e9;
    }

    @Override
    public String toString() {
        return "#<trainer " + net.name() + ": step " + step + ", " + net.softLinkCount() + " soft links, λ " + regularizer.l1() + ", " + optimizer + ">";
    }
}
