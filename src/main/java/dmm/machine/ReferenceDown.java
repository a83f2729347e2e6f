package dmm.machine;

import dmm.ad.Ops;
import dmm.ad.Tape;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;

/**
 * The down movement as DMM-SEMANTICS §2 defines it, on trees: {@code X[f][n][i] =
 * lincomb(W[f][n][i] + H[f][n][i], Y)} for every row of both matrices, the rows summed in matrix
 * order, with the pullback of the {@code lincomb} primitive ({@link Ops#lincombPullback}) row by
 * row. The reference the compiled down movement ({@link Plan}) is checked against, in the tests
 * and on whole runs with {@code -Ddmm.general=true}; networks run the compiled one.
 */
final class ReferenceDown {
    private ReferenceDown() {}

    /** The inputs X (rank 3) from soft matrix {@code w}, the hard matrix and the outputs {@code y} (rank 3). */
    static Object down(Object w, VValue hard, Object y) {
        VValue wv = Ops.primal(w), yv = Ops.primal(y);
        VBuilder xb = new VBuilder();
        forwardRows(wv, yv, xb);
        forwardRows(hard, yv, xb);
        VValue x = xb.build();
        Tape t = Ops.recordingTape(w, y);
        if (t == null) return x;
        boolean wantY = Ops.isTracked(y), wantW = Ops.isTracked(w);
        return t.record(x, g -> {
            VBuilder dy = wantY ? new VBuilder() : null;
            VBuilder dw = wantW ? new VBuilder() : null;
            backwardRows(wv, yv, g, dy, dw);
            if (dy != null) backwardRows(hard, yv, g, dy, null);
            if (dy != null) Ops.accumulate(t, y, 1, dy.build());
            if (dw != null) Ops.accumulate(t, w, 1, dw.build());
        });
    }

    private static void forwardRows(VValue m, VValue y, VBuilder xb) {
        if (m.isZero() || y.isZero()) return;
        for (int a = 0; a < m.childCount(); a++) {
            VValue byName = m.childAt(a);
            VBuilder xa = xb.child(m.keyAt(a));
            for (int b = 0; b < byName.childCount(); b++) {
                VValue byField = byName.childAt(b);
                VBuilder xbn = xa.child(byName.keyAt(b));
                for (int c = 0; c < byField.childCount(); c++)
                    VValue.lincombInto(byField.childAt(c), y, xbn.child(byField.keyAt(c)));
            }
        }
    }

    private static void backwardRows(VValue m, VValue y, VValue g, VBuilder dy, VBuilder dw) {
        for (int a = 0; a < m.childCount(); a++) {
            VValue ga = g.get(m.keyAt(a));
            if (ga.isZero()) continue;
            VValue byName = m.childAt(a);
            for (int b = 0; b < byName.childCount(); b++) {
                VValue gb = ga.get(byName.keyAt(b));
                if (gb.isZero()) continue;
                VValue byField = byName.childAt(b);
                for (int c = 0; c < byField.childCount(); c++) {
                    VValue gr = gb.get(byField.keyAt(c));
                    if (gr.isZero()) continue;
                    VBuilder dwRow = dw == null ? null
                            : dw.child(m.keyAt(a)).child(byName.keyAt(b)).child(byField.keyAt(c));
                    Ops.lincombPullback(byField.childAt(c), y, gr, dy, dwRow);
                }
            }
        }
    }
}
