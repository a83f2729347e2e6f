package dmm.vvalue;

/**
 * A tree's leaves as one array: what a training step works on between its gradient and its new
 * weights (the optimizer, the regularizer and the next plan read arrays; no tree is built unless
 * something reads one — a checkpoint, a snapshot, the view, pruning).
 *
 * <p>The contract, stated once:
 * <ul>
 * <li>{@link #tree(VValue, double[])} is the tree {@code shape} with its leaves replaced by
 *     {@code values}, one per leaf in {@link VValue#forEachLeaf} order; a 0 drops its leaf. The
 *     result equals {@code shape.mapLeaves} with those values in every respect, built on first
 *     read. The array is kept: it must not change afterwards. A NaN among the values fails at once
 *     (as mapLeaves does).</li>
 * <li>{@link #valuesOver(VValue, VValue)} gives back such a tree's values as a new array when it
 *     was made over {@code shape} (or over the shape {@code shape} was itself made over, with no
 *     leaf dropped), and null otherwise — in particular when a value is -0.0, which reads as +0.0
 *     where its leaf is dropped: the caller then walks the tree ({@link VValue#forEachLeaf}), which
 *     is always correct, only slower.</li>
 * </ul>
 * Chains of steps share the first tree's shape, so a chain never keeps an earlier step alive.
 */
public final class LeafVector {
    private LeafVector() {}

    /** The tree {@code shape} with its leaves replaced by {@code values} (see the class's contract). */
    public static VValue tree(VValue shape, double[] values) {
        return VValue.withLeaves(shape, values);
    }

    /** The values of a tree made by {@link #tree} over {@code shape}, as a new array, or null (see the class's contract). */
    public static double[] valuesOver(VValue tree, VValue shape) {
        return tree.leavesOver(shape);
    }
}
