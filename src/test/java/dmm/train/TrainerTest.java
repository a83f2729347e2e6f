package dmm.train;

import static org.junit.jupiter.api.Assertions.*;

import dmm.cancel.Cancelled;
import dmm.lang.Interpreter;
import dmm.lang.Values;
import dmm.vvalue.VValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final Interpreter interp = SmallNetwork.interpreter(printed);

    private Object eval(String text) {
        return interp.eval("t.dmm", text);
    }

    private Trainer trainer(String options) {
        return (Trainer) eval("(trainer small :loss small-loss :quiet true " + options + ")");
    }

    @Test
    void adamFirstUpdateIsLearningRateTimesSignOfGradient() {
        Adam adam = new Adam(0.01, 0.9, 0.999, 1e-8);
        VValue p = VValue.ofPairs("a", 1, "b", VValue.ofPairs("c", -2, "d", 0.5));
        VValue g = VValue.ofPairs("a", 3, "b", VValue.ofPairs("c", -0.001, "d", 0));
        VValue p1 = adam.step(p, g);
        assertEquals(1 - 0.01, p1.get("a").scalarPart(), 1e-9);
        assertEquals(-2 + 0.01, p1.getIn("b", "c").scalarPart(), 1e-6, "lr·sign(g) up to ε/|g|");
        assertEquals(0.5, p1.getIn("b", "d").scalarPart(), 0, "zero gradient, zero first update");
        // second step against the closed form
        VValue g2 = VValue.ofPairs("a", 1);
        VValue p2 = adam.step(p1, g2);
        double m = 0.9 * (0.1 * 3) + 0.1 * 1, v = 0.999 * (0.001 * 9) + 0.001 * 1;
        double expected = p1.get("a").scalarPart() - 0.01 * (m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
        assertEquals(expected, p2.get("a").scalarPart(), 1e-12);
        assertEquals(adam.firstMoment(), adam.firstMoment().restrictTo(p1), "state keyed like the parameters");
    }

    @Test
    void sgdWithMomentum() {
        Sgd sgd = new Sgd(0.1, 0.5);
        VValue p = VValue.ofPairs("a", 1);
        VValue p1 = sgd.step(p, VValue.ofPairs("a", 2));
        assertEquals(1 - 0.2, p1.get("a").scalarPart(), 1e-12);
        VValue p2 = sgd.step(p1, VValue.ofPairs("a", 2));
        assertEquals(0.8 - 0.1 * (0.5 * 2 + 2), p2.get("a").scalarPart(), 1e-12);
    }

    @Test
    void lambdaEntersTheLossExactlyAndExclusionsAreHonoured() {
        Trainer t = trainer(":l1 0.01 :exclude [:output]");
        VValue w = t.weights();
        double l1 = t.regularizer().l1Norm(w);
        double[] expected = {0};
        w.forEachLeaf((p, x) -> {
            if (!p.get(1).equals("output")) expected[0] += Math.abs(x);
        });
        assertEquals(expected[0], l1, 1e-12);
        TrainLog.Row r = t.trainStep();
        assertEquals(r.prereg() + 0.01 * expected[0], r.loss(), 1e-12);
        VValue grad = t.regularizer().gradient(w);
        assertEquals(0.0, grad.getIn(List.of("output")).maxAbs(), "no penalty gradient on excluded rows");
    }

    @Test
    void trainingDecreasesTheLoss() {
        Trainer t = trainer("");
        double before = t.evaluate();
        t.train(30);
        // seeded network, deterministic Adam: the losses are reproducible to rounding
        assertEquals(6.449265405432209, before, 1e-9);
        assertEquals(1.19640274556837, t.evaluate(), 1e-9, "loss " + before + " -> " + t.evaluate());
        assertEquals(30, t.log().rows().size());
    }

    @Test
    void pruneRemovesExactlyTheSmallWeightsAndTheirOptimizerState() {
        Trainer t = trainer("");
        t.train(3);
        VValue w = t.weights();
        Adam adam = (Adam) t.optimizer();
        assertEquals(adam.firstMoment(), adam.firstMoment().restrictTo(w));
        assertEquals(92, w.leafCount());
        assertEquals(65, adam.secondMoment().leafCount(), "second moments where a gradient was ever nonzero");
        double threshold = 0.05;
        long small = countBelow(w, threshold);
        assertEquals(30, small);
        int removed = t.prune(threshold);
        assertEquals(small, removed);
        VValue after = t.weights();
        assertEquals(w.leafCount() - small, after.leafCount());
        assertEquals(0, countBelow(after, threshold));
        after.forEachLeaf((p, x) -> assertEquals(w.getIn(p).scalarPart(), x));
        assertEquals(adam.firstMoment(), adam.firstMoment().restrictTo(after), "no state left for pruned entries");
        assertEquals(adam.secondMoment(), adam.secondMoment().restrictTo(after));
        assertEquals(adam.secondMoment().restrictTo(w).leafCount() - countAt(adam.secondMoment(), w, threshold),
                adam.secondMoment().leafCount());
        t.train(2); // and training goes on consistently
        assertEquals(after.leafCount(), t.weights().leafCount());
    }

    /** The number of leaves of state that sit where w is below the threshold. */
    private static long countAt(VValue state, VValue w, double threshold) {
        long[] n = {0};
        state.forEachLeaf((p, x) -> {
            if (Math.abs(w.getIn(p).scalarPart()) < threshold) n[0]++;
        });
        return n[0];
    }

    private static long countBelow(VValue w, double threshold) {
        long[] n = {0};
        w.forEachLeaf((p, x) -> {
            if (Math.abs(x) < threshold) n[0]++;
        });
        return n[0];
    }

    @Test
    void sparsifyCutsBacktracksAndKeepsTheBestPolishedState() {
        Trainer t = trainer(":l1 0.001");
        t.train(20);
        int before = t.network().softLinkCount();
        Sparsifier.Result r = new Sparsifier(t, Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS,
                Map.of("threshold", 0.02, "recover-steps", 10, "judge-steps", 5, "max-rounds", 3, "polish-steps", 30))).run();
        assertEquals(92, before);
        assertEquals(List.of(92, 63, 3, 3), List.of(r.startLinks(), r.endLinks(), r.rounds(), r.accepted()), "links before and after, rounds, accepted: " + r);
        assertEquals(0.5559170583277708, r.prereg(), 1e-9);
        assertEquals(80, t.step(), "20 dense steps, 3 rounds of 10 recovery steps, 30 polish steps");
        assertEquals(r.endLinks(), t.network().softLinkCount());
        assertEquals(r.endLinks(), t.weights().leafCount());
        Adam adam = (Adam) t.optimizer();
        assertEquals(adam.firstMoment(), adam.firstMoment().restrictTo(t.weights()), "no optimizer state for cut links");
        double polishedMin = t.log().rows().stream().filter(row -> row.lambda() == 0).mapToDouble(TrainLog.Row::prereg).min().orElseThrow();
        assertEquals(t.evaluate(), r.prereg(), 0.0);
        assertTrue(r.prereg() <= polishedMin, "the polish keeps its best state: " + r.prereg() + " vs " + polishedMin);
        assertEquals(t.step(), t.log().rows().get(t.log().rows().size() - 1).step(), "the log ends at the kept state's step");
    }

    /**
     * A :max-loss below the starting loss must not block every cut: a cut that leaves the judged
     * loss no higher than the last accepted round's is accepted (before, all were rejected).
     */
    @Test
    void aCutThatDoesNoHarmIsAcceptedAboveMaxLoss() {
        Trainer t = trainer(":l1 0.001");
        t.train(20);
        // the judged loss falls with every link cut, but stays far above :max-loss
        Loss fewerIsBetter = n -> VValue.of(10.0 + n.softLinkCount());
        Sparsifier.Result r = new Sparsifier(t, Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS,
                Map.of("threshold", 0.02, "recover-steps", 5, "judge-steps", 0, "tolerance", 0.0, "max-loss", 1.0,
                        "max-rounds", 3, "polish-steps", 0)), fewerIsBetter).run();
        assertEquals(92, r.startLinks());
        assertTrue(r.endLinks() < 92, "cuts accepted: " + r);
        assertEquals(3, r.accepted(), r.toString());
    }

    /** The polish runs at :polish-lr, and the trainer's own learning rate is back afterwards. */
    @Test
    void thePolishRunsAtItsOwnLearningRate() {
        Trainer t = trainer(":l1 0.001");
        t.train(5);
        double lr = t.optimizer().learningRate();
        new Sparsifier(t, Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS,
                Map.of("max-rounds", 0, "judge-steps", 0, "polish-steps", 12, "polish-lr", 0.05))).run();
        List<TrainLog.Row> polish = t.log().rows().stream().filter(row -> row.step() > 5).toList();
        assertFalse(polish.isEmpty());
        for (TrainLog.Row row : polish) assertEquals(0.05, row.lr(), 0.0, "a polish step at :polish-lr: " + row);
        assertTrue(t.log().rows().stream().filter(row -> row.step() <= 5).allMatch(row -> row.lr() == lr), "the dense steps at the trainer's rate");
        assertEquals(lr, t.optimizer().learningRate(), 0.0, "the trainer's learning rate is back after the polish");
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("learning rate 0.05"), "the polish line says its rate");
    }

    /** The judge trains its copy at :judge-lr; the rounds between go on at the trainer's rate. */
    @Test
    void theJudgeRunsAtItsOwnLearningRate() {
        Trainer t = trainer(":l1 0.001");
        t.train(5);
        double lr = t.optimizer().learningRate();
        List<Double> judgedAt = new java.util.ArrayList<>();
        Loss watching = n -> {
            judgedAt.add(t.optimizer().learningRate());
            return VValue.of(0.0);
        };
        new Sparsifier(t, Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS,
                Map.of("max-rounds", 2, "recover-steps", 3, "judge-steps", 4, "judge-lr", 0.02, "polish-steps", 0)), watching).run();
        assertEquals(List.of(0.02, 0.02, 0.02, lr), judgedAt, "the start and two rounds, each judged after training at :judge-lr; the end's report at the trainer's");
        assertTrue(t.log().rows().stream().allMatch(row -> row.lr() == lr), "the kept steps all at the trainer's rate");
        assertEquals(lr, t.optimizer().learningRate(), 0.0);
    }

    /**
     * Links that are only ever cut together and rejected together would be tried again and again:
     * after a rejected cut of k links, the following cuts take at most k/2 (the smallest), so the
     * search goes down to single links, cuts what can go and protects what cannot.
     */
    @Test
    void aRejectedCutOfSeveralLinksIsRetriedWithFewer() {
        Trainer t = trainer(":l1 0.001");
        t.train(20);
        assertEquals(92, t.network().softLinkCount());
        // the judge accepts losing one link, no more
        Loss oneMayGo = n -> VValue.of(n.softLinkCount() >= 91 ? 0.0 : 1e9);
        Sparsifier.Result r = new Sparsifier(t, Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS,
                Map.of("threshold", 0.05, "recover-steps", 2, "judge-steps", 0, "tolerance", 0.0, "max-loss", 1.0,
                        "max-rounds", 40, "max-rejections", 40, "polish-steps", 0, "retry-fewer", true)), oneMayGo).run();
        assertEquals(91, r.endLinks(), "exactly one link could go");
        List<String> rounds = printed.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("round ")).toList();
        int limit = Integer.MAX_VALUE;
        boolean limited = false;
        for (String line : rounds) {
            int cut = Integer.parseInt(line.replaceAll(".* cut (\\d+) \\(.*", "$1"));
            assertTrue(cut <= limit, "after a rejected cut of several links, at most half as many: " + line + "\n" + String.join("\n", rounds));
            limited |= line.contains("at most");
            if (line.endsWith("accepted") && cut > 0) limit = Integer.MAX_VALUE;
            else if (line.contains("rejected") && cut > 1) limit = cut / 2;
        }
        assertTrue(limited, String.join("\n", rounds));
        assertTrue(rounds.stream().anyMatch(l -> l.contains(" cut 1 (") && l.endsWith("accepted")), "a single cut accepted");
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("protecting that link"), "a single cut rejected protects its link");
    }

    /** A regrow brings back exactly the pruned links, small and seeded, and leaves the others alone. */
    @Test
    void regrowBringsBackExactlyThePrunedLinksAtSmallSeededValues() {
        Trainer t = trainer(":l1 0.001");
        t.train(3);
        VValue dense = t.weights();
        int removed = t.prune(0.05);
        VValue kept = t.weights();
        assertEquals(30, removed);
        assertEquals(30, t.regrow(0.01, 7));
        VValue regrown = t.weights();
        assertEquals(dense.leafCount(), regrown.leafCount(), "every link of the network the trainer was made with is back");
        kept.forEachLeaf((p, x) -> assertEquals(x, regrown.getIn(p).scalarPart(), 0.0, "a kept link keeps its weight"));
        double[] largest = {0};
        regrown.forEachLeaf((p, x) -> {
            if (kept.getIn(p).scalarPart() == 0) largest[0] = Math.max(largest[0], Math.abs(x));
        });
        assertTrue(largest[0] > 0 && largest[0] < 0.05, "regrown at 0.01 · Normal(0, 1): " + largest[0]);
        assertEquals(VValue.ZERO, ((Adam) t.optimizer()).firstMoment(), "the optimizer starts afresh");
        assertEquals(0, t.regrow(0.01, 7), "nothing is missing any more");

        Trainer u = trainer(":l1 0.001");
        u.train(3);
        u.prune(0.05);
        u.regrow(0.01, 7);
        assertEquals(regrown, u.weights(), "the same seed draws the same values");
        Trainer v = trainer(":l1 0.001");
        v.train(3);
        v.prune(0.05);
        v.regrow(0.01, 8);
        assertNotEquals(regrown, v.weights(), "another seed, other values");
    }

    /**
     * With :regrows, a polished machine above :regrow-above starts again: the pruned links come
     * back, :regrow-steps train at the trainer's first λ, the rounds begin anew, and the best
     * polished machine of all attempts is kept.
     */
    @Test
    void aSparsificationAboveRegrowAboveRegrowsAndKeepsTheBestMachine() {
        Trainer t = trainer(":l1 0.001");
        t.train(20);
        List<Double> polished = new java.util.ArrayList<>();
        Sparsifier.Result r = new Sparsifier(t, Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS,
                Map.of("threshold", 0.02, "recover-steps", 10, "judge-steps", 5, "max-rounds", 2, "polish-steps", 10,
                        "regrows", 2, "regrow-steps", 15, "regrow-sigma", 0.02, "regrow-above", 1e-9))).run();
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("regrow 1 of 2") && out.contains("regrow 2 of 2"), out);
        assertFalse(out.contains("regrow 3"), "at most :regrows");
        out.lines().filter(l -> l.startsWith("polish:")).forEach(l -> polished.add(Double.parseDouble(l.replaceAll(".*best prereg ([0-9.eE+-]+) .*", "$1"))));
        assertEquals(3, polished.size(), "three attempts, each polished: " + out);
        assertEquals(6, r.rounds(), ":max-rounds counts each attempt's rounds: " + r);
        assertEquals(20 + 3 * (2 * 10 + 10) + 2 * 15, t.step(), "dense, three attempts of two rounds and a polish, two regrows");
        double best = polished.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertEquals(best, t.evaluate(), 1e-4 * best, "the best polished machine is kept (the lines print 5 digits): " + polished);
        assertTrue(t.log().rows().stream().anyMatch(row -> row.lambda() == 0.001 && row.step() > 50 && row.links() == 92),
                "the regrow trains all 92 links at the trainer's first λ");
        assertNull(t.sparsification(), "done");
    }

    /**
     * With :rounds-after-polish, a polish that recovers what the judge's short copies could not
     * sends the sparsification back to its rounds, from the polished state.
     */
    @Test
    void roundsGoOnAfterAPolishThatHelped() {
        Trainer t = trainer(":l1 0.001");
        t.train(20);
        Map<String, Object> schedule = Map.of("threshold", 0.02, "recover-steps", 5, "judge-steps", 5, "tolerance", 0.0, "slack", 1.2,
                "max-rejections", 1, "max-rounds", 30, "polish-steps", 40, "polish-lr", 0.03);
        Trainer plain = trainer(":l1 0.001");
        plain.train(20);
        Sparsifier.Result once = new Sparsifier(plain, Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS, schedule)).run();
        printed.reset();
        java.util.Map<String, Object> again = new java.util.HashMap<>(schedule);
        again.put("rounds-after-polish", true);
        Sparsifier.Result r = new Sparsifier(t, Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS, again)).run();
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("the rounds go on"), out);
        long polishes = out.lines().filter(l -> l.startsWith("polish:")).count();
        assertTrue(polishes >= 2, "polished, rounds again, polished again: " + polishes);
        List<String> lines = out.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).contains("the rounds go on")) continue;
            int at = Integer.parseInt(lines.get(i).replaceAll(".* at (\\d+) links.*", "$1"));
            int next = -1;
            for (int j = i + 1; j < lines.size(); j++)
                if (lines.get(j).contains("the rounds go on")) {
                    next = Integer.parseInt(lines.get(j).replaceAll(".* at (\\d+) links.*", "$1"));
                    break;
                }
            assertTrue(next == -1 || next < at, "the rounds go on again only after rounds that cut links: " + at + " then " + next + "\n" + out);
        }
        assertTrue(r.rounds() > once.rounds(), "more rounds than without: " + r + " vs " + once);
        assertTrue(r.endLinks() < once.endLinks(), "and fewer links: " + r + " vs " + once);
        assertTrue(out.lines().filter(l -> l.startsWith("round ")).noneMatch(l -> l.startsWith("round ") && l.contains("λ 0,") || l.contains("λ 0.000,")),
                "the rounds after the polish shrink at λ > 0 (the polish trains at 0): " + out);
    }

    /**
     * With :tighten-lr, a good machine whose rounds stopped (every cut rejected by the slow
     * judge) goes back to its rounds with a faster judge, polishes again, and keeps the good
     * machine with the fewest links.
     */
    @Test
    void aGoodMachineIsTightenedByAFasterJudge() {
        Map<String, Object> schedule = Map.of("threshold", 0.03, "recover-steps", 6, "judge-steps", 5, "tolerance", 0.0, "slack", 1.0,
                "max-rounds", 12, "max-rejections", 2, "polish-steps", 8, "regrow-above", 10.0);
        Trainer plain = trainer(":l1 0.001");
        plain.train(20);
        Sparsifier.Result once = new Sparsifier(plain, Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS, schedule)).run();
        printed.reset();
        Map<String, Object> tight = new java.util.HashMap<>(schedule);
        tight.put("tighten-lr", 0.03);
        Trainer t = trainer(":l1 0.001");
        t.train(20);
        Sparsifier.Result r = new Sparsifier(t, Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS, tight)).run();
        String out = printed.toString(StandardCharsets.UTF_8);
        List<Integer> from = out.lines().filter(l -> l.contains("the machine is good"))
                .map(l -> Integer.parseInt(l.replaceAll(".* at (\\d+) links.*", "$1"))).toList();
        assertFalse(from.isEmpty(), out);
        assertEquals(once.endLinks(), from.get(0), "the tightening starts from the machine the schedule without it ends with");
        for (int i = 1; i < from.size(); i++) assertTrue(from.get(i) < from.get(i - 1), "again only after rounds that cut links: " + from);
        assertTrue(r.rounds() > once.rounds(), "more rounds: " + r + " vs " + once);
        assertTrue(r.endLinks() < once.endLinks(), "fewer links than the slow judge left (92 -> 80 when written): " + r + " vs " + once);
        assertTrue(r.prereg() <= 10.0, "a good machine is kept: " + r);
        assertNull(t.sparsification(), "done");
    }

    /**
     * A tightening tries every link, smallest first, whatever its size: with :threshold-max at
     * the first threshold the rounds before it never cut a link above 0.03, the tightening does.
     */
    @Test
    void aTighteningTriesLinksAboveTheLargestThreshold() {
        Map<String, Object> schedule = new java.util.HashMap<>(Map.of("threshold", 0.03, "threshold-max", 0.03, "recover-steps", 6, "judge-steps", 5,
                "tolerance", 0.0, "slack", 1.5, "max-rounds", 150, "max-rejections", 2, "polish-steps", 8, "regrow-above", 10.0));
        schedule.put("tighten-lr", 0.03);
        Trainer t = trainer(":l1 0.001");
        t.train(20);
        new Sparsifier(t, Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS, schedule)).run();
        String out = printed.toString(StandardCharsets.UTF_8);
        java.util.regex.Pattern cut = java.util.regex.Pattern.compile("cut 1 \\(the smallest, \\|w\\| = ([0-9.e+-]+)\\).*accepted");
        List<Double> sizes = out.lines().map(cut::matcher).filter(java.util.regex.Matcher::find).map(m -> Double.parseDouble(m.group(1))).toList();
        assertFalse(sizes.isEmpty(), "the tightening cut links: " + out);
        assertTrue(sizes.stream().anyMatch(w -> w >= 0.03), "a link at or above :threshold-max went: " + sizes);
    }

    @Test
    void checkpointResumeGivesTheSameNextLosses(@TempDir Path dir) {
        Trainer a = trainer(":l1 0.001");
        a.train(5);
        Path ckpt = dir.resolve("c.json");
        a.saveCheckpoint(ckpt);
        a.train(5);
        List<TrainLog.Row> uninterrupted = a.log().rows().subList(5, 10);

        Trainer b = trainer(":l1 0.001");
        b.loadCheckpoint(ckpt);
        assertEquals(5, b.step());
        b.train(5);
        List<TrainLog.Row> resumed = b.log().rows();
        assertEquals(5, resumed.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(uninterrupted.get(i).step(), resumed.get(i).step());
            assertEquals(uninterrupted.get(i).loss(), resumed.get(i).loss(), 0.0, "step " + resumed.get(i).step());
        }
        assertEquals(a.weights(), b.weights());
    }

    @Test
    void corruptCheckpointsAreClearErrors(@TempDir Path dir) throws Exception {
        Trainer t = trainer("");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"format\": \"dmm-checkpoint/1\", \"step\": ");
        String corrupt = assertThrows(TrainingError.class, () -> t.loadCheckpoint(bad)).getMessage();
        assertEquals("checkpoint " + bad + " is corrupt: not valid JSON at line 1, column 40 (a checkpoint cut short, or not a checkpoint)", corrupt);
        Files.writeString(bad, "{\"format\": \"something else\"}");
        assertEquals("checkpoint " + bad + " is not a dmm checkpoint (expected \"format\": \"dmm-checkpoint/2\")",
                assertThrows(TrainingError.class, () -> t.loadCheckpoint(bad)).getMessage());
        assertEquals("checkpoint not found: " + dir.resolve("none.json"),
                assertThrows(TrainingError.class, () -> t.loadCheckpoint(dir.resolve("none.json"))).getMessage());
        assertEquals(0, t.step(), "nothing changed");
    }

    @Test
    void nanInTheLossStopsWithTheStepNamedAndKeepsTheLastGoodState() {
        eval("(def calls 0)");
        Trainer t = (Trainer) eval("""
            (trainer small :quiet true
              :loss (fn [net] (def calls (+ calls 1))
                              (if (> calls 3) (+ (small-loss net) (- ##Inf ##Inf)) (small-loss net))))""");
        TrainingError e = assertThrows(TrainingError.class, () -> t.train(10));
        assertEquals("training stopped at step 4: NaN cannot be a V-value leaf; the network keeps the weights of step 3", e.getMessage());
        assertEquals(3, t.step());
        Trainer u = (Trainer) eval("(trainer small :quiet true :loss (fn [net] (* (small-loss net) ##Inf)))");
        TrainingError inf = assertThrows(TrainingError.class, () -> u.train(3));
        assertEquals("training stopped at step 1: NaN cannot be a V-value leaf; the network keeps the weights of step 0", inf.getMessage());
        assertEquals(0, u.step());
    }

    @Test
    void cancellationStopsAtAStepBoundaryLeavingAConsistentNetwork() {
        Trainer t = trainer("");
        t.train(2);
        VValue before = t.weights();
        interp.requestCancel();
        assertThrows(Cancelled.class, () -> t.train(100));
        assertEquals(2, t.step());
        assertEquals(before, t.weights());
        // cancelled in the middle of a step (from another thread, as Ctrl-C does)
        Thread canceller = new Thread(() -> {
            try {
                Thread.sleep(150);
            } catch (InterruptedException ignored) {
                return;
            }
            interp.requestCancel();
        });
        canceller.start();
        assertThrows(Cancelled.class, () -> t.train(1_000_000));
        long s = t.step();
        assertEquals(s, t.log().rows().size());
        Adam adam = (Adam) t.optimizer();
        assertEquals(s, adam.steps(), "the optimizer took exactly the completed steps");
        assertTrue(Double.isFinite(t.evaluate()));
        assertEquals("interrupted at step 2; the network is consistent\ninterrupted at step " + s + "; the network is consistent\n",
                printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void trainFromTheLanguageWithPlotAndCsv(@TempDir Path dir) throws Exception {
        String base = dir.resolve("run").toString().replace("\\", "/");
        eval("(def tr (train! small :loss small-loss :steps 5 :quiet true :log \"" + base + "\"))");
        assertEquals(5, Values.toLong(eval("(train-step tr)"), "t"));
        List<String> csv = Files.readAllLines(dir.resolve("run.csv"));
        assertEquals(TrainLog.HEADER, csv.get(0));
        assertEquals(6, csv.size());
        List<TrainLog.Row> rows = ((Trainer) eval("tr")).log().rows();
        for (int i = 0; i < 5; i++) {
            TrainLog.Row r = rows.get(i);
            assertEquals(i + 1, r.step());
            assertEquals(LogRows.csv(r), csv.get(i + 1), "row " + (i + 1) + " as logged");
        }
        dmm.FileAssertions.assertPng(dir.resolve("run.png"), 900, 500);
    }
}
