package dmm.ad;

import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.List;

/**
 * The cotangent of one value, accumulated contribution by contribution during a backward pass:
 * the first contribution is kept as it is (with its weight), and a builder is made only when a
 * second one arrives. A tape's values ({@link Tracked}) and a compiled program's slots
 * accumulate with this one rule, so the two give the same sums in the same order, bit for bit.
 */
public class Cotangent {
    /** The cotangent while only one contribution has arrived (the common case: no builder needed). */
    private VValue single;
    private double singleWeight;
    private VBuilder builder;

    /** An empty cotangent (zero). */
    public Cotangent() {}

    /** Adds {@code w · g}; a zero contribution is dropped. */
    public final void accumulate(double w, VValue g) {
        if (g.isZero() || w == 0) return;
        if (builder == null) {
            if (single == null) {
                single = g;
                singleWeight = w;
                return;
            }
            toBuilder();
        }
        builder.addScaled(w, g);
    }

    private void toBuilder() {
        builder = new VBuilder();
        if (single != null) builder.addScaled(singleWeight, single);
        single = null;
    }

    /** Adds {@code w·g} at {@code path} (no intermediate tree is built). */
    final void accumulateAt(List<String> path, double w, VValue g) {
        if (g.isZero() || w == 0) return;
        if (builder == null && single == null) {
            // the first contribution: keep it as a value placed at the path, no builder
            VValue placed = g;
            for (int i = path.size() - 1; i >= 0; i--) placed = VValue.of(path.get(i), placed);
            single = placed;
            singleWeight = w;
            return;
        }
        if (builder == null) toBuilder();
        VBuilder b = builder;
        for (String k : path) {
            if (k.equals(VValue.NUMBER)) {
                b.addScalar(w * g.scalarPart());
                return;
            }
            b = b.child(k);
        }
        b.addScaled(w, g);
    }

    /** True when some contribution has arrived. */
    public final boolean hasCotangent() {
        return single != null || (builder != null && !builder.isEmpty());
    }

    /** The sum of the contributions so far (zero when none). */
    public final VValue cotangentValue() {
        if (single != null) return single.scale(singleWeight);
        return builder == null ? VValue.ZERO : builder.build();
    }
}
