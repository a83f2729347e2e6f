package dmm.machine;

import java.util.Arrays;
import java.util.function.Predicate;

/**
 * The few most recent values of something computed per pattern (the compiled rows keep what
 * they derive from a cycle's pattern of numbers and vectors, which repeats in almost every
 * cycle of a run): newest first, the oldest dropped past a capacity. Copied on write, so runs
 * on several threads may share one; each uses what it read.
 */
final class Recent<T> {
    private final int capacity;
    private volatile Object[] items = new Object[0];

    Recent(int capacity) {
        this.capacity = capacity;
    }

    /** The most recent value matching {@code p}, or null. */
    @SuppressWarnings("unchecked")
    T find(Predicate<T> p) {
        for (Object x : items) if (p.test((T) x)) return (T) x;
        return null;
    }

    /** Remembers {@code x} as the newest; returns it. */
    T add(T x) {
        Object[] known = items;
        Object[] r = Arrays.copyOf(known, Math.min(known.length + 1, capacity));
        System.arraycopy(known, 0, r, 1, r.length - 1);
        r[0] = x;
        items = r;
        return x;
    }
}
