package dmm.bind;

import static org.junit.jupiter.api.Assertions.*;

import dmm.ad.Grad;
import dmm.ad.Ops;
import dmm.ad.Tracked;
import dmm.lang.Closure;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native fast path of {@code number-squared-error} (train.dmm) against the library's own
 * definition run by the interpreter (the same closure with its intrinsic removed): values,
 * gradients and whether the result is tracked, exactly, on random observations; through a whole
 * {@code imitation-loss}; against finite differences; and hot redefinition of the function and of
 * the built-ins its body calls.
 */
class StandardFunctionsTest {
    private final Interpreter interp = newInterpreter();

    private static Interpreter newInterpreter() {
        return TestInterpreters.quiet("(require lite) (require train)");
    }

    private static Closure definition(Interpreter i) {
        return (Closure) i.findVar("number-squared-error").get();
    }

    private Closure definition() {
        return definition(interp);
    }

    /** The fast path itself; fails the test when it declines. */
    private Object fast(Object as, Object bs) {
        Object r = definition().intrinsic().apply(new Object[] {as, bs});
        assertNotSame(Closure.Intrinsic.DECLINE, r, "the fast path declined");
        return r;
    }

    /** The library's definition as the interpreter runs it (its body, the intrinsic removed for the call). */
    private static <T> T interpreted(Closure c, Supplier<T> body) {
        Closure.Intrinsic i = c.intrinsic();
        c.setIntrinsic(null);
        try {
            return body.get();
        } finally {
            c.setIntrinsic(i);
        }
    }

    private Object general(Object as, Object bs) {
        Closure c = definition();
        return interpreted(c, () -> c.invoke(new Object[] {as, bs}));
    }

    // ------------------------------------------------------------------ random observations

    private static final String[] NEURONS = {"output", "accum", "n"};
    private static final String[] FIELDS = {"dict-1", "dict-2", "x"};
    private static final String[] CHARS = {"a", "b", "."};

    private static double number(Random r) {
        int k = r.nextInt(6);
        if (k == 0) return r.nextInt(5) - 2;   // small integers: zeros, and differences that cancel
        if (k == 1) return 1e-170 * r.nextGaussian();   // squares underflow, gradients don't
        return r.nextGaussian() * 3;
    }

    /** A random field value: a number, character keys, sometimes a deeper tree (which the loss does not read). */
    private static void field(VBuilder b, Random r) {
        if (r.nextInt(4) > 0) b.addScalar(number(r));
        for (String c : CHARS) if (r.nextInt(3) == 0) b.child("char").child(c).addScalar(number(r));
        if (r.nextInt(8) == 0) b.child("deep").child("er").child("still").addScalar(number(r));
    }

    /** A random observation {neuron {field value}}: fields and neurons missing at random, sometimes a number at the top or at a neuron. */
    private static VValue observation(Random r) {
        VBuilder b = new VBuilder();
        if (r.nextInt(10) == 0) b.addScalar(number(r));
        for (String n : NEURONS) {
            if (r.nextInt(3) == 0) continue;
            if (r.nextInt(10) == 0) b.child(n).addScalar(number(r));
            for (String f : FIELDS) if (r.nextInt(3) > 0) field(b.child(n).child(f), r);
        }
        return b.build();
    }

    /** b made from a: sometimes equal, sometimes equal in some fields, so that differences vanish in places. */
    private static VValue target(VValue a, Random r) {
        int k = r.nextInt(5);
        if (k == 0) return a;
        VValue b = observation(r);
        if (k == 1) {
            for (String n : NEURONS)
                for (String f : FIELDS) if (r.nextBoolean()) b = b.assocIn(List.of(n, f), a.getIn(n, f));
        }
        return b;
    }

    /** Paired observations packed into one V-value {"a0" .. "b0" ..} (the variable of a gradient). */
    private static VValue packed(Random r, int n) {
        VBuilder x = new VBuilder();
        for (int i = 0; i < n; i++) {
            VValue a = observation(r);
            x.child("a" + i).add(a);
            x.child("b" + i).add(target(a, r));
        }
        return x.build();
    }

