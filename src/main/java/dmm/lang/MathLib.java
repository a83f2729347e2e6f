package dmm.lang;

import dmm.ad.Grad;
import dmm.ad.Ops;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * V-value algebra and the AD surface. Every numeric built-in here is differentiable (it goes
 * through {@link Ops}, which records its pullback) unless its docstring says otherwise.
 */
final class MathLib extends Lib {
    private MathLib(Interpreter interp) {
        super(interp);
    }

    static void install(Interpreter interp) {
        MathLib lib = new MathLib(interp);
        lib.arithmetic();
        lib.leafwise();
        lib.structure();
        lib.autodiff();
    }

    private static Object v(Object x, String fn) {
        return Values.requireVValue(x, fn);
    }

    private void arithmetic() {
        fn("+", "[& vs]", "Sum of V-values (vector addition; numbers are the :number part). (+) is 0.", 0, -1, a -> {
            if (a.length == 0) return VValue.ZERO;
            for (Object x : a) v(x, "+");
            if (a.length == 1) return a[0];
            if (a.length == 2) return Ops.add(a[0], a[1]);
            return Ops.sum(a);
        });
        fn("-", "[v & vs]", "Negation of one V-value, or the first minus the rest.", 1, -1, a -> {
            for (Object x : a) v(x, "-");
            if (a.length == 1) return Ops.negate(a[0]);
            Object r = a[0];
            for (int i = 1; i < a.length; i++) r = Ops.subtract(r, a[i]);
            return r;
        });
        fn("*", "[& vs]", "Product: scaling when one side is a bare number, else the pointwise (Hadamard) product of the leaves present in both. (*) is 1.", 0, -1, a -> {
            if (a.length == 0) return VValue.ONE;
            Object r = v(a[0], "*");
            for (int i = 1; i < a.length; i++) r = Ops.multiply(r, v(a[i], "*"));
            return r;
        });
        fn("/", "[v & divisors]", "Divides a V-value by numbers; (/ x) is 1/x for a number. Division by zero is an error.", 1, -1, a -> {
            if (a.length == 1) return Ops.divide(VValue.ONE, v(a[0], "/"));
            Object r = v(a[0], "/");
            for (int i = 1; i < a.length; i++) r = Ops.divide(r, v(a[i], "/"));
            return r;
        });
        fn("scale", "[s v]", "s · v for a number s.", 2, 2, a -> Ops.scale(v(a[0], "scale"), v(a[1], "scale")));
        fn("dot", "[a b]", "Dot product: Σ over common leaf paths of a_p · b_p (a number).", 2, 2, a -> Ops.dot(v(a[0], "dot"), v(a[1], "dot")));
        fn("max-norm", "[v]", "The largest absolute leaf (0 for the empty map); the gradient is split among tied maxima.", 1, 1, a -> Ops.maxNorm(v(a[0], "max-norm")));
        fn("sum", "[v]", "Σ of all leaves (a number).", 1, 1, a -> Ops.sumLeaves(v(a[0], "sum")));
        fn("l1", "[v]", "Σ |leaf| (a number).", 1, 1, a -> Ops.sumLeaves(Ops.abs(v(a[0], "l1"))));
        fn("num", "[v]", "The :number part of a V-value (its scalar), as a number.", 1, 1, a -> Ops.scalarPart(v(a[0], "num")));
        fn("max", "[x & ys]", "The largest of numbers (ties split the gradient).", 1, -1, a -> {
            Object r = v(a[0], "max");
            for (int i = 1; i < a.length; i++) r = Ops.max(r, v(a[i], "max"));
            return r;
        });
        fn("min", "[x & ys]", "The smallest of numbers (ties split the gradient).", 1, -1, a -> {
            Object r = v(a[0], "min");
            for (int i = 1; i < a.length; i++) r = Ops.min(r, v(a[i], "min"));
            return r;
        });
        fn("lincomb", "[row y]", "Generalized linear combination: Σ over row's leaves p of row_p · (subtree of y at p).", 2, 2,
                a -> Ops.lincomb(v(a[0], "lincomb"), v(a[1], "lincomb")));
        fn("leaf-count", "[v]", "Number of non-zero leaves (not differentiable).", 1, 1, a -> VValue.of(Values.vvalue(a[0], "leaf-count").leafCount()));
        fn("approx=", "[a b tol]", "True when max |a − b| ≤ tol over all leaves.", 3, 3,
                a -> VValue.approxEquals(Values.vvalue(a[0], "approx="), Values.vvalue(a[1], "approx="), Values.toDouble(a[2], "approx=")));
    }

