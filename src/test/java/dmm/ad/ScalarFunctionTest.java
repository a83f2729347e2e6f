package dmm.ad;

import static org.junit.jupiter.api.Assertions.*;

import dmm.vvalue.VValue;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Scalar functions lifted to V-values: on a number — 0 included, although 0 is also the empty
 * map — they are the function itself, with the derivative at that number; on a map they act on
 * the leaves present. Every function is checked against central finite differences at 0 and at
 * other numbers, and on maps.
 */
class ScalarFunctionTest {
    static final double TOL = 1e-6;

    private static double value(Object v) {
        return Ops.primal(v).scalarPart();
    }

    private static double derivative(Function<Object, Object> f, double x) {
        return Grad.grad(a -> f.apply(a[0]), VValue.of(x)).scalarPart();
    }

    /** The analytic derivative at x agrees with central differences (f must be defined around x). */
    private static void assertFiniteDifference(String name, Function<Object, Object> f, double x) {
        Grad.Check c = Grad.check(a -> f.apply(a[0]), VValue.of(x), 10, 1e-6, 1);
        assertEquals(1, c.leavesChecked(), name + " at " + x + ": the number itself is checked");
        assertTrue(c.maxRelativeError() <= TOL, () -> name + " at " + x + ": " + c);
    }

    /** On a map: the gradient of Σ f(leaf)·r against finite differences, leaf by leaf. */
    private static void assertFiniteDifferenceOnMap(String name, Function<Object, Object> f, VValue x) {
        VValue r = x.mapLeaves(v -> 0.7);
        Grad.Check c = Grad.check(a -> Ops.dot(f.apply(a[0]), r), x, 100, 1e-6, 1);
        assertEquals(x.leafCount(), c.leavesChecked());
        assertTrue(c.maxRelativeError() <= TOL, () -> name + " at " + x + ": " + c);
    }

    private static final List<Double> EVERYWHERE = List.of(-2.5, -0.3, 0.0, 0.2, 1.0, 3.0);
    private static final List<Double> POSITIVE = List.of(0.05, 0.5, 1.0, 4.0);
    private static final VValue MAP = VValue.ofPairs("a", 0.5, "b", VValue.ofPairs("c", -1.2, "number", 2));
    private static final VValue POSITIVE_MAP = VValue.ofPairs("a", 0.5, "b", VValue.ofPairs("c", 1.2, "number", 2));

    @Test
    void expAtZeroIsOneWithDerivativeOne() {
        assertEquals(1.0, value(Ops.exp(VValue.ZERO)));
        assertEquals(1.0, derivative(Ops::exp, 0));
        for (double x : EVERYWHERE) assertFiniteDifference("exp", Ops::exp, x);
        assertFiniteDifferenceOnMap("exp", Ops::exp, MAP);
    }

    @Test
    void sigmoidAtZeroIsOneHalfWithDerivativeOneQuarter() {
        assertEquals(0.5, value(Ops.sigmoid(VValue.ZERO)));
        assertEquals(0.25, derivative(Ops::sigmoid, 0));
        for (double x : EVERYWHERE) assertFiniteDifference("sigmoid", Ops::sigmoid, x);
        assertFiniteDifferenceOnMap("sigmoid", Ops::sigmoid, MAP);
    }

    @Test
    void tanhAtZeroIsZeroWithDerivativeOne() {
        assertEquals(0.0, value(Ops.tanh(VValue.ZERO)));
        assertEquals(1.0, derivative(Ops::tanh, 0));
        for (double x : EVERYWHERE) assertFiniteDifference("tanh", Ops::tanh, x);
        assertFiniteDifferenceOnMap("tanh", Ops::tanh, MAP);
    }

