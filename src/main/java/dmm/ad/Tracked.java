package dmm.ad;

import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.List;

/**
 * A V-value recorded on a tape: its primal value plus the cotangent accumulated for it during
 * the backward pass. Outside the tape's lifetime it behaves as its primal value.
 */
public final class Tracked {
    final VValue value;
    final Tape tape;
    /** The cotangent while only one contribution has arrived (the common case: no builder needed). */
    private VValue single;
    private double singleWeight;
    VBuilder cotangent;
    /** The entry that made this value reads only the :number part of each field of its cotangent. */
    final boolean numbersOnly;

    Tracked(VValue value, Tape tape) {
        this(value, tape, false);
    }

    Tracked(VValue value, Tape tape, boolean numbersOnly) {
        this.value = value;
        this.tape = tape;
        this.numbersOnly = numbersOnly;
    }

    /**
     * True when the primitive that made this value reads only the {@code :number} part of each
     * top-level field of its cotangent ({@link Tape#recordNumbers}): a pullback sending this value
     * a cotangent may leave out everything else of a field, which nothing would read.
     */
    public boolean readsNumbersOnly() {
        return numbersOnly;
    }

    /** The primal value. */
    public VValue value() {
        return value;
    }

    /** Adds {@code w · g} to this value's cotangent. */
    void accumulate(double w, VValue g) {
        if (g.isZero() || w == 0) return;
        if (cotangent == null) {
            if (single == null) {
                single = g;
                singleWeight = w;
                return;
            }
            toBuilder();
        }
        cotangent.addScaled(w, g);
    }

    private void toBuilder() {
        cotangent = new VBuilder();
        if (single != null) cotangent.addScaled(singleWeight, single);
        single = null;
    }

    /** The cotangent accumulated so far (zero when none); for custom tape entries' backward passes. */
    public VValue cotangent() {
        return cotangentValue();
    }

    /** True when some cotangent has been accumulated. */
    public boolean hasCotangent() {
        return single != null || (cotangent != null && !cotangent.isEmpty());
    }

    /** Adds {@code w·g} to the cotangent at {@code path} (no intermediate tree is built). */
    void accumulateAt(List<String> path, double w, VValue g) {
        if (g.isZero() || w == 0) return;
        if (cotangent == null && single == null) {
            // the first contribution: keep it as a value placed at the path, no builder
            VValue placed = g;
            for (int i = path.size() - 1; i >= 0; i--) placed = VValue.of(path.get(i), placed);
            single = placed;
            singleWeight = w;
            return;
        }
        if (cotangent == null) toBuilder();
        VBuilder b = cotangent;
        for (String k : path) {
            if (k.equals(VValue.NUMBER)) {
                b.addScalar(w * g.scalarPart());
                return;
            }
            b = b.child(k);
        }
        b.addScaled(w, g);
    }

    /** The cotangent accumulated so far (zero when none). */
    VValue cotangentValue() {
        if (single != null) return single.scale(singleWeight);
        return cotangent == null ? VValue.ZERO : cotangent.build();
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
