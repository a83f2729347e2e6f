package dmm.train;

import dmm.cancel.CancelToken;
import dmm.cancel.Cancelled;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;

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
 * accepted round))}, or at most that last loss itself (a cut that does no harm is never
 * rejected, even above {@code maxLoss}); then λ grows by {@code lambdaGrowth} (up to {@code lambdaMax}), the
 * threshold by {@code thresholdGrowth} (up to {@code thresholdMax}; the published rounds went
 * from 0.01 to 0.19) and a checkpoint is written. A rejected round restores the last accepted
 * state (weights, optimizer state, step, λ) and retries with half the threshold, which cuts
 * only the links L1 pushed closest to zero. It stops after {@code maxRejections} rejections in a
 * row (or as many rounds in a row that cut nothing at the largest λ and threshold), when at most
 * {@code targetLinks} links remain, or after {@code maxRounds} rounds; then it trains
 * {@code polishSteps} steps with λ = 0 so the surviving weights settle.
 *
 * <p>After the polish the rounds may go on ({@code roundsAfterPolish}: the polish recovered
 * what the judge could not), and a machine still wrong may start again from its regrown links
 * ({@code regrows}); the best polished machine is kept, and a good one may go back to its
 * rounds with a faster judge, one link a round, whatever its size ({@code tightenLr}).
 *
 * <p>The file is long because it is one state machine — rounds, polish, rounds again, regrow,
 * tightening —
 * whose every stage must stop and resume exactly from the one {@link Position} checkpoints
 * hold; split over files, each stage would need the others' fields.
 */