    /** How the sequences are made from the packed variable: which items are tracked, which are shared. */
    private record Shape(int n, boolean[] trackA, boolean[] trackB, int[] sameAsA, double weight, boolean otherUse) {
        static Shape random(Random r, int n) {
            boolean[] ta = new boolean[n], tb = new boolean[n];
            int[] same = new int[n];
            int mode = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                ta[i] = mode == 0 || (mode != 1 && r.nextBoolean());
                tb[i] = mode != 0 && r.nextInt(3) == 0;
                same[i] = r.nextInt(6) == 0 ? r.nextInt(n) : -1;   // an item used again as a later a (or as a b)
            }
            double w = r.nextInt(3) == 0 ? 1 : r.nextInt(8) == 0 ? 0 : r.nextGaussian();
            return new Shape(n, ta, tb, same, w, r.nextBoolean());
        }

        @Override
        public String toString() {
            return "tracked a " + Arrays.toString(trackA) + ", tracked b " + Arrays.toString(trackB)
                    + ", reused " + Arrays.toString(sameAsA) + ", weight " + weight + ", other use " + otherUse;
        }

        List<Object>[] sequences(Object x) {
            List<Object> as = new ArrayList<>(), bs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                as.add(trackA[i] ? Ops.get(x, "a" + i) : Ops.primal(x).get("a" + i));
                bs.add(trackB[i] ? Ops.get(x, "b" + i) : Ops.primal(x).get("b" + i));
            }
            for (int i = 0; i < n; i++)
                if (sameAsA[i] >= 0) {
                    if (i % 2 == 0) as.set(i, as.get(sameAsA[i]));
                    else bs.set(i, as.get(sameAsA[i]));
                }
            @SuppressWarnings("unchecked")
            List<Object>[] out = new List[] {List.copyOf(as), List.copyOf(bs)};
            return out;
        }

        /** weight · loss (+ Σ (a0)² when otherUse: the first a has another consumer, so cotangents are summed). */
        Object around(Object loss, List<Object> as) {
            Object y = Ops.scale(VValue.of(weight), loss);
            return otherUse ? Ops.add(y, Ops.sumLeaves(Ops.square(as.get(0)))) : y;
        }
    }

    // ------------------------------------------------------------------ tests

    @Test
    void theLibraryDefinitionHasTheFastPath() {
        assertTrue(StandardFunctions.hasFastPath(definition()));
        assertFalse(StandardFunctions.hasFastPath((Fn) interp.findVar("squared-error").get()));
    }

    @Test
    void valuesEqualTheInterpretedDefinitionBitForBit() {
        Random r = new Random(11);
        for (int trial = 0; trial < 400; trial++) {
            int n = r.nextInt(6);
            VValue x = packed(r, n);
            List<Object>[] s = Shape.random(r, Math.max(n, 1)).sequences(x);
            if (n == 0) s = new List[] {List.of(), List.of()};
            Object fast = fast(s[0], s[1]), general = general(s[0], s[1]);
            assertEquals(Ops.primal(general), fast, "on " + x);
            assertEquals(Double.doubleToRawLongBits(Ops.primal(general).scalarPart()), Double.doubleToRawLongBits(Ops.primal(fast).scalarPart()));
        }
    }

    /** The gradient at {@code x} of the loss through the fast path or the interpreted definition; the loss value goes to {@code results[0]} (fast) or {@code [1]}. */
    private Grad.Result gradThrough(boolean viaFast, Shape shape, VValue x, Object[] results) {
        return Grad.valueAndGrad(a -> {
            List<Object>[] s = shape.sequences(a[0]);
            Object loss = viaFast ? fast(s[0], s[1]) : general(s[0], s[1]);
            results[viaFast ? 0 : 1] = loss;
            return shape.around(loss, s[0]);
        }, x);
    }

    @Test
    void gradientsEqualTheInterpretedDefinitionBitForBit() {
        Random r = new Random(12);
        int tracked = 0;
        for (int trial = 0; trial < 600; trial++) {
            int n = 1 + r.nextInt(6);
            VValue x = packed(r, n);
            Shape shape = Shape.random(r, n);
            String what = "trial " + trial + " on " + x + " with " + shape;
            Object[] results = new Object[2];
            Grad.Result gFast = gradThrough(true, shape, x, results);
            Grad.Result gGeneral = gradThrough(false, shape, x, results);
            assertEquals(results[1] instanceof Tracked, results[0] instanceof Tracked, "tracked or not, " + what);
            if (results[0] instanceof Tracked) tracked++;
            assertEquals(gGeneral.value(), gFast.value(), what);
            assertEquals(gGeneral.gradients(), gFast.gradients(), what);
        }
        assertTrue(tracked > 300, "most trials differentiate through the fast path: " + tracked);
    }

    @Test
    void theGradientOfAWholeImitationLossIsTheInterpretedOne() {
        interp.eval("t", """
            (def small (feedforward "abcab" {:layers 2 :copies 1 :init 0.1 :seed 2}))
            (def small-loss (imitation-loss (duplicate-detector "abcab") 30 [:output]))
            (defn small-loss-of [w] (small-loss (with-matrix small w)))""");
        Closure c = definition();
        AtomicInteger calls = new AtomicInteger();
        Closure.Intrinsic fastPath = c.intrinsic();
        c.setIntrinsic(args -> {
            Object r = fastPath.apply(args);
            if (r != Closure.Intrinsic.DECLINE) calls.incrementAndGet();
            return r;
        });
        Object fast;
        try {
            fast = interp.eval("t", "(value-and-grad small-loss-of (matrix small))");
        } finally {
            c.setIntrinsic(fastPath);
        }
        assertEquals(1, calls.get(), "the loss went through the fast path");
        Object general = interpreted(c, () -> interp.eval("t", "(value-and-grad small-loss-of (matrix small))"));
        assertEquals(general, fast);
        List<?> g = (List<?>) fast;
        assertTrue(((VValue) g.get(0)).scalarPart() > 0);
        assertTrue(((VValue) g.get(1)).leafCount() > 10, "a gradient on many weights");
    }

    @Test
    void theFastPathAgreesWithFiniteDifferences() {
        Random r = new Random(5);
        for (int trial = 0; trial < 30; trial++) {
            int n = 1 + r.nextInt(4);
            VBuilder x = new VBuilder();   // non-integer leaves, every a differing from its b in every field
            for (int i = 0; i < n; i++)
                for (String ab : new String[] {"a", "b"})
                    for (String nn : new String[] {"output", "n"})
                        for (String f : FIELDS) {
                            x.child(ab + i).child(nn).child(f).addScalar((ab.equals("a") ? 1 : -1) * (0.1 + r.nextDouble()));
                            x.child(ab + i).child(nn).child(f).child("char").child("a").addScalar(r.nextGaussian());
                        }
            Shape shape = new Shape(n, all(n), all(n), none(n), 0.7, trial % 2 == 0);
            Grad.Check c = Grad.check(a -> {
                List<Object>[] s = shape.sequences(a[0]);
                return shape.around(fast(s[0], s[1]), s[0]);
            }, x.build(), 200, 1e-6, trial);
            assertTrue(c.maxRelativeError() < 1e-6, c.toString());
        }
    }

    private static boolean[] all(int n) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        return b;
    }

    private static int[] none(int n) {
        int[] s = new int[n];
        Arrays.fill(s, -1);
        return s;
    }

    @Test
    void argumentsItDoesNotTakeRunTheInterpretedBody() {
        Closure.Intrinsic i = definition().intrinsic();
        VValue a = VValue.of("n", VValue.of("f", 1.5));
        assertSame(Closure.Intrinsic.DECLINE, i.apply(new Object[] {List.of(a, a), List.of(a)}), "unequal lengths");
        assertSame(Closure.Intrinsic.DECLINE, i.apply(new Object[] {List.of(a), List.of("x")}), "not a V-value");
        assertSame(Closure.Intrinsic.DECLINE, i.apply(new Object[] {a, a}), "not sequences");
        assertSame(Closure.Intrinsic.DECLINE, i.apply(new Object[] {List.of(a)}), "one argument");
        VValue inf = VValue.of("n", VValue.of("f", Double.POSITIVE_INFINITY));
        assertSame(Closure.Intrinsic.DECLINE, i.apply(new Object[] {List.of(inf), List.of(inf)}), "∞ − ∞");
        // and the language gives the interpreter's answers and errors
        assertEquals(VValue.of(2.25), interp.eval("t", "(number-squared-error [{:n {:f 1.5}} {:n {:f 2}}] [{}])"), "map stops at the shorter");
        var e = assertThrows(RuntimeException.class, () -> interp.eval("t", "(number-squared-error [{:n {:f 1}}] [\"x\"])"));
        assertTrue(e.getMessage().contains("- expects a V-value"), e.getMessage());
    }

    @Test
    void aRedefinitionTakesOverAtOnce() {
        interp.eval("t", """
            (def small (feedforward "abcab" {:layers 2 :copies 1 :init 0.1 :seed 2}))
            (def small-loss (imitation-loss (duplicate-detector "abcab") 30 [:output]))""");
        Closure library = definition();
        double before = ((VValue) interp.eval("t", "(small-loss small)")).scalarPart();
        assertTrue(before > 0);
        interp.eval("t", "(defn number-squared-error [as bs] 42)");
        assertFalse(StandardFunctions.hasFastPath((Fn) interp.findVar("number-squared-error").get()));
        assertTrue(StandardFunctions.hasFastPath(library), "the library's definition keeps it");
        assertEquals(VValue.of(42), interp.eval("t", "(small-loss small)"), "the loss made before the redefinition calls the new one");
        interp.findVar("number-squared-error").restorePrevious();
        assertEquals(before, ((VValue) interp.eval("t", "(small-loss small)")).scalarPart());
    }

    @Test
    void aRedefinedHelperTurnsTheFastPathOff() {
        String call = "(number-squared-error [{:n {:f 3 :g 1}} {:m {:f 2}}] [{:n {:f 1}} {}])";
        assertEquals(VValue.of(9), interp.eval("t", call));
        Closure.Intrinsic i = definition().intrinsic();
        Object[] args = {List.of(VValue.of("n", VValue.of("f", 3.0))), List.of(VValue.ZERO)};
        assertNotSame(Closure.Intrinsic.DECLINE, i.apply(args));
        for (String helper : StandardFunctions.HELPERS) {
            Object builtin = interp.findVar(helper).get();
            interp.findVar(helper).set((Fn) new Fn() {
                @Override
                public Object invoke(Object[] a) {
                    return ((Fn) builtin).invoke(a);
                }

                @Override
                public String name() {
                    return helper;
                }
            });
            assertSame(Closure.Intrinsic.DECLINE, i.apply(args), helper + " redefined");
            interp.findVar(helper).set(builtin);
            assertNotSame(Closure.Intrinsic.DECLINE, i.apply(args), helper + " restored");
        }
        // the language sees the new helper: (square x) is now 1 per term, so the loss counts the terms
        interp.eval("t", "(defn square [x] 1)");
        assertEquals(VValue.of(3), interp.eval("t", call));
        assertSame(Closure.Intrinsic.DECLINE, i.apply(args));
    }

    @Test
    void aHelperRedefinedBeforeTheLibraryLoadsCountsAsRedefined() {
        Interpreter i = TestInterpreters.quiet();
        i.eval("t", "(defn square [x] 1) (require train)");
        assertTrue(StandardFunctions.hasFastPath(definition(i)));
        assertEquals(VValue.of(3), i.eval("t", "(number-squared-error [{:n {:f 3 :g 1}} {:m {:f 2}}] [{:n {:f 1}} {}])"));
        assertSame(Closure.Intrinsic.DECLINE, definition(i).intrinsic().apply(new Object[] {List.of(VValue.ONE), List.of(VValue.ONE)}));
    }

    @Test
    void aLibraryFromTheLibraryPathGetsNoFastPath(@TempDir Path dir) throws Exception {
        String text;
        try (var in = StandardFunctionsTest.class.getResourceAsStream("/lib-dmm/train.dmm")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve("train.dmm"), text + "\n;; a local copy\n");
        Interpreter i = TestInterpreters.quiet();
        i.libraryPath().add(0, dir);
        i.eval("t", "(require train)");
        assertFalse(StandardFunctions.hasFastPath(definition(i)));
    }

    @Test
    void anExactCopyOfTheBuiltinLibraryOnTheLibraryPathIsTheBuiltinLibrary(@TempDir Path dir) throws Exception {
        try (var in = StandardFunctionsTest.class.getResourceAsStream("/lib-dmm/train.dmm")) {
            Files.write(dir.resolve("train.dmm"), in.readAllBytes());
        }
        Interpreter i = TestInterpreters.quiet();
        i.libraryPath().add(0, dir);
        i.eval("t", "(require train)");
        assertTrue(StandardFunctions.hasFastPath(definition(i)));
    }
}
