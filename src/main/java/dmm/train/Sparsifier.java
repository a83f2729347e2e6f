package dmm.train;

import dmm.lang.Cancelled;
import dmm.machine.Network;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The automated version of the hand-steered sparsification protocol (REFERENCE-EXPERIMENT.md):
 * let L1 drive the links the task does not need toward zero, cut them, check that the network
 * still does its job, raise λ, repeat — and backtrack when a cut hurts.
 *
 * <p>Each round trains {@code recoverSteps} steps at the current λ (with Adam every step moves a
 * weight by about the learning rate, so a link whose loss gradient is weaker than λ walks to
 * zero and then hovers there), then cuts every soft link with {@code |w| < threshold}, and then
 * judges the cut: a copy of the network trains {@code judgeSteps} steps with λ = 0 and the
 * lowest prereg loss over the last fifth of them is the round's loss (λ biases the weights it
 * keeps; the judge asks whether the remaining structure can still do the task). The round is
 * accepted when that loss is at most {@code max(tolerance, min(maxLoss, slack · loss of the last
 * accepted round))}; then λ grows by {@code lambdaGrowth} (up to {@code lambdaMax}), the
 * threshold by {@code thresholdGrowth} (up to {@code thresholdMax}; the published rounds went
 * from 0.01 to 0.19) and a checkpoint is written. A rejected round restores the last accepted
 * state (weights, optimizer state, step, λ) and retries with half the threshold, which cuts
 * only the links L1 pushed closest to zero. It stops after {@code maxRejections} rejections in a
 * row (or as many rounds in a row that cut nothing at the largest λ and threshold), when at most
 * {@code targetLinks} links remain, or after {@code maxRounds} rounds; then it trains
 * {@code polishSteps} steps with λ = 0 so the surviving weights settle.
 */
public final class Sparsifier {
    /** The schedule's parameters. */
    public record Schedule(double threshold, double thresholdGrowth, double thresholdMax, long recoverSteps, long judgeSteps,
                           double tolerance, double slack, double maxLoss, double lambdaStart, double lambdaGrowth, double lambdaMax,
                           int targetLinks, int maxRounds, int maxRejections, long polishSteps, boolean freshOptimizer) {
        public static Schedule defaults() {
            return new Schedule(0.01, 1.1, 0.2, 100, 100, 0.02, 4, 0, 0.01, 1.5, 0.2, 0, 300, 3, 1000, false);
        }
    }

    /** The outcome of a sparsification. */
    public record Result(int startLinks, int endLinks, int rounds, int accepted, double prereg) {}

    private record Snapshot(Network net, Map<String, Object> optimizer, long step, double lambda) {}

    private final Trainer t;
    private final Schedule s;
    private final PrintStream out;

    public Sparsifier(Trainer t, Schedule s) {
        this.t = t;
        this.s = s;
        this.out = t.interp.out();
    }

    private Snapshot snapshot() {
        return new Snapshot(t.net, t.optimizer.state(), t.step, t.lambda());
    }

    private void restore(Snapshot snap) {
        t.net = snap.net;
        t.optimizer.restore(snap.optimizer);
        t.step = snap.step;
        t.setLambda(snap.lambda);
        t.log.truncateAfter(snap.step);
    }

    /** Trains {@code steps} with λ = 0 from the current state, returns the best prereg over the last fifth, and puts everything back. */
    private double judge() {
        if (s.judgeSteps() <= 0) return t.evaluate();
        Snapshot before = snapshot();
        boolean quiet = t.quiet;
        try {
            t.setLambda(0);
            t.quiet = true;
            t.train(s.judgeSteps(), "judge");
            List<TrainLog.Row> rows = t.log.rows();
            int tail = (int) Math.max(1, s.judgeSteps() / 5);
            double best = t.evaluate();
            for (int i = Math.max(0, rows.size() - tail); i < rows.size(); i++) best = Math.min(best, rows.get(i).prereg());
            return best;
        } finally {
            t.quiet = quiet;
            restore(before);
        }
    }

    /**
     * Trains {@code polishSteps} with λ = 0 and keeps the best state seen (Adam on this task has
     * spikes: the last step is not always the best one).
     */
    private void polish() {
        double lambda = t.lambda();
        t.setLambda(0);
        Snapshot before = snapshot();
        Snapshot best = before;
        double bestLoss = Double.POSITIVE_INFINITY;
        Progress p = new Progress(out, false, s.polishSteps(), t.progressEvery, t.quiet);
        try {
            for (long i = 0; i < s.polishSteps(); i++) {
                t.interp.checkCancelled();
                TrainLog.Row r = t.trainStep();
                p.update(r, "polish");
                // r.prereg() is the loss of the weights before this step's update
                if (r.prereg() < bestLoss) {
                    bestLoss = r.prereg();
                    best = before;
                }
                before = snapshot();
            }
        } finally {
            p.finish();
        }
        double last = t.evaluate();
        if (last < bestLoss) {
            bestLoss = last;
            best = snapshot();
        }
        restore(best);
        t.schedule.put("polished", 1.0);
        t.log.flushAndPlot();
        out.printf(Locale.ROOT, "polish: %d steps with λ = 0 (was %.4g); best prereg %.5g at step %d, kept%n",
                s.polishSteps(), lambda, bestLoss, t.step);
    }

