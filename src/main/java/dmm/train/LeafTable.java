package dmm.train;

import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The leaves of a parameter tree as parallel arrays (paths in sorted order, values), so that
 * optimizers can combine parameters, gradients and state leaf by leaf and build trees keyed
 * exactly like the parameters again.
 */
final class LeafTable {
    final List<List<String>> paths = new ArrayList<>();
    final double[] values;

    /** The parameter tree the table was made from. */
    private final VValue source;

    LeafTable(VValue params) {
        source = params;
        List<Double> vals = new ArrayList<>();
        params.forEachLeaf((p, x) -> {
            paths.add(List.copyOf(p));
            vals.add(x);
        });
        values = new double[vals.size()];
        for (int i = 0; i < values.length; i++) values[i] = vals.get(i);
    }

    int size() {
        return values.length;
    }

    /** The leaves of {@code t} at this table's paths (0 where t has none). */
    double[] read(VValue t) {
        double[] out = new double[paths.size()];
        if (readAligned(t, out)) return out;
        for (int i = 0; i < out.length; i++) out[i] = t.getIn(paths.get(i)).scalarPart();
        return out;
    }

    /** When {@code t}'s leaves have exactly this table's paths (the usual case), reads them in one walk; false otherwise. */
    private boolean readAligned(VValue t, double[] out) {
        int[] k = {0};
        boolean[] same = {true};
        t.forEachLeaf((p, x) -> {
            int i = k[0]++;
            if (!same[0]) return;
            if (i >= out.length || !paths.get(i).equals(p)) same[0] = false;
            else out[i] = x;
        });
        return same[0] && k[0] == out.length;
    }

    /** The tree with {@code xs[i]} at path i (zeros dropped). */
    VValue build(double[] xs) {
        boolean finite = true;
        for (double x : xs) finite &= !Double.isNaN(x);
        if (finite) {
            // the parameters' tree with new leaves: mapLeaves visits the leaves in the order of forEachLeaf
            int[] i = {0};
            return source.mapLeaves(x -> xs[i[0]++]);
        }
        VBuilder b = new VBuilder();
        for (int i = 0; i < xs.length; i++) if (xs[i] != 0) b.addAt(paths.get(i), xs[i]);
        return b.build();
    }
}
