package dmm.machine;

import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;

/**
 * The rule of lincomb and its transpose on V-values, for rows whose sources or cotangent are
 * not flat (trees of any rank): row {@code r = Σ_j w_j · y[s_j]} summed in the order of its
 * contributions (the general down movement's order); for the row's cotangent {@code g},
 * {@code dy[s] += w · g} and, for a soft leaf, {@code dW += dot(g, y[s])} — {@link dmm.ad.Ops#lincombPullback}
 * for a row of one leaf per source. {@link FlatRows} is the same rule on dense coordinates.
 */
final class TreeRows {
    private TreeRows() {}

    /** One row from tree values, summed in the order of the contributions. */
    static VValue row(int[] src, double[] w, VValue[] ys) {
        double scalar = 0;
        VBuilder b = null;
        for (int j = 0; j < src.length; j++) {
            VValue y = ys[src[j]];
            if (b == null && y.isScalar()) scalar += w[j] * y.scalarPart();
            else {
                if (b == null) b = new VBuilder().addScalar(scalar);
                b.addScaled(w[j], y);
            }
        }
        if (b == null) return VValue.of(scalar);
        return b.build();
    }

    /**
     * The transpose of segment {@code sg} with cotangent {@code g}: {@code w·g} into the
     * cotangent builders {@code dys} of the sources that want one ({@code kind} not
     * {@link FlatRows#NOT_WANTED}); the dot products into {@code dSoft} unless null. Returns
     * {@code dys} (made on first use).
     */
    static VBuilder[] segment(VisitOrder v, int sg, VValue g, VValue[] ys, byte[] kind, double[] visitWeight, VBuilder[] dys, double[] dSoft) {
        for (int c = v.segStart[sg], e = v.segStart[sg + 1]; c < e; c++) {
            int s = v.src[c];
            if ((kind[s] & 3) != FlatRows.NOT_WANTED) {
                if (dys == null) dys = new VBuilder[ys.length];
                VBuilder d = dys[s];
                if (d == null) dys[s] = d = new VBuilder();
                d.addScaled(visitWeight[c], g);
            }
            if (dSoft != null) dSoft[c] += VValue.dot(g, ys[s]);
        }
        return dys;
    }
}