public final class Sparsifier {
    /** The schedule's parameters, each declared once with its doc; {@link #DEFAULTS} holds the defaults. */
    public record Schedule(
            @Doc("cut the soft links with |w| below this in the first round") double threshold,
            @Doc("the threshold's factor after each accepted round") double thresholdGrowth,
            @Doc("the largest threshold") double thresholdMax,
            @Doc("steps at the current λ before each cut") long recoverSteps,
            @Doc("steps of the judge: a copy trains this long with λ = 0 after the cut; the best prereg of its last fifth is the round's loss (0: judge the cut as it is)") long judgeSteps,
            @Doc("the judge's learning rate (0: the trainer's); 0.003 and 0.01 made the judge of the 1486-link synthesis network diverge") double judgeLr,
            @Doc("a round is always accepted at or below this prereg") double tolerance,
            @Doc("accept up to this many times the last accepted round's prereg") double slack,
            @Doc("never accept above this prereg, unless no worse than the last accepted round (0: max(1, 3x the starting prereg))") double maxLoss,
            @Doc("λ of the first round (at least the trainer's)") double lambdaStart,
            @Doc("λ's factor after each accepted round") double lambdaGrowth,
            @Doc("the largest λ") double lambdaMax,
            @Doc("stop when at most this many soft links remain") int targetLinks,
            @Doc("stop after this many rounds (of each attempt, with :regrows, and of each tightening, with :tighten-lr)") int maxRounds,
            @Doc("stop after this many rejected rounds in a row (a rejected round restores the last accepted state and halves the threshold)") int maxRejections,
            @Doc("steps with λ = 0 at the end, keeping the best state seen") long polishSteps,
            @Doc("the polish's learning rate (0: the trainer's); a few links left far from their best values settle in fewer steps with a larger one") double polishLr,
            @Doc("restart Adam after each cut") boolean freshOptimizer,
            @Doc("after a rejected cut of k links, cut at most k/2 (the smallest) until a cut is accepted, so links that are only ever cut together are tried one by one") boolean retryFewer,
            @Doc("when the polished machine's loss is above :regrow-above, start again this many times at most: every link the trainer's network had when the trainer was made and pruning removed comes back at :regrow-sigma · Normal(0, 1), :regrow-steps train at the trainer's first λ with a fresh Adam, and the rounds begin anew; the best polished machine is kept (0: never)") int regrows,
            @Doc("steps after a regrow, at the λ the trainer was made with") long regrowSteps,
            @Doc("the regrown links' scale: σ of their Normal(0, 1) draw") double regrowSigma,
            @Doc("regrow when the polished machine's loss is above this (0: the :tolerance); a machine at or below it is good enough, and among those the one with the fewest links is kept") double regrowAbove,
            @Doc("after the polish, when more than :target-links remain and the polish brought the judged loss below the last accepted round's divided by :slack, the rounds go on from the polished state (the judge's short λ = 0 copies could not recover what the polish did) — again after each polish, as long as the rounds before it cut links") boolean roundsAfterPolish,
            @Doc("once the best polished machine is good enough (at or below :regrow-above) and more than :target-links remain, the rounds go on with the judge at this learning rate, cutting one link a round (the smallest unprotected one, whatever its size — a large link can be a whole redundant channel; each link is tried alone, a rejected one protected), then polish again — repeated while they cut links; the few links of a finished machine can take a step the judge of the dense network could not, and parallel paths that 300 steps at the training rate cannot re-balance merge (0: never)") double tightenLr) {
        public static final Schedule DEFAULTS = new Schedule(0.01, 1.1, 0.2, 100, 100, 0, 0.02, 4, 0, 0.01, 1.5, 0.2, 0, 300, 3, 1000, 0, false, false,
                0, 1000, 0.01, 0, false, 0);

        /**
         * The defaults with the parameters given by name — the names of {@code sparsify!}'s options,
         * so Java and the language say the same thing:
         * <pre>{@code Schedule.of(Map.of("threshold-max", 1.0, "lambda-max", 0.5, "retry-fewer", true))}</pre>
         * An unknown name or a bad value is an {@link IllegalArgumentException} naming it.
         */
        public static Schedule of(Map<String, Object> settings) {
            List<String> known = Settings.options(Schedule.class);
            for (String k : settings.keySet())
                if (!known.contains(k)) throw new IllegalArgumentException("the schedule has no parameter `" + k + "`; it has " + String.join(", ", known));
            return Settings.with(Schedule.class, DEFAULTS, settings);
        }

        /** Every parameter checked here, once, for the language, the view and Java alike. */
        public Schedule {
            positive("threshold", threshold);
            positive("threshold-growth", thresholdGrowth);
            positive("threshold-max", thresholdMax);
            atLeast("recover-steps", recoverSteps, 0);
            atLeast("judge-steps", judgeSteps, 0);
            atLeast("judge-lr", judgeLr, 0);
            atLeast("tolerance", tolerance, 0);
            positive("slack", slack);
            atLeast("max-loss", maxLoss, 0);
            atLeast("lambda-start", lambdaStart, 0);
            positive("lambda-growth", lambdaGrowth);
            atLeast("lambda-max", lambdaMax, 0);
            atLeast("target-links", targetLinks, 0);
            atLeast("max-rounds", maxRounds, 0);
            atLeast("max-rejections", maxRejections, 0);
            atLeast("polish-steps", polishSteps, 0);
            atLeast("polish-lr", polishLr, 0);
            atLeast("regrows", regrows, 0);
            atLeast("regrow-steps", regrowSteps, 0);
            atLeast("regrow-sigma", regrowSigma, 0);
            atLeast("regrow-above", regrowAbove, 0);
            atLeast("tighten-lr", tightenLr, 0);
        }

        private static void positive(String name, double x) {
            if (!(x > 0) || !Double.isFinite(x)) throw new IllegalArgumentException(":" + name + " must be a positive number, got " + x);
        }

        private static void atLeast(String name, double x, double min) {
            if (!(x >= min) || !Double.isFinite(x))
                throw new IllegalArgumentException(":" + name + " must be a number at least " + (min == Math.rint(min) ? Long.toString((long) min) : min)
                        + ", got " + (x == Math.rint(x) && Double.isFinite(x) ? Long.toString((long) x) : Double.toString(x)));
        }
    }

    /** The outcome of a sparsification. */
    public record Result(int startLinks, int endLinks, int rounds, int accepted, double prereg) {}

    /**
     * Where a sparsification stands between two rounds: everything {@link #run()} needs to go on
     * exactly as it would have. Checkpoints hold it (with the trainer's state, which at a round
     * boundary is the last accepted state), so a run killed at any point resumes from its last
     * round boundary and ends with the same result as an uninterrupted one.
     */
    public static final class Position {
        /** Where the sparsification stands: between rounds, rounds done and the polish next, or done. */
        public enum Stage {
            ROUNDS, POLISH, DONE;

            /** As checkpoints and {@code (sparsification tr)} write it: {@code rounds}, {@code polish}, {@code done}. */
            public String word() {
                return name().toLowerCase(Locale.ROOT);
            }

            /** The stage a checkpoint names, or null for an unknown word. */
            public static Stage of(String word) {
                for (Stage x : values()) if (x.word().equals(word)) return x;
                return null;
            }
        }

