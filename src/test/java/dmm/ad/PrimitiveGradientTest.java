package dmm.ad;

import static org.junit.jupiter.api.Assertions.*;

import dmm.vvalue.RandomVValues;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Every differentiable primitive against central finite differences on random V-values of
 * varied shapes, depths and key overlaps. A V-valued primitive is reduced to a number by a dot
 * product with a fixed random V-value, which weighs every output leaf.
 */
class PrimitiveGradientTest {
    static final double TOL = 1e-6;
    static final int TRIALS = 60;

    /** Checks d/dx of dot(prim(x), r) for random x (from {@code gen}) and r. */
    static void checkUnary(String name, UnaryOperator<VValue> domain, Function<Object, Object> prim) {
        RandomVValues gen = new RandomVValues(name.hashCode());
        for (int t = 0; t < TRIALS; t++) {
            VValue x = domain.apply(gen.next(3));
            VValue r = gen.next(3).add(x.mapLeaves(v -> 0.7));
            Function<Object[], Object> f = a -> Ops.dot(prim.apply(a[0]), r);
            assertGradient(name, f, x);
        }
    }

    static void checkBinary(String name, UnaryOperator<VValue> domain, BiFunction<Object, Object, Object> prim) {
        RandomVValues gen = new RandomVValues(name.hashCode() + 1);
        for (int t = 0; t < TRIALS; t++) {
            VValue x = domain.apply(gen.next(3)), y = domain.apply(gen.next(3));
            VValue r = gen.next(3).add(x.mapLeaves(v -> 0.3)).add(y.mapLeaves(v -> -0.4));
            assertGradient(name + " (d/dx)", a -> Ops.dot(prim.apply(a[0], y), r), x);
            assertGradient(name + " (d/dy)", a -> Ops.dot(prim.apply(x, a[0]), r), y);
            // both at once: gradients of the same call
            Grad.Result both = Grad.valueAndGrad(a -> Ops.dot(prim.apply(a[0], a[1]), r), x, y);
            assertTrue(VValue.approxEquals(both.gradients().get(0), Grad.grad(a -> Ops.dot(prim.apply(a[0], y), r), x), 1e-12));
        }
    }

    static void assertGradient(String name, Function<Object[], Object> f, VValue x) {
        Grad.Check c = Grad.check(f, x, 1000, 1e-6, 7);
        assertTrue(c.maxRelativeError() <= TOL, () -> name + " at x = " + x + ": " + c);
        // shape law: the gradient lives on x's leaves (a number's gradient is a number, at 0 too)
        VValue g = Grad.grad(f, x);
        if (x.isScalar()) assertTrue(g.isScalar(), () -> name + ": the gradient at the number " + x + " is not a number: " + g);
        else assertEquals(g, g.restrictTo(x), () -> name + ": gradient has leaves outside x: " + g + " vs " + x);
    }

    static VValue anyValue(VValue v) {
        return v;
    }

    static VValue awayFromKinks(VValue v) {
        return v.isZero() ? VValue.of(0.5) : v.mapLeaves(x -> Math.abs(x) < 0.05 ? 0.5 : x);
    }

    static VValue positive(VValue v) {
        return v.isZero() ? VValue.of(0.5) : v.mapLeaves(x -> Math.abs(x) + 0.5);
    }

    @Test
    void add() {
        checkBinary("add", PrimitiveGradientTest::anyValue, Ops::add);
    }

    @Test
    void subtract() {
        checkBinary("subtract", PrimitiveGradientTest::anyValue, Ops::subtract);
    }

    @Test
    void negate() {
        checkUnary("negate", PrimitiveGradientTest::anyValue, Ops::negate);
    }

    @Test
    void variadicSum() {
        checkBinary("sum", PrimitiveGradientTest::anyValue, (a, b) -> Ops.sum(new Object[] {a, b, a}));
    }

    @Test
    void pointwiseMultiply() {
        checkBinary("multiply", PrimitiveGradientTest::anyValue, Ops::multiply);
    }

