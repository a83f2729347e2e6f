package dmm.vvalue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/** A persistent AVL tree of edits keyed by child key; a zero value records a removal. */
final class EditTree {
    final String key;
    final VValue value;
    final EditTree left, right;
    final int height;

    private EditTree(String key, VValue value, EditTree left, EditTree right) {
        this.key = key;
        this.value = value;
        this.left = left;
        this.right = right;
        this.height = 1 + Math.max(height(left), height(right));
    }

    private static int height(EditTree e) {
        return e == null ? 0 : e.height;
    }

    static EditTree put(EditTree t, String key, VValue value) {
        if (t == null) return new EditTree(key, value, null, null);
        int c = key.compareTo(t.key);
        if (c == 0) return new EditTree(key, value, t.left, t.right);
        return c < 0 ? balance(t.key, t.value, put(t.left, key, value), t.right) : balance(t.key, t.value, t.left, put(t.right, key, value));
    }

    private static EditTree balance(String k, VValue v, EditTree l, EditTree r) {
        int d = height(l) - height(r);
        if (d > 1) {
            if (height(l.left) >= height(l.right)) return new EditTree(l.key, l.value, l.left, new EditTree(k, v, l.right, r));
            return new EditTree(l.right.key, l.right.value, new EditTree(l.key, l.value, l.left, l.right.left), new EditTree(k, v, l.right.right, r));
        }
        if (d < -1) {
            if (height(r.right) >= height(r.left)) return new EditTree(r.key, r.value, new EditTree(k, v, l, r.left), r.right);
            return new EditTree(r.left.key, r.left.value, new EditTree(k, v, l, r.left.left), new EditTree(r.key, r.value, r.left.right, r.right));
        }
        return new EditTree(k, v, l, r);
    }

    interface Visitor {
        void visit(String key, VValue value);
    }

    static void inOrder(EditTree t, Visitor v) {
        if (t == null) return;
        inOrder(t.left, v);
        v.visit(t.key, t.value);
        inOrder(t.right, v);
    }
}