        public Stage stage = Stage.ROUNDS;
        public int startLinks;
        public double startLoss, maxLoss, reference;
        public int rounds, accepted, rejections, idle;
        public double threshold, acceptedThreshold;
        /**
         * What judges the cuts ({@link Sparsifier#judgeName}): a resumed sparsification must be
         * judged on the same data (null in checkpoints written before this was recorded).
         */
        public String judgedOn;
        /**
         * At most this many links are cut in a round (the smallest below the threshold), 0 for
         * no limit: with {@code :retry-fewer}, a rejected cut of k links limits the cuts to k/2 until a cut is accepted, so
         * two links that are only cut together — and always rejected together — are tried one by
         * one, and the single link whose cut is rejected is protected.
         */
        public int maxCut;
        /** Links whose single cut was rejected, as matrix paths; never cut again (until a regrow). */
        public final Set<List<String>> protectedLinks = new LinkedHashSet<>();
        /** How many times the pruned links were regrown ({@code :regrows}). */
        public int regrows;
        /** The rounds done before this attempt began (the last regrow): {@code :max-rounds} counts an attempt's rounds. */
        public int attemptFrom;
        /** λ when the rounds stopped (the polish trains at 0): rounds that go on after the polish go on at it (0: unknown, :lambda-max). */
        public double roundsLambda;
        /** Links when the rounds last went on after a polish (0: not yet in this attempt): they go on again only if they cut some. */
        public int againFrom;
        /**
         * Links when the rounds last went on to tighten a good machine ({@code :tighten-lr}; 0:
         * not yet): while nonzero the judge trains at :tighten-lr, and they go on again only if
         * they cut some.
         */
        public int tightenFrom;
        /**
         * Whether the last tightening tried every link, whatever its size (false in checkpoints
         * of builds whose tightening tried only the links below :threshold-max: such a finished
         * machine is tightened again, over every link).
         */
        public boolean tightenedEveryLink;
        /**
         * The best polished machine so far (the soft matrix, with its judged loss), or null: kept
         * when a regrow ends worse than the machine it started from.
         */
        public VValue bestMatrix;
        public double bestLoss = Double.POSITIVE_INFINITY;