    @Test
    void scaleByTrackedScalar() {
        RandomVValues gen = new RandomVValues(5);
        for (int t = 0; t < TRIALS; t++) {
            VValue v = gen.next(3), r = gen.next(3).add(v.mapLeaves(x -> 1));
            VValue s = VValue.of(gen.leaf() + 0.1);
            assertGradient("scale (d/ds)", a -> Ops.dot(Ops.scale(a[0], v), r), s);
            assertGradient("scale (d/dv)", a -> Ops.dot(Ops.scale(s, a[0]), r), v);
            assertGradient("multiply by scalar", a -> Ops.dot(Ops.multiply(a[0], v), r), s);
        }
    }

    @Test
    void divideByScalar() {
        RandomVValues gen = new RandomVValues(6);
        for (int t = 0; t < TRIALS; t++) {
            VValue v = gen.next(3), r = gen.next(3).add(v.mapLeaves(x -> 1));
            VValue s = VValue.of(Math.abs(gen.leaf()) + 0.5);
            assertGradient("divide (d/ds)", a -> Ops.dot(Ops.divide(v, a[0]), r), s);
            assertGradient("divide (d/dv)", a -> Ops.dot(Ops.divide(a[0], s), r), v);
        }
    }

    @Test
    void dot() {
        checkBinary("dot", PrimitiveGradientTest::anyValue, Ops::dot);
    }

    @Test
    void lincombInRowAndData() {
        RandomVValues gen = new RandomVValues(8);
        for (int t = 0; t < TRIALS; t++) {
            VValue row = gen.next(2), y = gen.next(4);
            VValue r = gen.next(3).add(VValue.lincomb(row, y).mapLeaves(x -> 1));
            assertGradient("lincomb (d/drow)", a -> Ops.dot(Ops.lincomb(a[0], y), r), row);
            assertGradient("lincomb (d/dy)", a -> Ops.dot(Ops.lincomb(row, a[0]), r), y);
        }
    }

    @Test
    void reductions() {
        checkUnary("scalarPart", PrimitiveGradientTest::anyValue, Ops::scalarPart);
        checkUnary("sumLeaves", PrimitiveGradientTest::anyValue, Ops::sumLeaves);
        checkUnary("maxNorm", PrimitiveGradientTest::awayFromKinks, Ops::maxNorm);
    }

    @Test
    void maxAndMinOfScalars() {
        RandomVValues gen = new RandomVValues(9);
        for (int t = 0; t < TRIALS; t++) {
            VValue a = VValue.of(gen.leaf()), b = VValue.of(gen.leaf() + 0.01);
            assertGradient("max", x -> Ops.max(x[0], b), a);
            assertGradient("min", x -> Ops.min(a, x[0]), b);
        }
    }

    @Test
    void leafwiseMaps() {
        checkUnary("relu", PrimitiveGradientTest::awayFromKinks, Ops::relu);
        checkUnary("abs", PrimitiveGradientTest::awayFromKinks, Ops::abs);
        checkUnary("clamp", v -> v.mapLeaves(x -> Math.abs(Math.abs(x) - 1.5) < 0.05 ? 0.5 : x), x -> Ops.clamp(x, -1.5, 1.5));
        checkUnary("tanh", PrimitiveGradientTest::anyValue, Ops::tanh);
        checkUnary("sigmoid", PrimitiveGradientTest::anyValue, Ops::sigmoid);
        checkUnary("exp", PrimitiveGradientTest::anyValue, Ops::exp);
        checkUnary("log", PrimitiveGradientTest::positive, Ops::log);
        checkUnary("sqrt", PrimitiveGradientTest::positive, Ops::sqrt);
        checkUnary("square", PrimitiveGradientTest::anyValue, Ops::square);
        checkUnary("pow", PrimitiveGradientTest::positive, x -> Ops.pow(x, 2.5));
    }