    @Test
    void squareAndPowAtZero() {
        assertEquals(0.0, derivative(Ops::square, 0));
        for (double x : EVERYWHERE) assertFiniteDifference("square", Ops::square, x);
        assertFiniteDifferenceOnMap("square", Ops::square, MAP);
        assertEquals(1.0, value(Ops.pow(VValue.ZERO, 0)), "0^0 = 1");
        assertEquals(0.0, derivative(x -> Ops.pow(x, 0), 0), "the derivative of a constant");
        assertEquals(1.0, derivative(x -> Ops.pow(x, 1), 0));
        assertEquals(0.0, derivative(x -> Ops.pow(x, 3), 0));
        for (double p : List.of(0.0, 1.0, 2.0, 3.0))
            for (double x : EVERYWHERE) assertFiniteDifference("pow " + p, v -> Ops.pow(v, p), x);
        for (double x : POSITIVE) assertFiniteDifference("pow 0.5", v -> Ops.pow(v, 0.5), x);
        assertFiniteDifferenceOnMap("pow 3", v -> Ops.pow(v, 3), MAP);
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> Ops.pow(VValue.ZERO, -1));
        assertEquals("0 to the negative power -1", e.getMessage());
        e = assertThrows(ArithmeticException.class, () -> Ops.pow(VValue.of(-4), 0.5));
        assertEquals("a negative number (-4) to the fractional power 0.5", e.getMessage());
    }

    @Test
    void logOfZeroOrANegativeNumberIsAnError() {
        assertEquals("log of 0", assertThrows(ArithmeticException.class, () -> Ops.log(VValue.ZERO)).getMessage());
        assertEquals("log of a negative number: -2", assertThrows(ArithmeticException.class, () -> Ops.log(VValue.of(-2))).getMessage());
        assertEquals("log of a negative number: -1.2",
                assertThrows(ArithmeticException.class, () -> Ops.log(VValue.ofPairs("a", 1, "b", -1.2))).getMessage());
        assertEquals(0.0, value(Ops.log(VValue.ONE)));
        assertEquals(2.0, derivative(Ops::log, 0.5));
        for (double x : POSITIVE) assertFiniteDifference("log", Ops::log, x);
        assertFiniteDifferenceOnMap("log", Ops::log, POSITIVE_MAP);
    }

    @Test
    void sqrtAtZeroIsZeroWithAnInfiniteSlope() {
        assertEquals(0.0, value(Ops.sqrt(VValue.ZERO)));
        assertEquals(Double.POSITIVE_INFINITY, derivative(Ops::sqrt, 0));
        assertEquals("sqrt of a negative number: -1", assertThrows(ArithmeticException.class, () -> Ops.sqrt(VValue.of(-1))).getMessage());
        for (double x : POSITIVE) assertFiniteDifference("sqrt", Ops::sqrt, x);
        assertFiniteDifferenceOnMap("sqrt", Ops::sqrt, POSITIVE_MAP);
    }

    @Test
    void clampReluAndAbsAtZero() {
        assertEquals(1.0, value(Ops.clamp(VValue.ZERO, 1, 2)), "0 clamped into [1, 2] is 1");
        assertEquals(0.0, derivative(x -> Ops.clamp(x, 1, 2), 0), "outside the range no gradient passes");
        assertEquals(1.0, derivative(x -> Ops.clamp(x, -1, 1), 0));
        assertEquals(0.0, derivative(Ops::relu, 0), "relu'(0) = 0");
        assertEquals(0.0, derivative(Ops::abs, 0), "|x|'(0) = 0");
        for (double x : List.of(-2.5, -0.3, 0.0, 0.2)) assertFiniteDifference("clamp [-1, 1]", v -> Ops.clamp(v, -1, 1), x);
        for (double x : List.of(-2.5, -0.3, 0.2, 3.0)) {
            assertFiniteDifference("relu", Ops::relu, x);
            assertFiniteDifference("abs", Ops::abs, x);
        }
        assertFiniteDifferenceOnMap("relu", Ops::relu, MAP);
        assertFiniteDifferenceOnMap("abs", Ops::abs, MAP);
        assertFiniteDifferenceOnMap("clamp", v -> Ops.clamp(v, -1, 1), MAP);
    }

    @Test
    void onMapsOnlyThePresentLeavesAreMapped() {
        // sparse semantics: exp of {:a 0.5} has no :number 1 and no other keys
        VValue e = Ops.primal(Ops.exp(VValue.ofPairs("a", 0.5)));
        assertEquals(VValue.ofPairs("a", Math.exp(0.5)), e);
        assertEquals(VValue.ofPairs("a", 0.5, "b", 1 / (1 + Math.exp(-1))), Ops.primal(Ops.sigmoid(VValue.ofPairs("a", 0, "b", 1)))
                .add(VValue.ofPairs("a", 0.5)), "the absent leaf :a stays absent");
        // the gradient with respect to a map lives on its leaves
        VValue g = Grad.grad(a -> Ops.sumLeaves(Ops.exp(a[0])), VValue.ofPairs("a", 0.5, "b", 1));
        assertEquals(VValue.ofPairs("a", Math.exp(0.5), "b", Math.exp(1)), g);
    }

    @Test
    void sumAndLincombTreatTheNumberZeroAsALeaf() {
        assertEquals(1.0, derivative(Ops::sumLeaves, 0));
        for (double x : EVERYWHERE) assertFiniteDifference("sum", Ops::sumLeaves, x);
        VValue y = VValue.ofPairs("a", 2, "b", VValue.ofPairs("c", -1), "number", 3);
        VValue r = VValue.ofPairs("a", 0.5, "c", 4, "number", 1);
        // a number row scales all of y: d/drow dot(lincomb(row, y), r) = dot(y, r)
        assertEquals(VValue.dot(y, r), derivative(row -> Ops.dot(Ops.lincomb(row, y), r), 0));
        for (double x : EVERYWHERE) assertFiniteDifference("lincomb (row)", row -> Ops.dot(Ops.lincomb(row, y), r), x);
        for (double x : EVERYWHERE) assertFiniteDifference("lincomb (data)", d -> Ops.dot(Ops.lincomb(VValue.of(1.5), d), r), x);
    }

    @Test
    void theGradientWithRespectToANumberIsANumberAtZeroToo() {
        assertEquals(VValue.of(2), Grad.grad(a -> Ops.scale(VValue.of(2), a[0]), VValue.ZERO));
        Grad.Result r = Grad.valueAndGrad(a -> Ops.add(Ops.exp(a[0]), Ops.multiply(a[0], a[1])), VValue.ZERO, VValue.of(3));
        assertEquals(VValue.ONE, r.value());
        assertEquals(List.of(VValue.of(1 + 3), VValue.ZERO), r.gradients());
    }
}
