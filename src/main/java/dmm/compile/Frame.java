package dmm.compile;

import dmm.vvalue.VValue;

/**
 * One run of a {@link Program}: every slot's value. A slot the program knows to be a number
 * whatever the inputs, computed by an operation with a rule on numbers, holds a {@code double}
 * (no V-value is made for it unless something reads it as one); every other slot a V-value.
 * The numbers are those the V-value algebra would hold: a zero is +0, a NaN is an error.
 */
final class Frame {
    final VValue[] v;
    final double[] n;
    /** Per slot: held as a number in {@link #n}. */
    final boolean[] numeric;

    /** {@code numbers}: whether any slot is held as a number (else no number array is made). */
    Frame(int size, boolean[] numeric, boolean numbers) {
        this.v = new VValue[size];
        this.n = numbers ? new double[size] : null;
        this.numeric = numeric;
    }

    /** Slot {@code s} as a V-value (a number slot's made on first read). */
    VValue val(int s) {
        VValue x = v[s];
        return x != null ? x : (v[s] = VValue.of(n[s]));
    }

    /** The scalar part of slot {@code s}. */
    double num(int s) {
        return numeric[s] ? n[s] : v[s].scalarPart();
    }

    /** True when slot {@code s} is a number (no keys). */
    boolean isScalar(int s) {
        return numeric[s] || v[s].isScalar();
    }

    /** {@code x} as a V-value's number: +0 for either zero; a NaN fails, as {@code VValue.of} does. */
    static double number(double x) {
        if (x == 0) return 0;
        if (Double.isNaN(x)) throw new Op.Guard("NaN");
        return x;
    }
}
