package dmm.vvalue;

import java.util.Arrays;

/**
 * An immutable table of keys for flat V-values held as dense arrays ({@link VValue#flat(FlatKeys,
 * double[])}): coordinate 0 is the scalar part, coordinate {@code i ≥ 1} the key {@link #name(int)}.
 * The tables of one family grow by appending ({@link #with}): a key keeps its coordinate in every
 * later table, so two values of one family combine coordinate by coordinate even when one of
 * them was made before the other's keys were known (coordinates beyond an array read as 0).
 * Immutable, so values and tables may be shared by any number of threads.
 */
public final class FlatKeys {
    private final Object family;
    private final String[] names;
    private final int[] sortedIds;
    private final String[] sortedNames;

    private FlatKeys(Object family, String[] names) {
        this.family = family;
        this.names = names;
        int n = names.length - 1;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i + 1;
        Arrays.sort(order, (a, b) -> names[a].compareTo(names[b]));
        sortedIds = new int[n];
        sortedNames = new String[n];
        for (int i = 0; i < n; i++) {
            sortedIds[i] = order[i];
            sortedNames[i] = names[order[i]];
        }
        for (int i = 1; i < n; i++)
            if (sortedNames[i].equals(sortedNames[i - 1])) throw new IllegalArgumentException("duplicate key " + sortedNames[i]);
    }

    /** The empty table of a new family (only the scalar coordinate). */
    public static FlatKeys newFamily() {
        return new FlatKeys(new Object(), new String[1]);
    }

    /** This table with {@code more} keys appended (none of them present, none {@code "number"}), in the same family. */
    public FlatKeys with(String... more) {
        if (more.length == 0) return this;
        String[] n = Arrays.copyOf(names, names.length + more.length);
        for (int i = 0; i < more.length; i++) {
            if (more[i].equals(VValue.NUMBER)) throw new IllegalArgumentException("`number` is the scalar coordinate, not a key");
            n[names.length + i] = more[i];
        }
        return new FlatKeys(family, n);
    }

    /** The number of coordinates (the keys plus the scalar). */
    public int size() {
        return names.length;
    }

    /** The key at coordinate {@code id ≥ 1}. */
    public String name(int id) {
        return names[id];
    }

    /** The coordinate of {@code key}, or -1 when the table does not have it. */
    public int id(String key) {
        int i = Arrays.binarySearch(sortedNames, key);
        return i >= 0 ? sortedIds[i] : -1;
    }

    /** The coordinates of the keys in key order (coordinate 0, the scalar, is not among them). Shared: do not modify. */
    public int[] sortedIds() {
        return sortedIds;
    }

    /** True when both tables are of one family (their common coordinates name the same keys). */
    public boolean sameFamily(FlatKeys other) {
        return other != null && other.family == family;
    }

    /** Of two tables of one family, the one with more keys. */
    static FlatKeys larger(FlatKeys a, FlatKeys b) {
        return a.names.length >= b.names.length ? a : b;
    }

    @Override
    public String toString() {
        return "FlatKeys" + Arrays.toString(sortedNames);
    }
}