    @Test
    void structure() {
        checkUnary("get", PrimitiveGradientTest::anyValue, x -> Ops.get(x, "a"));
        checkUnary("getIn", PrimitiveGradientTest::anyValue, x -> Ops.getIn(x, List.of("b", "x")));
        checkUnary("fields", PrimitiveGradientTest::anyValue, x -> Ops.sum(Ops.fields(x, new String[] {"a", "b", "number", "zz"})));
        checkUnary("getIn number", PrimitiveGradientTest::anyValue, x -> Ops.getIn(x, List.of("a", "number")));
        checkBinary("assocIn", PrimitiveGradientTest::anyValue, (v, x) -> Ops.assocIn(v, List.of("a", "c"), x));
        checkBinary("makeMap", PrimitiveGradientTest::anyValue, (a, b) -> Ops.makeMap(new String[] {"p", "q", "p", "number"}, new Object[] {a, b, b, Ops.scalarPart(a)}));
        // one and two keys take the map without a builder
        checkBinary("makeMap of two", PrimitiveGradientTest::anyValue, (a, b) -> Ops.makeMap(new String[] {"q", "p"}, new Object[] {a, b}));
        checkUnary("makeMap of one", PrimitiveGradientTest::anyValue, a -> Ops.makeMap(new String[] {"p"}, new Object[] {a}));
        checkBinary("makeTree", PrimitiveGradientTest::anyValue, (a, b) -> Ops.makeTree(List.of(List.of("p", "q"), List.of("p"), List.of("z")), new Object[] {a, b, a}));
    }

    /** makeMap's maps of one or two keys (made directly) are the builder's, whatever the keys. */
    @Test
    void smallMapsAreTheBuildersMaps() {
        RandomVValues gen = new RandomVValues(31);
        String[][] keySets = {{"p"}, {"number"}, {"q", "p"}, {"p", "q"}, {"p", "p"}, {"p", "number"}, {"number", "number"}};
        for (int k = 0; k < 300; k++) {
            String[] keys = keySets[k % keySets.length];
            Object[] vals = new Object[keys.length];
            for (int i = 0; i < vals.length; i++) vals[i] = k % 5 == 0 ? VValue.ZERO : gen.next(2);
            VBuilder b = new VBuilder();
            for (int i = 0; i < keys.length; i++) b.addScaled(keys[i], 1.0, (VValue) vals[i]);
            assertEquals(b.build(), Ops.makeMap(keys, vals), String.join(",", keys) + " case " + k);
        }
    }

    /** Found in review: a -0.0 scalar on a node with children (an underflow) reads +0.0 from the map, as from the builder, bit for bit. */
    @Test
    void aNegativeZeroScalarInASmallMapIsTheBuildersPlusZero() {
        VValue v = VValue.ofPairs("a", 1, "number", 1e-200).scale(-1e-200);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(v.scalarPart()), "the input keeps -0.0");
        for (String[] keys : new String[][] {{"p"}, {"p", "q"}}) {
            VValue[] vals = keys.length == 1 ? new VValue[] {v} : new VValue[] {v, VValue.of(2)};
            VBuilder b = new VBuilder();
            for (int i = 0; i < keys.length; i++) b.addScaled(keys[i], 1.0, vals[i]);
            VValue expected = b.build(), actual = (VValue) Ops.makeMap(keys, vals);
            assertEquals(expected, actual);
            assertEquals(Double.doubleToRawLongBits(expected.get("p").scalarPart()), Double.doubleToRawLongBits(actual.get("p").scalarPart()),
                    String.join(",", keys) + ": the scalar under p, bit for bit");
        }
    }

    @Test
    void subgradientsAtKinks() {
        assertEquals(VValue.ZERO, Grad.grad(a -> Ops.sumLeaves(Ops.relu(a[0])), VValue.ofPairs("a", 0.0, "b", -1)));
        assertEquals(VValue.ofPairs("a", 1), Grad.grad(a -> Ops.sumLeaves(Ops.relu(a[0])), VValue.ofPairs("a", 2, "b", -1)));
        // clamp passes nothing outside the range, everything inside (bounds included)
        assertEquals(VValue.ofPairs("in", 1, "edge", 1),
                Grad.grad(a -> Ops.sumLeaves(Ops.clamp(a[0], -4, 4)), VValue.ofPairs("in", 1, "edge", 4, "out", 5)));
        // max-norm splits the gradient equally among tied maxima, with their signs
        assertEquals(VValue.ofPairs("a", 0.5, "b", -0.5),
                Grad.grad(a -> Ops.maxNorm(a[0]), VValue.ofPairs("a", 3, "b", -3, "c", 1)));
        assertEquals(VValue.ofPairs("number", 0.5), Grad.grad(a -> Ops.max(a[0], VValue.of(2)), VValue.of(2)));
    }
}
