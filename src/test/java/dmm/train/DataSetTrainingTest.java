package dmm.train;

import static org.junit.jupiter.api.Assertions.*;

import dmm.ad.Grad;
import dmm.lang.DmmException;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.machine.MachineError;
import dmm.machine.Network;
import dmm.vvalue.VValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on data sets: a batch loss is exactly the sum (or mean) of its strings' losses, its
 * parallel gradient is bit-for-bit the sequential one, batches follow the seeded epochs (and
 * resume with a checkpoint), a curriculum switches at its steps, and sparsify! judges cuts on
 * the validation loss it is given.
 */
class DataSetTrainingTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final Interpreter interp = SmallNetwork.interpreter(printed);

    private static final String STRINGS = "[\"abca.\" \"xyzzy.\" \"aab.\" \"q.\" \"hello.\" \"abcdefg.\"]";

    DataSetTrainingTest() {
        interp.eval("setup", """
            (def opts {:layers 2 :copies 1 :init 0.1 :seed 2})
            (defn small-case [s] (string-loss s opts (string-window s)))
            (def strs %s)
            """.formatted(STRINGS));
    }

    private Object eval(String src) {
        return interp.eval("test.dmm", src);
    }

    private BatchLoss batchLoss(String options) {
        return (BatchLoss) eval("(batch-loss strs small-case " + options + ")");
    }

    private void define(String name, Object value) {
        interp.define(name, value, null);
    }

    private Network small() {
        return (Network) eval("small");
    }

    /** The imitation loss of one string, computed without any batch machinery. */
    private double singleLoss(String s, VValue w) {
        define("w-under-test", w);
        return ((VValue) eval("((imitation-loss (duplicate-detector \"" + s + "\") " + (10 * s.length() + 20)
                + " [:output]) (with-matrix (feedforward \"" + s + "\" opts) w-under-test))")).scalarPart();
    }

    @Test
    void theBatchLossIsTheSumOfTheSingleStringLosses() {
        BatchLoss sum = batchLoss(":batch 4 :mean false :seed 5");
        BatchLoss mean = batchLoss(":batch 4 :mean true :seed 5");
        VValue w = (VValue) eval("(matrix small)");
        List<String> labels = sum.labels();
        for (long step = 1; step <= 3; step++) {
            int[] batch = sum.batchAt(step);
            double expected = 0;
            for (int i : batch) expected += singleLoss(labels.get(i), w);
            Grad.Result r = sum.valueAndGradient(small(), w, step);
            assertEquals(expected, r.value().scalarPart(), 1e-9 * Math.abs(expected), "step " + step);
            Grad.Result m = mean.valueAndGradient(small(), w, step);
            assertEquals(r.value().scalarPart() / 4, m.value().scalarPart(), 1e-12 * Math.abs(expected));
            assertEquals(r.gradients().get(0).scale(0.25), m.gradients().get(0));
        }
        // outside training the loss covers every item
        double all = 0;
        for (String s : labels) all += singleLoss(s, w);
        assertEquals(all, ((VValue) sum.of(small())).scalarPart(), 1e-9 * all);
        assertEquals(all / labels.size(), ((VValue) mean.of(small())).scalarPart(), 1e-9 * all);
        double[] each = sum.itemLosses(small());
        for (int i = 0; i < labels.size(); i++) assertEquals(singleLoss(labels.get(i), w), each[i], 1e-9 * each[i], labels.get(i));
    }

    @Test
    void theGradientIsTheSumOfTheSingleStringGradients() {
        BatchLoss sum = batchLoss(":batch 3 :mean false :seed 9 :threads 1");
        VValue w = (VValue) eval("(matrix small)");
        Network net = small();
        int[] batch = sum.batchAt(2);
        VValue expected = VValue.ZERO;
        for (int i : batch) {
            String s = sum.labels().get(i);
            // the single-string loss, built from scratch, differentiated through the trained network's matrix
            Fn f = (Fn) eval("(fn [t] ((imitation-loss (duplicate-detector \"" + s + "\") " + (10 * s.length() + 20)
                    + " [:output]) (with-matrix (feedforward \"" + s + "\" opts) (matrix t))))");
            Loss single = n -> interp.call(f, n);
            expected = expected.add(single.valueAndGradient(net, w, 1).gradients().get(0));
        }
        VValue g = sum.valueAndGradient(net, w, 2).gradients().get(0);
        assertTrue(g.maxAbs() > 0);
        assertEquals(0, expected.subtract(g).maxAbs(), 1e-9 * expected.maxAbs());
    }

    @Test
    void parallelAndSequentialGradientsAreIdentical() {
        BatchLoss one = batchLoss(":batch 5 :seed 3 :threads 1");
        BatchLoss four = batchLoss(":batch 5 :seed 3 :threads 4");
        VValue w = (VValue) eval("(matrix small)");
        for (long step = 1; step <= 4; step++) {
            Grad.Result a = one.valueAndGradient(small(), w, step), b = four.valueAndGradient(small(), w, step);
            assertEquals(a.value(), b.value(), "step " + step);
            assertEquals(a.gradients().get(0), b.gradients().get(0), "step " + step + ": the same gradient to the last bit");
        }
        // and whole training runs agree to the last bit
        define("one", one);
        define("four", four);
        Trainer t1 = (Trainer) eval("(train! (trainer small :loss one :l1 0.001 :quiet true) 6)");
        Trainer t4 = (Trainer) eval("(train! (trainer small :loss four :l1 0.001 :quiet true) 6)");
        assertEquals(t1.weights(), t4.weights());
        assertEquals(t1.log().rows().stream().map(TrainLog.Row::prereg).toList(), t4.log().rows().stream().map(TrainLog.Row::prereg).toList());
    }

    @Test
    void batchesWalkThroughSeededEpochsSeeingEveryItemOncePerEpoch() {
        BatchLoss b = batchLoss(":batch 4 :seed 7");
        List<Integer> seen = new ArrayList<>();
        for (long step = 1; step <= 6; step++) for (int i : b.batchAt(step)) seen.add(i);   // 24 samples: 4 epochs of 6
        for (int e = 0; e < 4; e++)
            assertEquals(List.of(0, 1, 2, 3, 4, 5), seen.subList(6 * e, 6 * e + 6).stream().sorted().toList(), "epoch " + e);
        assertNotEquals(seen.subList(0, 6), seen.subList(6, 12), "each epoch is shuffled anew");
        assertArrayEquals(b.batchAt(5), batchLoss(":batch 4 :seed 7").batchAt(5), "a function of the seed and the step");
        assertFalse(Arrays.equals(b.batchAt(1), batchLoss(":batch 4 :seed 8").batchAt(1)) && Arrays.equals(b.batchAt(2), batchLoss(":batch 4 :seed 8").batchAt(2)));
        assertArrayEquals(new long[] {2, 0}, b.position(3), "after 3 steps of 4: 12 samples, the start of epoch 2");
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, batchLoss(":batch 0").batchAt(9), "batch 0: every item, in order");
        assertEquals(List.of(VValue.of(0), VValue.of(1), VValue.of(2), VValue.of(3), VValue.of(4), VValue.of(5)),
                eval("(batch-at (batch-loss strs small-case :batch 10) 3)"), "a batch larger than the data set is the data set");
    }

    @Test
    void checkpointsResumeTheDataSetPosition(@TempDir Path dir) throws Exception {
        define("data", batchLoss(":batch 4 :seed 11"));
        String log = dir.resolve("run").toString().replace("\\", "/");
        Trainer whole = (Trainer) eval("(trainer small :loss data :l1 0.001 :quiet true)");
        whole.train(10);

        Trainer first = (Trainer) eval("(trainer small :loss data :l1 0.001 :quiet true :log \"" + log + "\")");
        first.train(5);
        first.saveCheckpoint(dir.resolve("at5.json"));
        String json = Files.readString(dir.resolve("at5.json"));
        assertTrue(json.contains("\"epoch\" : 3") && json.contains("\"position\" : 2"), "5 steps of 4 of 6 items: epoch 3, position 2\n" + json);

        Trainer resumed = (Trainer) eval("(trainer small :loss data :l1 0.001 :quiet true)");
        resumed.loadCheckpoint(dir.resolve("at5.json"));
        resumed.train(5);
        assertEquals(whole.weights(), resumed.weights(), "the resumed run took the same batches");

        define("other", batchLoss(":batch 4 :seed 12"));
        Trainer wrong = (Trainer) eval("(trainer small :loss other :l1 0.001 :quiet true)");
        TrainingError e = assertThrows(TrainingError.class, () -> wrong.loadCheckpoint(dir.resolve("at5.json")));
        assertTrue(e.getMessage().contains("was written while training on another data set (6 items, batch 4, seed 11"), e.getMessage());
    }

    @Test
    void aCurriculumSwitchesStagesAtItsSteps() {
        Map<String, Integer> calls = new HashMap<>();
        List<String> order = new ArrayList<>();
        VValue zero = VValue.ZERO;
        Function<String, Loss> counting = name -> new Loss() {
            @Override
            public Object of(Network net) {
                return VValue.ZERO;   // only the steps' values and gradients are counted here
            }

            @Override
            public Grad.Result valueAndGradient(Network net, VValue w, long step) {
                calls.merge(name, 1, Integer::sum);
                order.add(name + "@" + step);
                return new Grad.Result(VValue.of(1), List.of(zero));
            }

            @Override
            public String describe() {
                return name;
            }
        };
        define("la", counting.apply("a"));
        define("lb", counting.apply("b"));
        define("lc", counting.apply("c"));
        Trainer t = (Trainer) eval("(trainer small :loss (curriculum [0 la] [3 lb] [7 lc]) :progress-every 100)");
        t.train(10);
        assertEquals(List.of("a@1", "a@2", "a@3", "b@4", "b@5", "b@6", "b@7", "c@8", "c@9", "c@10"), order);
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("curriculum stage 1 of 3 (from step 0): a\n") && out.contains("curriculum stage 2 of 3 (from step 3): b\n")
                && out.contains("curriculum stage 3 of 3 (from step 7): c\n"), out);
        Curriculum c = (Curriculum) eval("(curriculum [0 la] [3 lb] [7 lc])");
        assertEquals(List.of(0, 0, 0, 1, 1, 1, 1, 2, 2), LongStream.range(0, 9).mapToObj(c::stageAt).toList());
    }

    @Test
    void sparsifyJudgesEachCutOnTheValidationLoss() {
        // a validation loss every cut makes worse, far above :max-loss: every round is rejected, though
        // the training loss would accept them
        Loss impossible = n -> VValue.of(1e9 + 1e6 * (10000 - n.softLinkCount()));
        Trainer judgedOnTraining = (Trainer) eval("(train! (trainer small :loss small-loss :l1 0.001 :quiet true) 10)");
        Sparsifier.Schedule s = Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS,
                Map.of("threshold", 0.05, "recover-steps", 3, "judge-steps", 3, "tolerance", 1000, "max-rounds", 2, "polish-steps", 0));
        Sparsifier.Result ok = new Sparsifier(judgedOnTraining, s).run();
        assertEquals(2, ok.accepted());
        Trainer judgedOnValidation = (Trainer) eval("(train! (trainer small :loss small-loss :l1 0.001 :quiet true) 10)");
        Sparsifier.Schedule strict = Settings.with(Sparsifier.Schedule.class, s, Map.of("tolerance", 0.0, "max-loss", 1.0));
        Sparsifier.Result rejected = new Sparsifier(judgedOnValidation, strict, impossible).run();
        assertEquals(0, rejected.accepted());
        assertTrue(printed.toString(StandardCharsets.UTF_8).lines().anyMatch(l -> l.matches(".*links, validation [0-9.e+]+ > [0-9.e+]+  rejected.*")),
                printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aSparsificationResumesOnlyWithTheValidationItWasJudgedOn(@TempDir Path dir) {
        BatchLoss judge = (BatchLoss) eval("(batch-loss (take 3 strs) small-case :batch 0)");
        BatchLoss other = (BatchLoss) eval("(batch-loss (drop 3 strs) small-case :batch 0)");
        Sparsifier.Schedule s = Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS,
                Map.of("threshold", 0.05, "recover-steps", 2, "judge-steps", 2, "tolerance", 1000, "max-rounds", 1, "polish-steps", 2));
        Trainer t = (Trainer) eval("(train! (trainer small :loss small-loss :l1 0.001 :quiet true) 4)");
        Path ckpt = dir.resolve("mid.json");
        // a checkpoint written in the middle of a sparsification judged on `judge`
        Sparsifier.Position pos = new Sparsifier.Position();
        pos.threshold = pos.acceptedThreshold = 0.05;
        pos.maxLoss = pos.reference = pos.startLoss = 1;
        pos.judgedOn = "validation " + judge.fingerprint();
        pos.maxCut = 3;
        t.sparsification(pos);
        t.saveCheckpoint(ckpt);

        Trainer wrong = (Trainer) eval("(trainer small :loss small-loss :l1 0.001 :quiet true)");
        wrong.loadCheckpoint(ckpt);
        TrainingError e = assertThrows(TrainingError.class, () -> new Sparsifier(wrong, s, other).run());
        assertTrue(e.getMessage().startsWith("this sparsification was judged on validation 3 items") && e.getMessage().contains(
                "cannot be resumed judged on validation 3 items"), e.getMessage());
        Trainer none = (Trainer) eval("(trainer small :loss small-loss :l1 0.001 :quiet true)");
        none.loadCheckpoint(ckpt);
        assertThrows(TrainingError.class, () -> new Sparsifier(none, s).run(), "without a validation loss at all");
        Trainer right = (Trainer) eval("(trainer small :loss small-loss :l1 0.001 :quiet true)");
        right.loadCheckpoint(ckpt);
        assertEquals(3, right.sparsification().maxCut, "the limit on cuts after a rejection is checkpointed");
        assertEquals("validation " + judge.fingerprint(), right.sparsification().judgedOn);
        assertEquals(1, new Sparsifier(right, s, judge).run().rounds());
    }

    @Test
    void withoutValidationAMiniBatchLossIsJudgedOnAllItsItems() {
        // each step's prereg is another batch's: rounds and the polish compare the loss over every item instead
        define("data", batchLoss(":batch 2 :seed 3"));
        Trainer t = (Trainer) eval("(train! (trainer small :loss data :l1 0.001 :quiet true) 4)");
        Sparsifier.Schedule s = Settings.with(Sparsifier.Schedule.class, Sparsifier.Schedule.DEFAULTS,
                Map.of("threshold", 0.05, "recover-steps", 2, "judge-steps", 2, "tolerance", 1000, "max-rounds", 1, "polish-steps", 2));
        Sparsifier.Result r = new Sparsifier(t, s).run();
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("links, prereg (all items) ") && out.contains("best prereg (all items) "), out);
        assertEquals(((VValue) ((BatchLoss) eval("data")).of(t.network())).scalarPart(), r.prereg(), 1e-12 * r.prereg());
    }

    @Test
    void randomStringsAndSplits() {
        @SuppressWarnings("unchecked")
        List<String> s = (List<String>) eval("(random-strings 50 :seed 4 :alphabet \"xyz\" :min-length 3 :max-length 7)");
        assertEquals(50, s.size());
        for (String x : s) {
            assertTrue(x.length() >= 3 && x.length() <= 7 && x.endsWith(".") && x.substring(0, x.length() - 1).matches("[xyz]*"), x);
        }
        assertEquals(s, eval("(random-strings 50 :seed 4 :alphabet \"xyz\" :min-length 3 :max-length 7)"), "seeded");
        assertEquals(s.subList(0, 20), eval("(random-strings 20 :seed 4 :alphabet \"xyz\" :min-length 3 :max-length 7)"), "a prefix of the larger set");
        assertNotEquals(s, eval("(random-strings 50 :seed 5 :alphabet \"xyz\" :min-length 3 :max-length 7)"));
        assertEquals(VValue.of(3), eval("(count (first (random-strings 1 :min-length 3 :max-length 3)))"));

        @SuppressWarnings("unchecked")
        List<List<String>> parts = (List<List<String>>) eval("(split-data (random-strings 50 :seed 4) 0.2)");
        assertEquals(40, parts.get(0).size());
        assertEquals(10, parts.get(1).size());
        assertEquals(eval("(random-strings 50 :seed 4)"), concat(parts.get(0), parts.get(1)), "unshuffled: the last items validate");
        @SuppressWarnings("unchecked")
        List<List<String>> shuffled = (List<List<String>>) eval("(split-data (random-strings 50 :seed 4) 7 :seed 1)");
        assertEquals(7, shuffled.get(1).size());
        List<String> all = concat(parts.get(0), parts.get(1));
        assertNotEquals(all, concat(shuffled.get(0), shuffled.get(1)), "shuffled");
        assertEquals(all.stream().sorted().toList(), concat(shuffled.get(0), shuffled.get(1)).stream().sorted().toList(), "a shuffled split holds every item once");
        assertEquals(VValue.of(140), eval("(string-window \"test string.\")"));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void badDataSetInputIsNamed() {
        assertEquals("split-data: the validation part must be a fraction in [0, 1) or a count up to 6, got 7", error("(split-data strs 7)"));
        assertEquals("batch-loss needs at least one item", error("(batch-loss [] small-case)"));
        assertEquals("batch-loss: batch must be at least 0 (0: every item every step)", error("(batch-loss strs small-case :batch -1)"));
        assertEquals("random-strings needs 1 <= :min-length <= :max-length <= 100000, got 5 and 4", error("(random-strings 3 :min-length 5 :max-length 4)"));
        assertEquals("a curriculum's first stage starts at step 0, got 5", error("(curriculum [5 small-loss])"));
        assertEquals("a curriculum's stages start at increasing steps, got 5 then 5", error("(curriculum [0 small-loss] [5 small-loss] [5 small-loss])"));
        assertEquals("curriculum: each stage is [from-step loss], got [0]", error("(curriculum [0])"));
        assertTrue(error("(train! (trainer small :loss (batch-loss strs (fn [s] (fn [net] {:a 1})))) 1)").contains("the loss must be a number, got a map"),
                "an item's loss that is not a number");
    }

    /** A data set of hundreds of strings fails on one: the error says which (in training, in item-losses, under grad). */
    @Test
    void aFailingItemIsNamedByItsString() {
        eval("""
            (defn picky-case [s]
              (let [inner (small-case s)]
                (fn [net] (if (= s "aab.") (error "this string is refused") (inner net)))))
            (def picky (batch-loss strs picky-case :batch 0 :threads 2))
            """);
        for (String src : List.of("(train! (trainer small :loss picky :quiet true) 1)", "(item-losses picky small)")) {
            DmmException e = assertThrows(DmmException.class, () -> eval(src), src);
            assertEquals("this string is refused", e.bareMessage(), src);
            assertTrue(e.report().contains("in item 3 of 6 of the data set: \"aab.\""), src + ":\n" + e.report());
        }
        // under an outer tape the items run in order on this thread: the same context line
        BatchLoss picky = (BatchLoss) eval("picky");
        Network net = small();
        MachineError e = assertThrows(MachineError.class,
                () -> Grad.valueAndGrad(a -> picky.of(net.withSoftMatrix(a[0])), (VValue) net.softMatrix()));
        assertEquals(List.of("in item 3 of 6 of the data set: \"aab.\""), e.context());
    }

    private String error(String src) {
        DmmException e = assertThrows(DmmException.class, () -> eval(src));
        return e.bareMessage();
    }
}