        /** A copy (the position at a round boundary, kept while the next round changes this one). */
        Position copy() {
            Position p = new Position();
            p.stage = stage;
            p.startLinks = startLinks;
            p.startLoss = startLoss;
            p.maxLoss = maxLoss;
            p.reference = reference;
            p.rounds = rounds;
            p.accepted = accepted;
            p.rejections = rejections;
            p.idle = idle;
            p.threshold = threshold;
            p.acceptedThreshold = acceptedThreshold;
            p.judgedOn = judgedOn;
            p.maxCut = maxCut;
            p.protectedLinks.addAll(protectedLinks);
            p.regrows = regrows;
            p.attemptFrom = attemptFrom;
            p.roundsLambda = roundsLambda;
            p.againFrom = againFrom;
            p.tightenFrom = tightenFrom;
            p.tightenedEveryLink = tightenedEveryLink;
            p.bestMatrix = bestMatrix;
            p.bestLoss = bestLoss;
            return p;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s, round %d (%d accepted), threshold %s, %d protected%s%s", stage.word(), rounds, accepted,
                    everyLink(threshold) ? "none" : String.format(Locale.ROOT, "%.4g", threshold),
                    protectedLinks.size(), regrows > 0 ? ", " + regrows + (regrows == 1 ? " regrow" : " regrows") : "",
                    tightenFrom > 0 ? ", tightening from " + tightenFrom + " links" : "");
        }
    }

    /** The threshold of a tightening: every unprotected link is a candidate, the smallest goes first (finite, so checkpoints stay JSON). */
    static final double EVERY_LINK = Double.MAX_VALUE;

    private final Trainer t;
    /** The schedule; parameters changed while running ({@link TrainControl#schedule}) take effect at the next round. */
    private Schedule s;
    /** The loss that judges each cut (held-out data), or null: the training loss judges. */
    private final Loss validation;

    public Sparsifier(Trainer t, Schedule s) {
        this(t, s, null);
    }

    /**
     * A sparsification judged on {@code validation} (e.g. a {@link BatchLoss} over strings the
     * trainer never sees): a round's loss is then the validation loss of the judge's network,
     * and the polish keeps the state with the lowest validation loss.
     */
    public Sparsifier(Trainer t, Schedule s, Loss validation) {
        this.t = t;
        this.s = s;
        this.validation = validation;
    }

    /**
     * The loss that judges cuts and picks the polish's state, or null when the step log's prereg
     * does: the validation loss when given; for a mini-batch loss (each step's prereg is another
     * batch's) the training loss over all its items, so that states are compared on one scale.
     */
    private Loss judgedOn() {
        if (validation != null) return validation;
        return t.loss().at(t.step()) instanceof BatchLoss b && b.batchSize() < b.size() ? b : null;
    }

    /** The judging loss of the trainer's current network. */
    private double validate() {
        return Loss.value(judgedOn(), t.network());
    }

    /** What the round lines call their loss. */
    private String lossName() {
        return validation != null ? "validation" : judgedOn() != null ? "prereg (all items)" : "prereg";
    }

    /**
     * What judges this sparsification's cuts, as recorded in its checkpoints: the validation
     * data set's fingerprint (or the description of a validation loss that is not a data set),
     * or the training loss.
     */
    private String judgeName() {
        if (validation == null) return "the training loss";
        return "validation " + (validation instanceof BatchLoss b ? b.fingerprint() : validation.describe());
    }

    private Trainer.Snapshot snapshot() {
        return t.snapshot();
    }

    private void restore(Trainer.Snapshot snap) {
        t.restore(snap);
    }

    /**
     * Trains {@code steps} with λ = 0 from the current state, returns the best prereg over the
     * last fifth (with a validation loss: the validation loss at the end), and puts everything back.
     */
    private double judge() {
        if (s.judgeSteps() <= 0) return judgedOn() != null ? validate() : t.evaluate();
        Trainer.Snapshot before = snapshot();
        double lr = t.optimizer.learningRate();
        try {
            t.setLambda(0);
            double judgeLr = tightening() ? s.tightenLr() : s.judgeLr();
            if (judgeLr > 0) t.optimizer.setLearningRate(judgeLr);
            return t.quietly(() -> {
                t.train(s.judgeSteps(), Phase.JUDGE, false);
                if (judgedOn() != null) return validate();
                List<TrainLog.Row> rows = t.log.rows();
                int tail = (int) Math.max(1, s.judgeSteps() / 5);
                double best = t.evaluate();
                for (int i = Math.max(0, rows.size() - tail); i < rows.size(); i++) best = Math.min(best, rows.get(i).prereg());
                return best;
            });
        } finally {
            restore(before);
            t.optimizer.setLearningRate(lr);
        }
    }

    /**
     * Trains {@code polishSteps} with λ = 0 and keeps the best state seen (Adam on this task has
     * spikes: the last step is not always the best one).
     */
    private void polish() {
        double lambda = t.lambda();
        double lr = t.optimizer.learningRate();
        t.setLambda(0);
        if (s.polishLr() > 0) t.optimizer.setLearningRate(s.polishLr());
        Trainer.Snapshot before = snapshot();
        Trainer.Snapshot best = before;
        double bestLoss = Double.POSITIVE_INFINITY;
        Progress p = new Progress(t.output(), s.polishSteps(), t.options().progressEvery(), t.options().quiet());
        // with a validation loss, the candidates are every tenth state, judged on held-out data
        boolean judged = judgedOn() != null;
        long every = judged ? Math.max(1, s.polishSteps() / 10) : 1;
        try {
            for (long i = 0; i < s.polishSteps(); i++) {
                CancelToken.check(t.host.cancel());
                t.control.boundary(t, Phase.POLISH);
                double candidate = judged && i % every == 0 ? validate() : Double.POSITIVE_INFINITY;
                TrainLog.Row r = t.trainStep();
                p.update(r, Phase.POLISH);
                // r.prereg() is the loss of the weights before this step's update
                if (!judged) candidate = r.prereg();
                if (candidate < bestLoss) {
                    bestLoss = candidate;
                    best = before;
                }
                before = snapshot();
            }
        } catch (Cancelled | TrainingError e) {
            restore(best);   // the best state seen so far (the checkpoint before the polish stays the resumable one)
            throw e;
        } finally {
            p.finish();
            t.optimizer.setLearningRate(lr);
        }
        double last = judged ? validate() : t.evaluate();
        if (last < bestLoss) {
            bestLoss = last;
            best = snapshot();
        }
        restore(best);
        t.optimizer.setLearningRate(lr);
        t.log.flushAndPlot();
        t.output().message(String.format(Locale.ROOT, "polish: %d steps with λ = 0 (was %.4g)%s; best %s %.5g at step %d, kept",
                s.polishSteps(), lambda, s.polishLr() > 0 ? String.format(Locale.ROOT, ", learning rate %.4g", s.polishLr()) : "",
                lossName(), bestLoss, t.step()));
    }

    /**
     * Runs the schedule: a new sparsification, or — when the trainer holds the position of one
     * (restored by {@link Trainer#loadCheckpoint}) — the rest of that one. A checkpoint is
     * written at every round boundary and before the polish.
     */
    public Result run() {
        s = t.control.schedule(s);
        Position pos = t.sparsification();
        // the judged loss of the finished machine, computed once per finished pass (only the options after the polish need it)
        double finished = Double.NaN;
        if (pos != null && pos.stage == Position.Stage.DONE && afterPolish()) {
            finished = judgedLoss();
            if (pos.bestMatrix == null) {
                // finished without keeping a best machine (with other options, or before they existed): this one is the best so far
                pos.bestLoss = finished;
                pos.bestMatrix = t.weights();
            }
        }
        if (pos != null && pos.stage == Position.Stage.DONE && !roundsAgainDue(pos, finished) && !regrowDue(pos, finished) && !tightenDue(pos)) {
            t.output().message(String.format(Locale.ROOT, "sparsify: the checkpointed sparsification is complete (%d -> %d soft links); nothing to do",
                    pos.startLinks, t.network().softLinkCount()));
            t.sparsification(null);   // a later sparsify! starts a new one
            return new Result(pos.startLinks, t.network().softLinkCount(), pos.rounds, pos.accepted, t.evaluate());
        }
        if (pos == null) {
            pos = new Position();
            pos.startLinks = t.network().softLinkCount();
            t.setLambda(Math.max(t.lambda(), s.lambdaStart()));
            begin(pos);
            pos.judgedOn = judgeName();
            t.sparsification(pos);
            t.output().message(String.format(Locale.ROOT, "sparsify: %d soft links, %s %.5g (after a %d-step λ=0 check); cutting |w| < %.3g each round, "
                    + "accepting up to %.2fx the last accepted (cap %.4g, floor %.4g)",
                    pos.startLinks, lossName(), pos.startLoss, s.judgeSteps(), s.threshold(), s.slack(), pos.maxLoss, s.tolerance()));
            checkpoint();
        } else {
            if (pos.judgedOn != null && !pos.judgedOn.equals(judgeName()))
                throw new TrainingError("this sparsification was judged on " + pos.judgedOn + " and cannot be resumed judged on "
                        + judgeName() + ": give sparsify! the same :validation as the run that wrote the checkpoint");
            t.output().message(String.format(Locale.ROOT, "sparsify: resuming at step %d, %d soft links (%s)", t.step(), t.network().softLinkCount(), pos));
        }
        while (true) {
            if (pos.stage == Position.Stage.ROUNDS) pos = rounds(pos);
            if (pos.stage == Position.Stage.POLISH) {
                if (s.polishSteps() > 0) polish();
                if (afterPolish()) {
                    finished = judgedLoss();
                    if (pos.bestMatrix == null || better(finished, t.weights().leafCount(), pos.bestLoss, pos.bestMatrix.leafCount())) {
                        pos.bestLoss = finished;
                        pos.bestMatrix = t.weights();
                    }
                }
                pos.stage = Position.Stage.DONE;
                checkpoint();
            }
            if (roundsAgainDue(pos, finished)) {
                t.output().message(String.format(Locale.ROOT, "the polish took the %s from %.5g to %.5g at %d links: the rounds go on",
                        lossName(), pos.reference, finished, t.network().softLinkCount()));
                pos.reference = Math.max(finished, 1e-12);
                pos.againFrom = t.network().softLinkCount();
                pos.rejections = pos.idle = pos.maxCut = 0;
                t.setLambda(pos.roundsLambda > 0 ? pos.roundsLambda : s.lambdaMax());
                pos.stage = Position.Stage.ROUNDS;
                checkpoint();
                continue;
            }
            if (regrowDue(pos, finished)) {
                regrow(pos, finished);
                continue;
            }
            if (!tightenDue(pos)) break;
            keepBest(pos, finished);
            finished = pos.bestLoss;
            int links = t.network().softLinkCount();
            t.output().message(String.format(Locale.ROOT, "the machine is good (%s %.5g at %d links): the rounds go on, the judge at learning rate %.4g",
                    lossName(), finished, links, s.tightenLr()));
            pos.tightenFrom = pos.againFrom = links;
            pos.attemptFrom = pos.rounds;
            pos.reference = Math.max(finished, 1e-12);
            pos.rejections = pos.idle = 0;
            pos.maxCut = 1;   // one link a round, the smallest: every link is tried alone (a rejected one is protected)
            pos.tightenedEveryLink = true;
            pos.threshold = pos.acceptedThreshold = EVERY_LINK;   // whatever the rejections before left it at
            pos.protectedLinks.clear();   // protected by the slower judge: the faster one may accept their cut
            t.setLambda(pos.roundsLambda > 0 ? pos.roundsLambda : s.lambdaMax());
            pos.stage = Position.Stage.ROUNDS;
            checkpoint();
        }
        keepBest(pos, finished);
        checkpoint();
        t.sparsification(null);   // a later sparsify! in this session starts a new one
        double end = t.evaluate();
        t.output().message(String.format(Locale.ROOT, "sparsify: %d -> %d soft links in %d rounds (%d accepted%s), prereg %.5g%s",
                pos.startLinks, t.network().softLinkCount(), pos.rounds, pos.accepted,
                pos.regrows > 0 ? ", " + pos.regrows + (pos.regrows == 1 ? " regrow" : " regrows") : "", end,
                validation != null ? String.format(Locale.ROOT, ", validation %.5g", validate()) : ""));
        return new Result(pos.startLinks, t.network().softLinkCount(), pos.rounds, pos.accepted, end);
    }

    /** The rounds' starting point from the trainer's current state: judged loss, cap, reference, first threshold and λ. */
    private void begin(Position pos) {
        pos.startLoss = judge();
        pos.maxLoss = s.maxLoss() > 0 ? s.maxLoss() : Math.max(1.0, 3 * pos.startLoss);
        pos.reference = pos.startLoss;
        pos.threshold = pos.acceptedThreshold = s.threshold();
        pos.rejections = pos.idle = pos.maxCut = 0;
        pos.attemptFrom = pos.rounds;
        pos.againFrom = pos.tightenFrom = 0;
        pos.stage = Position.Stage.ROUNDS;
    }

    /** The rounds, until a stopping rule holds; then the polish is next. On an error, back to the last round boundary. */
    private Position rounds(Position pos) {
        Trainer.Snapshot good = snapshot();
        Position boundary = pos.copy();
        try {
            while (pos.rounds - pos.attemptFrom < s.maxRounds() && t.network().softLinkCount() > s.targetLinks()
                    && pos.rejections < s.maxRejections() && pos.idle < s.maxRejections()) {
                good = round(pos, good);
                s = t.control.schedule(s);
                checkpoint();
                boundary = pos.copy();
            }
        } catch (Cancelled | TrainingError e) {
            // back to the last round boundary, weights and position alike, so a resume redoes the round whole
            restore(good);
            t.sparsification(boundary);
            t.output().message("sparsify " + (e instanceof Cancelled ? "interrupted" : "stopped") + ": restored the last accepted state ("
                    + t.network().softLinkCount() + " links)" + (t.base != null ? "; checkpoint written to " + t.checkpointPath() : ""));
            checkpoint();
            t.log.flushAndPlot();
            throw e;
        }
        pos.stage = Position.Stage.POLISH;
        pos.roundsLambda = t.lambda();
        checkpoint();
        return pos;
    }

    /** The loss that judges the finished machine: the validation loss when given, else the training loss. */
    private double judgedLoss() {
        return judgedOn() != null ? validate() : t.evaluate();
    }

    /**
     * Whether a finished sparsification starts again from a regrow: regrows are left, no machine
     * so far was good enough (at or below :regrow-above), and this one is not either.
     */
    private boolean regrowDue(Position pos, double finished) {
        return pos.regrows < s.regrows() && !(pos.bestLoss <= regrowAbove()) && finished > regrowAbove();
    }

    /** Whether anything after the polish ({@code :regrows}, {@code :rounds-after-polish}, {@code :tighten-lr}) needs the finished machine's loss. */
    private boolean afterPolish() {
        return s.regrows() > 0 || s.roundsAfterPolish() || s.tightenLr() > 0;
    }

    /**
     * Whether the rounds go on to tighten the best polished machine ({@code :tighten-lr}): it is
     * good enough, has links to cut, and the last tightening (if any) cut some — or tried only
     * the links below :threshold-max (a checkpoint of an older build).
     */
    private boolean tightenDue(Position pos) {
        if (!(s.tightenLr() > 0) || pos.bestMatrix == null || !(pos.bestLoss <= regrowAbove())) return false;
        int links = pos.bestMatrix.leafCount();
        return links > s.targetLinks() && (pos.tightenFrom == 0 || links < pos.tightenFrom || !pos.tightenedEveryLink);
    }

    /** Whether the rounds are tightening a good machine: the judge trains at {@code :tighten-lr}. */
    private boolean tightening() {
        Position pos = t.sparsification();
        return pos != null && pos.tightenFrom > 0;
    }

    /**
     * Whether the rounds go on after a polish ({@code :rounds-after-polish}): links to cut, the
     * polish helped, and the rounds that went on after the last polish (if any) cut something —
     * else a polish that undoes what λ did to the weights of an idle machine would send it back
     * to its rounds forever.
     */
    private boolean roundsAgainDue(Position pos, double finished) {
        int links = t.network().softLinkCount();
        return s.roundsAfterPolish() && links > s.targetLinks() && (pos.againFrom == 0 || links < pos.againFrom)
                && finished < pos.reference / s.slack();
    }

    /**
     * Whether a machine at {@code loss} with {@code links} links beats one at {@code otherLoss}
     * with {@code otherLinks}: a good enough one (at or below :regrow-above) beats one that is
     * not, among good enough ones fewer links win, and otherwise the lower loss.
     */
    private boolean better(double loss, int links, double otherLoss, int otherLinks) {
        boolean ok = loss <= regrowAbove(), otherOk = otherLoss <= regrowAbove();
        if (ok != otherOk) return ok;
        if (ok && links != otherLinks) return links < otherLinks;
        return loss < otherLoss;
    }

    private double regrowAbove() {
        return s.regrowAbove() > 0 ? s.regrowAbove() : s.tolerance();
    }

    /**
     * Brings the pruned links back at small values ({@link Trainer#regrow}), trains {@code
     * regrowSteps} at the trainer's first λ, and begins the rounds anew (the protected links
     * are forgotten: the structure they were needed in may go). Interrupted, it puts the
     * finished state back, so a resume regrows again from the same point.
     */
    private void regrow(Position pos, double loss) {
        Trainer.Snapshot before = snapshot();
        Position was = pos.copy();
        try {
            pos.regrows++;
            long seed = t.step() * 0x9E3779B97F4A7C15L + pos.regrows;
            int back = t.regrow(s.regrowSigma(), seed);
            t.setLambda(t.initialLambda());
            t.output().message(String.format(Locale.ROOT, "regrow %d of %d: %s %.5g > %.4g at %d links; %d pruned links back at %.3g·Normal(0, 1), %d steps at λ %.4g",
                    pos.regrows, s.regrows(), lossName(), loss, regrowAbove(), before.net().softLinkCount(),
                    back, s.regrowSigma(), s.regrowSteps(), t.lambda()));
            t.train(s.regrowSteps(), Phase.REGROW, false);
            t.setLambda(Math.max(t.lambda(), s.lambdaStart()));
            pos.protectedLinks.clear();
            begin(pos);
            t.output().message(String.format(Locale.ROOT, "sparsify again: %d soft links, %s %.5g", t.network().softLinkCount(), lossName(), pos.startLoss));
            checkpoint();
        } catch (Cancelled | TrainingError e) {
            restore(before);
            t.sparsification(was);
            throw e;
        }
    }

    /** Ends with the best polished machine: the last one, unless an earlier one judged better. */
    private void keepBest(Position pos, double last) {
        if (pos.bestMatrix == null) return;
        if (pos.bestMatrix.equals(t.weights()) || !better(pos.bestLoss, pos.bestMatrix.leafCount(), last, t.network().softLinkCount())) return;
        t.replaceSoftMatrix(pos.bestMatrix);
        t.optimizer.restrictTo(pos.bestMatrix);
        t.output().message(String.format(Locale.ROOT, "sparsify: kept the best polished machine (%s %.5g at %d links; the last was %.5g)",
                lossName(), pos.bestLoss, t.network().softLinkCount(), last));
    }

    private void checkpoint() {
        if (t.base != null) t.saveCheckpoint(t.checkpointPath());
    }

    /**
     * The threshold this round cuts at: the position's, lowered when more than {@code pos.maxCut}
     * unprotected links lie below it, so that only the {@code maxCut} smallest go.
     */
    static double cutThreshold(VValue w, Position pos) {
        if (pos.maxCut <= 0) return pos.threshold;
        List<Double> below = new ArrayList<>();
        w.forEachLeaf((p, x) -> {
            if (Math.abs(x) < pos.threshold && !pos.protectedLinks.contains(p)) below.add(Math.abs(x));
        });
        if (below.size() <= pos.maxCut) return pos.threshold;
        Collections.sort(below);
        return below.get(pos.maxCut);
    }

    /** The links of {@code beforeCut} (with their weights before the cut) that the last prune removed. */
    private VValue cutLinks(VValue beforeCut) {
        VValue now = t.weights();
        return beforeCut.filterLeaves((p, x) -> now.getIn(p).scalarPart() == 0);
    }

    /** The largest |w| among {@code links}' leaves (0 if none). */
    private static double largest(VValue links) {
        double[] largest = {0};
        links.forEachLeaf((p, x) -> largest[0] = Math.max(largest[0], Math.abs(x)));
        return largest[0];
    }

    /** Whether a threshold is a tightening's (every unprotected link a candidate; halved after rejections, still far above any weight). */
    private static boolean everyLink(double threshold) {
        return threshold > EVERY_LINK / 1e6;
    }

    /** A round's cut rule for messages. */
    private static String belowText(double threshold) {
        return everyLink(threshold) ? "every unprotected link" : String.format(Locale.ROOT, "|w| < %.3g", threshold);
    }

    /** One round from the last accepted state {@code good}; returns the (possibly new) last accepted state. */
    private Trainer.Snapshot round(Position pos, Trainer.Snapshot good) {
        pos.rounds++;
        int before = t.network().softLinkCount();
        t.train(s.recoverSteps(), Phase.SHRINK, false);
        VValue beforeCut = t.weights();
        double cutAt = cutThreshold(beforeCut, pos);
        int cut = t.prune(cutAt, pos.protectedLinks);
        String how = pos.tightenFrom > 0 && pos.maxCut == 1
                ? (cut == 0 ? "nothing cut" : String.format(Locale.ROOT, "the smallest, |w| = %.3g", largest(cutLinks(beforeCut))))
                : cutAt < pos.threshold ? String.format(Locale.ROOT, "%s, at most %d after a rejected cut", belowText(pos.threshold), pos.maxCut)
                : belowText(pos.threshold);
        if (s.freshOptimizer() && cut > 0) t.optimizer.reset();
        double loss = judge();
        // never worse than the last accepted round is always good enough: with a :max-loss below the
        // starting loss, a cut that lowers the loss would otherwise be rejected with every other
        double accept = Math.max(pos.reference, Math.max(s.tolerance(), Math.min(pos.maxLoss, s.slack() * pos.reference)));
        int after = t.network().softLinkCount();
        if (loss <= accept) {
            pos.accepted++;
            pos.rejections = 0;
            // nothing left below the largest threshold at the largest λ: the schedule is done
            pos.idle = cut == 0 && t.lambda() >= s.lambdaMax() && pos.threshold >= s.thresholdMax() ? pos.idle + 1 : 0;
            pos.reference = Math.max(loss, 1e-12);
            if (cut > 0) pos.maxCut = pos.tightenFrom > 0 ? 1 : 0;   // tightening cuts one link a round
            double lambda = t.lambda();
            t.setLambda(Math.min(s.lambdaMax(), lambda * s.lambdaGrowth()));
            t.output().message(String.format(Locale.ROOT, "round %d: λ %.4g, cut %d (%s) -> %d links, %s %.5g  accepted",
                    pos.rounds, lambda, before - after, how, after, lossName(), loss));
            pos.threshold = Math.min(pos.tightenFrom > 0 ? EVERY_LINK : s.thresholdMax(), pos.threshold * s.thresholdGrowth());
            pos.acceptedThreshold = pos.threshold;
            return snapshot();
        }
        pos.rejections++;
        t.output().message(String.format(Locale.ROOT, "round %d: λ %.4g, cut %d (%s) -> %d links, %s %.5g > %.5g  rejected; back to %d links",
                pos.rounds, t.lambda(), before - after, how, after, lossName(), loss, accept, good.net().softLinkCount()));
        if (cut == 1) {
            // one small link the task needs: keep it from now on, and go on cutting as before
            cutLinks(beforeCut).forEachLeaf((p, x) -> pos.protectedLinks.add(List.copyOf(p)));
            restore(good);
            pos.threshold = pos.acceptedThreshold;
            pos.rejections = 0;
            t.output().message(String.format(Locale.ROOT, "         protecting that link (%d protected)", pos.protectedLinks.size()));
        } else {
            restore(good);
            pos.threshold /= 2;
            if (cut > 1 && s.retryFewer()) pos.maxCut = cut / 2;
        }
        return good;
    }
}
