package dmm.ad;

import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Gradients of scalar-valued functions of V-values.
 *
 * <p>The gradient with respect to an argument {@code x} is defined on the leaves of {@code x}:
 * it is a V-value whose leaf paths are a subset of x's (leaves of x with zero gradient are
 * absent, as zeros always are in canonical form). To pair it with x, iterate x's leaves and
 * read the gradient at the same path, a missing leaf meaning 0. An argument that is a number
 * — 0 included, although 0 is also the empty map — has a number as its gradient.
 */
public final class Grad {
    private Grad() {}

    /** A function value and the gradients with respect to each argument. */
    public record Result(VValue value, List<VValue> gradients) {}

    /**
     * Runs {@code f} on the arguments recorded on a fresh tape and returns its value and the
     * gradient with respect to each argument. {@code f} must return a bare number.
     */
    public static Result valueAndGrad(Function<Object[], Object> f, VValue... args) {
        Tape tape = Tape.begin();
        try {
            Tracked[] xs = new Tracked[args.length];
            for (int i = 0; i < args.length; i++) xs[i] = tape.leaf(args[i]);
            Object y = f.apply(xs.clone());
            VValue value = Ops.primal(y);
            if (!value.isScalar())
                throw new AdException("grad needs a function that returns a number; it returned " + abbreviate(value));
            if (y instanceof Tracked ty && ty.tape == tape) tape.backward(ty, VValue.ONE);
            List<VValue> grads = new ArrayList<>(args.length);
            for (int i = 0; i < args.length; i++) grads.add(onLeavesOf(xs[i].cotangentValue(), args[i]));
            return new Result(value, Collections.unmodifiableList(grads));
        } finally {
            tape.end();
        }
    }

    /** The gradient on x's leaves; for a number — 0 included — the gradient is a number. */
    private static VValue onLeavesOf(VValue cotangent, VValue x) {
        return x.isScalar() ? VValue.of(cotangent.scalarPart()) : cotangent.restrictTo(x);
    }

    /** The gradient of {@code f} at {@code x}. */
    public static VValue grad(Function<Object[], Object> f, VValue x) {
        return valueAndGrad(f, x).gradients().get(0);
    }

    private static String abbreviate(VValue v) {
        String s = v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** The outcome of a finite-difference check. */
    public record Check(double maxRelativeError, List<String> worstPath, double analytic, double numeric, int leavesChecked) {
        @Override
        public String toString() {
            return String.format("check-grad: %d leaves, worst relative error %.3g at %s (analytic %.10g, numeric %.10g)",
                    leavesChecked, maxRelativeError, worstPath.isEmpty() ? ":number" : String.join(".", worstPath),
                    analytic, numeric);
        }
    }

    /**
     * Compares the gradient of {@code f} at {@code x} with central finite differences
     * {@code (f(x + h·e_p) − f(x − h·e_p)) / 2h} on every leaf p of x, or on a random sample of
     * {@code maxLeaves} leaves. The error at a leaf is {@code |a − n| / max(|a|, |n|, 1)}:
     * relative for gradients larger than 1, absolute below.
     */
    public static Check check(Function<Object[], Object> f, VValue x, int maxLeaves, double h, long seed) {
        VValue g = grad(f, x);
        List<List<String>> paths = x.isScalar() ? new ArrayList<>(List.of(List.of())) : Ops.leafPaths(x);
        if (paths.size() > maxLeaves) {
            Collections.shuffle(paths, new Random(seed));
            paths = paths.subList(0, maxLeaves);
        }
        double worst = 0, wa = 0, wn = 0;
        List<String> worstPath = List.of();
        for (List<String> p : paths) {
            double plus = Ops.primal(f.apply(new Object[] {VBuilder.of(x).addAt(p, h).build()})).scalarPart();
            double minus = Ops.primal(f.apply(new Object[] {VBuilder.of(x).addAt(p, -h).build()})).scalarPart();
            double numeric = (plus - minus) / (2 * h);
            double analytic = leafAt(g, p);
            double err = Math.abs(analytic - numeric) / Math.max(1, Math.max(Math.abs(analytic), Math.abs(numeric)));
            if (err >= worst) {
                worst = err;
                worstPath = p;
                wa = analytic;
                wn = numeric;
            }
        }
        return new Check(worst, worstPath, wa, wn, paths.size());
    }

    /** The coefficient at a leaf path (the scalar of the node at that path). */
    static double leafAt(VValue v, List<String> path) {
        return v.getIn(path).scalarPart();
    }
}
