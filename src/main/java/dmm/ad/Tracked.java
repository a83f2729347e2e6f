package dmm.ad;

import dmm.vvalue.VValue;

/**
 * A V-value recorded on a tape: its primal value plus the cotangent accumulated for it during
 * the backward pass (a {@link Cotangent}). Outside the tape's lifetime it behaves as its primal value.
 */
public final class Tracked extends Cotangent {
    final VValue value;
    final Tape tape;
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

    /** The cotangent accumulated so far (zero when none); for custom tape entries' backward passes. */
    public VValue cotangent() {
        return cotangentValue();
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
