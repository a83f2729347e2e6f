package dmm.bind;

import dmm.lang.EvalError;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.lang.Lib;
import dmm.lang.Options;
import dmm.lang.Printer;
import dmm.lang.Values;
import dmm.train.BatchLoss;
import dmm.train.Curriculum;
import dmm.train.Loss;
import dmm.train.Settings;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The language surface of training on data sets: driving strings (random, or lists split into
 * training and validation), losses over many strings run in parallel, curricula.
 */
public final class DataLib extends Lib {
    private DataLib(Interpreter interp) {
        super(interp);
    }

    public static void install(Interpreter interp) {
        new DataLib(interp).builtins();
    }

    /** The alphabet of random strings unless one is given: a–z, space and `.`. */
    static final String DEFAULT_ALPHABET = "abcdefghijklmnopqrstuvwxyz .";

    /**
     * {@code n} strings, the k-th from its own stream of {@code seed} (so the first k strings do
     * not depend on n): a length uniform in [min, max], then length−1 characters drawn uniformly
     * from the alphabet's code points, then `.`.
     */
    static List<Object> randomStrings(int n, long seed, String alphabet, int min, int max) {
        int[] cps = alphabet.codePoints().toArray();
        List<Object> out = new ArrayList<>(n);
        SplittableRandom root = new SplittableRandom(seed);
        for (int k = 0; k < n; k++) {
            SplittableRandom r = root.split();
            int len = min + r.nextInt(max - min + 1);
            StringBuilder sb = new StringBuilder(len);
            for (int i = 0; i < len - 1; i++) sb.appendCodePoint(cps[r.nextInt(cps.length)]);
            out.add(sb.append('.').toString());
        }
        return Collections.unmodifiableList(out);
    }

    private static BatchLoss batchLoss(Object v, String what) {
        if (v instanceof BatchLoss b) return b;
        throw new EvalError(what + " expects a batch loss (made by (batch-loss items f ...)), got " + Printer.describe(v));
    }

    private static String label(Object item) {
        return item instanceof String s ? s : Printer.print(item);
    }

