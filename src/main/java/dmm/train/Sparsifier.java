package dmm.train;

import dmm.lang.Cancelled;
import dmm.machine.Network;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * The automated version of the hand-steered sparsification protocol: alternate pruning and
 * recovery training, raising λ on a schedule, and backtrack when a cut hurts.
 *
 * <p>Each round cuts the {@code cut} fraction of the remaining soft links with the smallest
 * magnitudes (the published rounds cut about 13%), optionally restarts the optimizer, and
 * trains {@code recoverSteps} steps. The round's loss is the lowest prereg loss over the last
 * fifth of those steps (Adam's trajectory on this task has spikes; one unlucky step should not
 * decide a round). The round is accepted when that loss is at most
 * {@code max(tolerance, min(maxLoss, slack · loss of the last accepted round))} — λ keeps
 * growing, which raises the prereg loss a little each round, so the bar moves with it, capped
 * by {@code maxLoss} (default: three times the loss when sparsification started); if it is not, up to {@code patience}
 * more recovery periods are tried before giving up on the cut. When accepted, λ grows by
 * {@code lambdaGrowth} (up to {@code lambdaMax}) and a checkpoint is written. Otherwise the
 * last accepted state is restored (weights, optimizer state, step, λ) and the next round cuts
 * half as many links. It stops when a cut of a single link is rejected, when at most
 * {@code targetLinks} links remain, or after {@code maxRounds} rounds; then it trains
 * {@code polishSteps} steps with λ = 0 so the surviving weights settle.
 */
public final class Sparsifier {
    /** The schedule's parameters. */
    public record Schedule(double cut, long recoverSteps, double tolerance, double lambdaStart, double lambdaGrowth,
                           double lambdaMax, int targetLinks, int maxRounds, long polishSteps, boolean freshOptimizer, int patience,
                           double slack, double maxLoss) {
        public static Schedule defaults() {
            return new Schedule(0.13, 100, 0.02, 0.01, 1.25, 0.2, 0, 200, 300, false, 2, 1.5, 0);
        }
    }

    /** The outcome of a sparsification. */
    public record Result(int startLinks, int endLinks, int rounds, int accepted, double prereg) {}

    private record Snapshot(Network net, Map<String, Object> optimizer, long step, double lambda, int logSize) {}

    private final Trainer t;
    private final Schedule s;
    private final PrintStream out;

    public Sparsifier(Trainer t, Schedule s) {
        this.t = t;
        this.s = s;
        this.out = t.interp.out();
    }

    private Snapshot snapshot() {
        return new Snapshot(t.net, t.optimizer.state(), t.step, t.lambda(), t.log.rows().size());
    }

    private void restore(Snapshot snap) {
        t.net = snap.net;
        t.optimizer.restore(snap.optimizer);
        t.step = snap.step;
        t.setLambda(snap.lambda);
        t.log.truncateAfter(snap.step);
    }

    /** Trains one recovery period; returns the lowest prereg loss over its last fifth. */
    private double recover() {
        t.train(s.recoverSteps(), "recover");
        java.util.List<TrainLog.Row> rows = t.log.rows();
        int tail = (int) Math.max(1, s.recoverSteps() / 5);
        double best = Double.POSITIVE_INFINITY;
        for (int i = Math.max(0, rows.size() - tail); i < rows.size(); i++) best = Math.min(best, rows.get(i).prereg());
        return Math.min(best, t.evaluate());
    }

    public Result run() {
        int start = t.net.softLinkCount();
        double startLoss = t.evaluate();
        double maxLoss = s.maxLoss() > 0 ? s.maxLoss() : 3 * startLoss;
        double reference = startLoss;
        t.setLambda(Math.max(t.lambda(), s.lambdaStart()));
        out.printf(Locale.ROOT, "sparsify: %d soft links, prereg %.5g; a round may raise prereg %.3gx, up to %.5g (or %.5g)%n",
                start, startLoss, s.slack(), maxLoss, s.tolerance());
        int cutCount = Math.max(1, (int) Math.round(s.cut() * start));
        int rounds = 0, accepted = 0;
        Snapshot good = snapshot();
        try {
            while (rounds < s.maxRounds() && t.net.softLinkCount() > s.targetLinks()) {
                rounds++;
                t.schedule.put("round", (double) rounds);
                t.schedule.put("cut", (double) cutCount);
                int before = t.net.softLinkCount();
                int cut = Math.min(cutCount, before - s.targetLinks());
                double accept = Math.max(s.tolerance(), Math.min(maxLoss, s.slack() * reference));
                double threshold = t.pruneSmallest(cut);
                if (s.freshOptimizer()) t.optimizer.reset();
                double loss = recover();
                for (int extra = 0; extra < s.patience() && loss > accept; extra++) loss = recover();
                int after = t.net.softLinkCount();
                if (loss <= accept) {
                    accepted++;
                    reference = loss;
                    t.setLambda(Math.min(s.lambdaMax(), t.lambda() * s.lambdaGrowth()));
                    out.printf(Locale.ROOT, "round %d: cut %d (|w| < %.4g) -> %d links, prereg %.5g  accepted; λ -> %.4g%n",
                            rounds, before - after, threshold, after, loss, t.lambda());
                    good = snapshot();
                    if (t.base != null) t.saveCheckpoint(t.checkpointPath());
                    cutCount = Math.max(1, (int) Math.round(s.cut() * after));
                } else {
                    out.printf(Locale.ROOT, "round %d: cut %d (|w| < %.4g) -> %d links, prereg %.5g  rejected; back to %d links%n",
                            rounds, before - after, threshold, after, loss, good.net.softLinkCount());
                    restore(good);
                    if (cutCount == 1) break;
                    cutCount = Math.max(1, cutCount / 2);
                }
            }
        } catch (Cancelled c) {
            restore(good);
            out.println("sparsify interrupted: restored the last accepted state (" + t.net.softLinkCount() + " links)");
            throw c;
        }
        if (s.polishSteps() > 0) {
            double lambda = t.lambda();
            t.setLambda(0);
            t.train(s.polishSteps(), "polish");
            t.schedule.put("polished", 1.0);
            out.printf(Locale.ROOT, "polish: %d steps with λ = 0 (was %.4g)%n", s.polishSteps(), lambda);
        }
        if (t.base != null) t.saveCheckpoint(t.checkpointPath());
        double end = t.evaluate();
        out.printf(Locale.ROOT, "sparsify: %d -> %d soft links in %d rounds (%d accepted), prereg %.5g%n",
                start, t.net.softLinkCount(), rounds, accepted, end);
        return new Result(start, t.net.softLinkCount(), rounds, accepted, end);
    }
}
