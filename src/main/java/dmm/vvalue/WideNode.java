package dmm.vvalue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * A node with many children being edited key by key: the sorted arrays of a base node plus
 * a persistent balanced tree of edits (a key and its new child, zero for a removal). Reading
 * one child looks in the edits, then in the base; an edit copies O(log n) tree nodes; when
 * the edits number a quarter of the base's children they are merged into new sorted arrays
 * (O(n), so O(1) per edit amortized, and the tree stays small). Everything else reads the
 * merged arrays, made once on first use ({@link #sorted()}), so a wide node behaves exactly
 * like a plain one.
 */
final class WideNode extends VValue {
    final String[] baseKeys;
    final VValue[] baseChildren;
    final EditTree edits;
    final int editCount;
    final int size;
    /** The merged arrays once made; racy but safe: a {@link Sorted} is immutable with final fields. */
    Sorted merged;

    WideNode(double scalar, String[] baseKeys, VValue[] baseChildren, EditTree edits, int editCount, int size) {
        super(scalar, null, null);
        this.baseKeys = baseKeys;
        this.baseChildren = baseChildren;
        this.edits = edits;
        this.editCount = editCount;
        this.size = size;
    }

    @Override
    int lazySize() {
        return size;
    }

    @Override
    VValue lazyGet(String key) {
        return lookup(key);
    }

    @Override
    VValue lazyWithScalar(double s) {
        return withNumber(s);
    }

    @Override
    VValue lazyWith(String key, VValue child) {
        return with(key, child);
    }

    VValue lookup(String key) {
        for (EditTree e = edits; e != null; ) {
            int c = key.compareTo(e.key);
            if (c == 0) return e.value;
            e = c < 0 ? e.left : e.right;
        }
        int i = Arrays.binarySearch(baseKeys, key);
        return i >= 0 ? baseChildren[i] : ZERO;
    }

    VValue with(String key, VValue child) {
        VValue old = lookup(key);
        if (old == child || (old.isZero() && child.isZero())) return this;
        int n = size + (old.isZero() ? 1 : 0) - (child.isZero() ? 1 : 0);
        if (editCount < Math.max(WIDE_MIN, baseKeys.length / 4) && n >= WIDE_MIN / 2)
            return new WideNode(scalar, baseKeys, baseChildren, EditTree.put(edits, key, child), editCount + 1, n);
        // edits a quarter of the base (or few children left): merge them, then edit the plain node
        Sorted m = sorted();
        return plainEdit(new VValue(scalar, m.keys, m.children), key, child);
    }

    VValue withNumber(double s) {
        WideNode w = new WideNode(s, baseKeys, baseChildren, edits, editCount, size);
        w.merged = merged;
        return w;
    }

    @Override
    Sorted sorted() {
        Sorted m = merged;
        if (m == null) {
            String[] k = new String[size];
            VValue[] c = new VValue[size];
            int[] at = {0, 0}; // next base index, next output index
            EditTree.inOrder(edits, (ek, ev) -> {
                while (at[0] < baseKeys.length && baseKeys[at[0]].compareTo(ek) < 0) {
                    k[at[1]] = baseKeys[at[0]];
                    c[at[1]++] = baseChildren[at[0]++];
                }
                if (at[0] < baseKeys.length && baseKeys[at[0]].equals(ek)) at[0]++;
                if (!ev.isZero()) {
                    k[at[1]] = ek;
                    c[at[1]++] = ev;
                }
            });
            while (at[0] < baseKeys.length) {
                k[at[1]] = baseKeys[at[0]];
                c[at[1]++] = baseChildren[at[0]++];
            }
            m = new Sorted(k, c);
            merged = m;
        }
        return m;
    }
}