    private void builtins() {
        fn("random-strings", "[n & options]", "n seeded random driving strings, each ending with `.`: a length uniform in [:min-length, :max-length], then that many characters less one drawn uniformly from :alphabet, then `.`. Options: :seed (1), :alphabet (\"" + DEFAULT_ALPHABET + "\"), :min-length (6), :max-length (24). The k-th string depends only on the seed and k, so a larger n extends a smaller set.", 1, -1, a -> {
            int n = Values.toInt(a[0], "random-strings");
            if (n < 0) throw new EvalError("random-strings needs a count of at least 0, got " + n);
            Options o = Options.parse("random-strings", a, 1, List.of("seed", "alphabet", "min-length", "max-length"));
            String alphabet = o.string("alphabet", DEFAULT_ALPHABET);
            if (alphabet.isEmpty()) throw new EvalError("random-strings :alphabet must hold at least one character");
            long min = o.integer("min-length", 6), max = o.integer("max-length", 24);
            if (min < 1 || max < min || max > 100_000)
                throw new EvalError("random-strings needs 1 <= :min-length <= :max-length <= 100000, got " + min + " and " + max);
            return randomStrings(n, o.integer("seed", 1), alphabet, (int) min, (int) max);
        });
        fn("split-data", "[items validation & options]", "Splits a data set into [training validation]: validation is a count of items (an integer >= 1) or a fraction (below 1) of them, taken from the end; with :seed s the items are shuffled (seeded) first. Every item lands in exactly one part.", 2, -1, a -> {
            List<?> items = Values.toSeq(a[0], "split-data");
            double v = Values.toDouble(a[1], "split-data");
            Options o = Options.parse("split-data", a, 2, List.of("seed"));
            int n = items.size();
            int k = v < 1 ? (int) Math.round(v * n) : (int) v;
            if (v < 0 || (v >= 1 && v != Math.rint(v)) || k > n)
                throw new EvalError("split-data: the validation part must be a fraction in [0, 1) or a count up to " + n + ", got " + Printer.print(a[1]));
            List<Object> order = new ArrayList<>(items);
            if (o.has("seed")) Collections.shuffle(order, new Random(o.integer("seed", 0)));
            return List.of(Collections.unmodifiableList(new ArrayList<>(order.subList(0, n - k))),
                    Collections.unmodifiableList(new ArrayList<>(order.subList(n - k, n))));
        });
        fn("batch-loss", "[items f & options]", "A loss over a data set, for a trainer's :loss or sparsify!'s :validation: (f item) is called once per item, here, and returns that item's loss, a function of the trained network (e.g. the imitation loss on one driving string, run by that string's own network with the trained matrix). Each training step sums or averages the losses of a mini-batch: step k takes the next :batch items of an endless sequence of seeded shuffles of all items (every item once per epoch; a resumed run sees the same batches). The batch's items run in parallel, each forward and backward on its own tape, and are added in item order: the gradient is exact and the same for any :threads (for item losses that draw no random numbers: rand is shared by the threads). Evaluated outside training, the loss covers every item. Options: "
                + Settings.describe(BatchLoss.Options.class, BatchLoss.Options.DEFAULTS) + ".", 2, -1, a -> {
            List<?> items = Values.toSeq(a[0], "batch-loss");
            Fn f = Values.toFn(a[1], "batch-loss");
            BatchLoss.Options opts = TrainLib.settings("batch-loss", Options.parse("batch-loss", a, 2, Settings.options(BatchLoss.Options.class)),
                    BatchLoss.Options.class, BatchLoss.Options.DEFAULTS);
            if (items.isEmpty()) throw new EvalError("batch-loss needs at least one item");
            List<Loss> losses = new ArrayList<>(items.size());
            List<String> labels = new ArrayList<>(items.size());
            for (Object item : items) {
                losses.add(TrainLib.loss(interp, interp.call(f, item), "batch-loss: (f " + label(item) + ")"));
                labels.add(label(item));
            }
            return new BatchLoss(losses, labels, opts);
        });
        fn("curriculum", "[& stages]", "A loss that changes with training, for a trainer's :loss: each stage is [from-step loss] (the first from 0), its loss a function of the network or a batch-loss, applying once from-step steps have been taken. E.g. (curriculum [0 short-strings] [1000 longer-strings] [2000 all-strings]). The stage follows from the step count, so checkpoints resume it; the trainer says when a stage starts.", 1, -1, a -> {
            List<Curriculum.Stage> stages = new ArrayList<>();
            for (Object s : a) {
                List<?> pair = Values.toSeq(s, "curriculum stage");
                if (pair.size() != 2) throw new EvalError("curriculum: each stage is [from-step loss], got " + Printer.print(s));
                long from = Values.toLong(pair.get(0), "curriculum stage");
                stages.add(new Curriculum.Stage(from, TrainLib.loss(interp, pair.get(1), "curriculum stage from " + from)));
            }
            return new Curriculum(stages);
        });
        fn("item-losses", "[batch-loss net]", "The loss of every item of a batch loss on net (e.g. the trained network), in item order, computed in parallel: a vector of numbers.", 2, 2, a -> {
            double[] v = batchLoss(a[0], "item-losses").itemLosses(MachineLib.asNetwork(a[1], "item-losses"));
            List<Object> out = new ArrayList<>(v.length);
            for (double x : v) out.add(VValue.of(x));
            return Collections.unmodifiableList(out);
        });
        fn("batch-at", "[batch-loss step]", "The indices of the items training step `step` (counted from 1) uses, in the order they are added.", 2, 2, a -> {
            long step = Values.toLong(a[1], "batch-at");
            if (step < 1) throw new EvalError("batch-at: steps count from 1, got " + step);
            List<Object> out = new ArrayList<>();
            for (int i : batchLoss(a[0], "batch-at").batchAt(step)) out.add(VValue.of(i));
            return Collections.unmodifiableList(out);
        });
    }
}
