package dmm.train;

import dmm.ad.Grad;
import dmm.ad.Ops;
import dmm.lang.Cancelled;
import dmm.lang.EvalError;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.lang.Printer;
import dmm.lang.Values;
import dmm.machine.Network;
import dmm.vvalue.VValue;
import java.nio.file.Path;
import java.util.Map;

/**
 * A training run: the network being trained, its loss (a language function of the network
 * returning a number), the optimizer, the regularizer, the step count and the log. One step
 * is one gradient of {@code loss(net with W) + penalty(W)} with respect to the soft matrix W,
 * then one optimizer update. A step either completes or leaves everything as it was: on
 * NaN/Inf or cancellation the last good state is kept.
 */
public final class Trainer {
    final Interpreter interp;
    Network net;
    final Fn loss;
    final Optimizer optimizer;
    Regularizer regularizer;
    long step;
    final long seed;
    final Path base;
    final TrainLog log;
    /** The sparsification in progress (saved with checkpoints so that it resumes exactly), or null. */
    Sparsifier.Position sparsification;
    /** Wall-clock origin of the log's seconds column (moved back on resume, so seconds keep counting). */
    private long created = System.nanoTime();
    boolean quiet;
    long progressEvery;
    /** Periodic checkpoints of {@link #train}: every this many steps (0: never). */
    long checkpointEverySteps = DEFAULT_CHECKPOINT_STEPS;
    /** Periodic checkpoints of {@link #train}: at least this often, in seconds (0: never). */
    double checkpointEverySeconds = DEFAULT_CHECKPOINT_SECONDS;
    static final long DEFAULT_CHECKPOINT_STEPS = 500;
    static final double DEFAULT_CHECKPOINT_SECONDS = 60;

    public Trainer(Interpreter interp, Network net, Fn loss, Optimizer optimizer, Regularizer regularizer, long seed, Path base) {
        this.interp = interp;
        this.net = net;
        this.loss = loss;
        this.optimizer = optimizer;
        this.regularizer = regularizer;
        this.seed = seed;
        this.base = base;
        this.log = new TrainLog(base);
        if (net.isSelfReferential())
            throw new EvalError("training a self-referential network's matrix is not supported yet: train the matrix of an ordinary network");
    }

    public Network network() {
        return net;
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
        Object v = interp.call(loss, n);
        return Values.toDouble(v, "the loss function's result");
    }

    /** The value and gradient of the prereg loss at {@code w}. */
    Grad.Result lossAndGradient(VValue w) {
        return Grad.valueAndGrad(args -> {
            Object v = interp.call(loss, net.withSoftMatrix(args[0]));
            if (!Values.isVValue(v)) throw new EvalError("the loss function must return a number, got " + Printer.describe(v));
            return v;
        }, w);
    }

    /** One training step. Throws {@link TrainingError} (state kept) on NaN/Inf. */
    public TrainLog.Row trainStep() {
        VValue w = weights();
        long next = step + 1;
        Grad.Result r;
        try {
            r = lossAndGradient(w);
        } catch (Cancelled e) {
            throw e;
        } catch (RuntimeException e) {
            dmm.vvalue.NonFiniteException nonFinite = dmm.vvalue.NonFiniteException.in(e);
            if (nonFinite == null) throw e;
            throw new TrainingError("training stopped at step " + next + ": " + nonFinite.getMessage() + "; the network keeps the weights of step " + step);
        }
        double prereg = r.value().scalarPart();
        VValue g = r.gradients().get(0);
        if (!Double.isFinite(prereg))
            throw new TrainingError("training stopped at step " + next + ": the loss is " + prereg + "; the network keeps the weights of step " + step);
        if (!Double.isFinite(g.maxAbs()))
            throw new TrainingError("training stopped at step " + next + ": the gradient has a non-finite entry; the network keeps the weights of step " + step);
        double l1Norm = regularizer.l1Norm(w);
        double penalty = regularizer.penalty(w, l1Norm);
        VValue total = g.add(regularizer.gradient(w));
        VValue updated = optimizer.step(w, total);
        if (!Double.isFinite(updated.maxAbs()))
            throw new TrainingError("training stopped at step " + next + ": the update produced non-finite weights; the network keeps the weights of step " + step);
        net = net.withSoftMatrix(updated);
        step = next;
        TrainLog.Row row = new TrainLog.Row(step, prereg + penalty, prereg, l1Norm, regularizer.l1(), w.leafCount(),
                optimizer.learningRate(), seconds());
        log.add(row);
        return row;
    }

    /**
     * Runs {@code steps} steps with a progress display, writing a checkpoint every {@link
     * #checkpointEverySteps} steps or {@link #checkpointEverySeconds} seconds (when the trainer has
     * a log). Cancellation (Ctrl-C, {@link Interpreter#requestCancel()}) stops at the next step
     * boundary with a consistent network; NaN/Inf stops with the last good weights. Either way the
     * log, the plot and a checkpoint of the consistent state are written. Returns the steps done.
     */
    public long train(long steps, String phase) {
        return train(steps, phase, true);
    }

    /** {@link #train(long, String)}; {@code periodic} false leaves checkpoints to the caller (the sparsifier writes them at round boundaries). */
    long train(long steps, String phase, boolean periodic) {
        Progress p = new Progress(interp.out(), isTerminal(), steps, progressEvery, quiet);
        long done = 0;
        long lastStep = step, lastTime = System.nanoTime();
        try {
            for (; done < steps; done++) {
                interp.checkCancelled();
                p.update(trainStep(), phase);
                if (periodic && base != null
                        && ((checkpointEverySteps > 0 && step - lastStep >= checkpointEverySteps)
                            || (checkpointEverySeconds > 0 && System.nanoTime() - lastTime >= checkpointEverySeconds * 1e9))) {
                    saveCheckpoint(checkpointPath());
                    lastStep = step;
                    lastTime = System.nanoTime();
                }
            }
        } catch (Cancelled | TrainingError e) {
            p.finish();
            if (periodic) {
                if (base != null) saveCheckpoint(checkpointPath());
                interp.out().println((e instanceof Cancelled ? "interrupted" : "stopped") + " at step " + step
                        + (base != null ? "; checkpoint of that state written to " + checkpointPath() : "") + "; the network is consistent");
            }
            log.flushAndPlot();
            throw e;
        } finally {
            p.finish();
        }
        log.flushAndPlot();
        return done;
    }

    private boolean isTerminal() {
        return interp.terminal();
    }

    /**
     * Removes the soft weights with |w| below {@code threshold}, and the optimizer state of
     * exactly those entries. Returns how many were removed.
     */
    public int prune(double threshold) {
        return prune(threshold, java.util.Set.of());
    }

    /** {@link #prune(double)}, keeping the links at the {@code protectedPaths} whatever their size. */
    public int prune(double threshold, java.util.Set<java.util.List<String>> protectedPaths) {
        VValue w = weights();
        VValue kept = w.filterLeaves((p, x) -> Math.abs(x) >= threshold || (!protectedPaths.isEmpty() && protectedPaths.contains(p)));
        net = net.withSoftMatrix(kept);
        optimizer.restrictTo(kept);
        return w.leafCount() - kept.leafCount();
    }

    public Path checkpointPath() {
        return base == null ? null : base.resolveSibling(base.getFileName() + ".ckpt.json");
    }

    /** Saves the network's matrices, the optimizer state, the step, λ, the schedule and the seed (atomically). */
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