    public Result run() {
        int start = t.net.softLinkCount();
        t.setLambda(Math.max(t.lambda(), s.lambdaStart()));
        double startLoss = judge();
        double maxLoss = s.maxLoss() > 0 ? s.maxLoss() : Math.max(1.0, 3 * startLoss);
        double reference = startLoss;
        out.printf(Locale.ROOT, "sparsify: %d soft links, prereg %.5g (after a %d-step λ=0 check); cutting |w| < %.3g each round, "
                + "accepting prereg up to %.2fx the last accepted (cap %.4g, floor %.4g)%n",
                start, startLoss, s.judgeSteps(), s.threshold(), s.slack(), maxLoss, s.tolerance());
        int rounds = 0, accepted = 0, rejections = 0, idle = 0;
        java.util.Set<List<String>> protectedLinks = new java.util.HashSet<>();
        double acceptedThreshold = s.threshold();
        double threshold = s.threshold();
        Snapshot good = snapshot();
        try {
            while (rounds < s.maxRounds() && t.net.softLinkCount() > s.targetLinks() && rejections < s.maxRejections()
                    && idle < s.maxRejections()) {
                rounds++;
                t.schedule.put("round", (double) rounds);
                t.schedule.put("threshold", threshold);
                int before = t.net.softLinkCount();
                t.train(s.recoverSteps(), "shrink");
                dmm.vvalue.VValue beforeCut = t.weights();
                int cut = t.prune(threshold, protectedLinks);
                if (s.freshOptimizer() && cut > 0) t.optimizer.reset();
                double loss = judge();
                double accept = Math.max(s.tolerance(), Math.min(maxLoss, s.slack() * reference));
                int after = t.net.softLinkCount();
                if (loss <= accept) {
                    accepted++;
                    rejections = 0;
                    // nothing left below the largest threshold at the largest λ: the schedule is done
                    idle = cut == 0 && t.lambda() >= s.lambdaMax() && threshold >= s.thresholdMax() ? idle + 1 : 0;
                    reference = Math.max(loss, 1e-12);
                    double lambda = t.lambda();
                    t.setLambda(Math.min(s.lambdaMax(), lambda * s.lambdaGrowth()));
                    out.printf(Locale.ROOT, "round %d: λ %.4g, cut %d (|w| < %.3g) -> %d links, prereg %.5g  accepted%n",
                            rounds, lambda, before - after, threshold, after, loss);
                    good = snapshot();
                    threshold = Math.min(s.thresholdMax(), threshold * s.thresholdGrowth());
                    acceptedThreshold = threshold;
                    if (t.base != null) t.saveCheckpoint(t.checkpointPath());
                } else {
                    rejections++;
                    out.printf(Locale.ROOT, "round %d: λ %.4g, cut %d (|w| < %.3g) -> %d links, prereg %.5g > %.5g  rejected; back to %d links%n",
                            rounds, t.lambda(), before - after, threshold, after, loss, accept, good.net.softLinkCount());
                    if (cut == 1) {
                        // one small link the task needs: keep it from now on, and go on cutting as before
                        dmm.vvalue.VValue gone = beforeCut.filterLeaves((p, x) -> t.weights().getIn(p).scalarPart() == 0);
                        gone.forEachLeaf((p, x) -> protectedLinks.add(List.copyOf(p)));
                        restore(good);
                        threshold = acceptedThreshold;
                        rejections = 0;
                        out.printf(Locale.ROOT, "         protecting that link (%d protected)%n", protectedLinks.size());
                    } else {
                        restore(good);
                        threshold /= 2;
                    }
                }
            }
        } catch (Cancelled c) {
            restore(good);
            out.println("sparsify interrupted: restored the last accepted state (" + t.net.softLinkCount() + " links)");
            throw c;
        }
        if (s.polishSteps() > 0) polish();
        if (t.base != null) t.saveCheckpoint(t.checkpointPath());
        double end = t.evaluate();
        out.printf(Locale.ROOT, "sparsify: %d -> %d soft links in %d rounds (%d accepted), prereg %.5g%n",
                start, t.net.softLinkCount(), rounds, accepted, end);
        return new Result(start, t.net.softLinkCount(), rounds, accepted, end);
    }
}