    private void leafwise() {
        fn("relu", "[v]", "max(0, x) on a number, or on each leaf of a map; relu'(0) = 0.", 1, 1, a -> Ops.relu(v(a[0], "relu")));
        fn("abs", "[v]", "|x| on a number, or on each leaf of a map; |x|'(0) = 0.", 1, 1, a -> Ops.abs(v(a[0], "abs")));
        fn("clamp", "[v lo hi]", "A number clamped to [lo, hi] ((clamp 0 1 2) is 1), or each present leaf of a map; no gradient passes outside the range.", 3, 3,
                a -> Ops.clamp(v(a[0], "clamp"), Values.toDouble(a[1], "clamp"), Values.toDouble(a[2], "clamp")));
        fn("tanh", "[v]", "tanh of a number ((tanh 0) is 0, with derivative 1), or of each leaf of a map.", 1, 1, a -> Ops.tanh(v(a[0], "tanh")));
        fn("sigmoid", "[v]", "The logistic function of a number ((sigmoid 0) is 0.5, with derivative 0.25), or of each present leaf of a map: absent leaves stay absent.", 1, 1, a -> Ops.sigmoid(v(a[0], "sigmoid")));
        fn("exp", "[v]", "e^x of a number ((exp 0) is 1), or of each present leaf of a map: absent leaves stay absent.", 1, 1, a -> Ops.exp(v(a[0], "exp")));
        fn("log", "[v]", "Natural log of a positive number, or of each present leaf of a map; (log 0) and logs of negative numbers are errors.", 1, 1, a -> Ops.log(v(a[0], "log")));
        fn("sqrt", "[v]", "Square root of a non-negative number, or of each present leaf of a map; sqrt'(0) is +Infinity.", 1, 1, a -> Ops.sqrt(v(a[0], "sqrt")));
        fn("square", "[v]", "x² of a number, or of each leaf of a map.", 1, 1, a -> Ops.square(v(a[0], "square")));
        fn("pow", "[v p]", "x^p of a number ((pow 0 0) is 1), or of each present leaf of a map, for a constant number p; 0 to a negative power is an error.", 2, 2, a -> Ops.pow(v(a[0], "pow"), Values.toDouble(a[1], "pow")));
        fn("map-leaves", "[f v]", "Applies f to each leaf (as a number); differentiable when f is. Absent leaves are not visited.", 2, 2, a -> {
            Fn f = Values.toFn(a[0], "map-leaves");
            Object x = v(a[1], "map-leaves");
            VValue px = Ops.primal(x);
            if (!Ops.isTracked(x))
                return px.mapLeaves(d -> Values.toDouble(interp.call(f, VValue.of(d)), "map-leaves result"));
            List<Object> parts = new ArrayList<>();
            for (List<String> p : Ops.leafPaths(px)) {
                Object leaf = Ops.scalarPart(Ops.getIn(x, p));
                Object y = interp.call(f, leaf);
                Values.toDouble(y, "map-leaves result");
                parts.add(Ops.assocIn(VValue.ZERO, p, y));
            }
            return parts.isEmpty() ? VValue.ZERO : Ops.sum(parts.toArray());
        });
        fn("filter-leaves", "[pred v]", "The leaves x of v for which (pred x) is truthy (not differentiable).", 2, 2, a -> {
            Fn f = Values.toFn(a[0], "filter-leaves");
            return Values.vvalue(a[1], "filter-leaves").filterLeaves((p, d) -> Node.truthy(interp.call(f, VValue.of(d))));
        });
        fn("zip-leaves", "[f a b]", "(f a_p b_p) over the union of leaf paths, missing leaves read as 0 (not differentiable).", 3, 3, a -> {
            Fn f = Values.toFn(a[0], "zip-leaves");
            return VValue.zip(Values.vvalue(a[1], "zip-leaves"), Values.vvalue(a[2], "zip-leaves"),
                    (x, y) -> Values.toDouble(interp.call(f, VValue.of(x), VValue.of(y)), "zip-leaves result"));
        });
    }

