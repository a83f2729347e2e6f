package dmm.vvalue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/** A tree given by a shape and one value per leaf ({@link #withLeaves}), built on first read. */
final class LeavesNode extends VValue {
    final VValue shape;
    final double[] values;
    /** No value is 0: the tree has exactly the shape's leaf paths. */
    final boolean keepsAll;
    /** The tree and its arrays once built; racy but safe: both are immutable with final fields. */
    private VValue tree;
    private Sorted merged;

    LeavesNode(VValue shape, double[] values, boolean keepsAll) {
        super(shape.scalar != 0 ? values[0] : 0, null, null);
        this.shape = shape;
        this.values = values;
        this.keepsAll = keepsAll;
    }

    VValue tree() {
        VValue t = tree;
        if (t == null) tree = t = mapped(shape, values);
        return t;
    }

    double maxAbsOfValues() {
        double m = 0;
        for (double x : values) m = Math.max(m, Math.abs(x));
        return m;
    }

    @Override
    Sorted sorted() {
        Sorted m = merged;
        if (m == null) {
            VValue t = tree();
            merged = m = new Sorted(t.ks(), t.cs());
        }
        return m;
    }

    @Override
    int lazySize() {
        return tree().childCount();
    }

    @Override
    VValue lazyGet(String key) {
        return tree().get(key);
    }

    @Override
    VValue lazyWithScalar(double s) {
        return tree().withScalar(s);
    }

    @Override
    VValue lazyWith(String key, VValue child) {
        return tree().withChild(key, child);
    }

    @Override
    public int leafCount() {
        return keepsAll ? values.length : super.leafCount();
    }

    @Override
    public double maxAbs() {
        return maxAbsOfValues();
    }
}
