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

    LeafTable(VValue params) {
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
        for (int i = 0; i < out.length; i++) out[i] = t.getIn(paths.get(i)).scalarPart();
        return out;
    }

    /** The tree with {@code xs[i]} at path i (zeros dropped). */
    VValue build(double[] xs) {
        VBuilder b = new VBuilder();
        for (int i = 0; i < xs.length; i++) if (xs[i] != 0) b.addAt(paths.get(i), xs[i]);
        return b.build();
    }
}