    private void structure() {
        fn("get", "[v key]", "The subtree of a V-value at key (zero when absent; :number is the scalar), or the item of a vector at an index.", 2, 2, a -> {
            if (a[0] instanceof List<?> l) {
                int i = Values.toInt(a[1], "get");
                return i >= 0 && i < l.size() ? l.get(i) : null;
            }
            return Ops.get(v(a[0], "get"), Values.toKey(a[1], null));
        });
        fn("get-or", "[v key default]", "The subtree at key when it is non-zero, else default (handy for option maps).", 3, 3, a -> {
            Object sub = Ops.get(v(a[0], "get-or"), Values.toKey(a[1], null)); // tracked: the gradient flows
            return Values.vvalue(sub, "get-or").isZero() ? a[2] : sub;
        });
        fn("get-in", "[v path]", "The subtree at a path of keys, e.g. (get-in m [:accum :dict]).", 2, 2,
                a -> Ops.getIn(v(a[0], "get-in"), Values.toPath(a[1], "get-in")));
        fn("assoc", "[v key x & kxs]", "v with the subtree at key replaced by x (removed when x is zero).", 3, -1, a -> {
            if ((a.length - 1) % 2 != 0) throw new EvalError("assoc expects key/value pairs after the V-value");
            Object r = v(a[0], "assoc");
            for (int i = 1; i < a.length; i += 2) r = Ops.assocIn(r, List.of(Values.toKey(a[i], null)), v(a[i + 1], "assoc"));
            return r;
        });
        fn("assoc-in", "[v path x]", "v with the subtree at path replaced by x.", 3, 3,
                a -> Ops.assocIn(v(a[0], "assoc-in"), Values.toPath(a[1], "assoc-in"), v(a[2], "assoc-in")));
        fn("dissoc", "[v & keys]", "v without the given top-level keys.", 1, -1, a -> {
            Object r = v(a[0], "dissoc");
            for (int i = 1; i < a.length; i++) r = Ops.assocIn(r, List.of(Values.toKey(a[i], null)), VValue.ZERO);
            return r;
        });
        fn("dissoc-in", "[v path]", "v without the subtree at path.", 2, 2,
                a -> Ops.assocIn(v(a[0], "dissoc-in"), Values.toPath(a[1], "dissoc-in"), VValue.ZERO));
        fn("keys", "[v]", "The top-level keys of a V-value as strings, sorted (:number excluded; not differentiable).", 1, 1,
                a -> List.copyOf(Values.vvalue(a[0], "keys").keys()));
        fn("contains?", "[v key]", "True when the V-value has a non-zero subtree at key.", 2, 2,
                a -> !Values.vvalue(a[0], "contains?").get(Values.toKey(a[1], null)).isZero());
        fn("leaves", "[v]", "The leaves as a vector of [path value] pairs, path a vector of key strings (not differentiable).", 1, 1, a -> {
            List<Object> out = new ArrayList<>();
            Values.vvalue(a[0], "leaves").forEachLeaf((p, x) -> out.add(List.of(List.copyOf(p), VValue.of(x))));
            return Collections.unmodifiableList(out);
        });
    }

    private Function<Object[], Object> asFunction(Fn f) {
        return args -> {
            Object r = interp.call(f, args);
            if (!Values.isVValue(r))
                throw new EvalError("the function given to grad must return a number, got " + Printer.describe(r));
            return r;
        };
    }

    private VValue[] primals(Object[] a, int from, String fn) {
        VValue[] xs = new VValue[a.length - from];
        for (int i = from; i < a.length; i++) xs[i - from] = Values.vvalue(a[i], fn);
        return xs;
    }

    private void autodiff() {
        fn("grad", "[f x & ys]", "The gradient of a number-valued f at x: a V-value on x's leaves (absent leaf = zero gradient). With several arguments, a vector of gradients, one per argument.", 2, -1, a -> {
            Fn f = Values.toFn(a[0], "grad");
            Grad.Result r = Grad.valueAndGrad(asFunction(f), primals(a, 1, "grad"));
            return r.gradients().size() == 1 ? r.gradients().get(0) : List.copyOf(r.gradients());
        });
        fn("value-and-grad", "[f x & ys]", "[value gradient] of a number-valued f at x (gradient a vector when several arguments).", 2, -1, a -> {
            Fn f = Values.toFn(a[0], "value-and-grad");
            Grad.Result r = Grad.valueAndGrad(asFunction(f), primals(a, 1, "value-and-grad"));
            Object g = r.gradients().size() == 1 ? r.gradients().get(0) : List.copyOf(r.gradients());
            return List.of(r.value(), g);
        });
        fn("stop-gradient", "[v]", "v itself, but no gradient flows back through it.", 1, 1, a -> Ops.stopGradient(v(a[0], "stop-gradient")));
        fn("check-grad", "[f x & options]", "Compares (grad f x) with central finite differences on x's leaves; prints a summary and returns the worst error |a−n|/max(|a|,|n|,1). Options: :leaves N (sample at most N leaves, default 200), :eps h (default 1e-6), :seed s, :quiet true.", 2, -1, a -> {
            Fn f = Values.toFn(a[0], "check-grad");
            Options o = Options.parse("check-grad", a, 2, List.of("leaves", "eps", "seed", "quiet"));
            Grad.Check c = Grad.check(asFunction(f), Values.vvalue(a[1], "check-grad"), (int) o.integer("leaves", 200),
                    o.number("eps", 1e-6), o.integer("seed", 1));
            if (!o.flag("quiet", false)) interp.out().println(c);
            return VValue.of(c.maxRelativeError());
        });
    }
}
