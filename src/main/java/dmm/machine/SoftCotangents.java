package dmm.machine;

import dmm.ad.Ops;
import dmm.ad.Tape;
import dmm.vvalue.LeafVector;

/**
 * Under grad, the cotangents of a plan's soft leaves, summed over all cycles of the recording
 * run at their contributions' visiting positions (a soft leaf has one), and the tape entry that
 * hands them to the soft matrix: recorded when the plan is made, before any cycle of the run,
 * so it runs after all of them in the backward pass.
 */
final class SoftCotangents {
    /** Per contribution in the visiting order: the cotangent of its soft leaf (hard links stay 0). */
    final double[] byVisit;

    private SoftCotangents(int contributions) {
        this.byVisit = new double[contributions];
    }

    /** The soft cotangents of {@code plan}, with their entry recorded, when its soft matrix is being recorded; else null. */
    static SoftCotangents recordFor(Plan plan) {
        Object w = plan.soft;
        Tape tape = Ops.recordingTape(w);
        if (tape == null) return null;
        SoftCotangents sc = new SoftCotangents(plan.links.visit.src.length);
        tape.record(() -> sc.handTo(tape, w, plan.links));
        return sc;
    }

    private void handTo(Tape tape, Object w, RowLinks links) {
        int[] leaf = links.visit.softIndex;
        double[] d = new double[links.softPaths.size()];
        boolean any = false;
        for (int c = 0; c < byVisit.length; c++) {
            if (leaf[c] < 0) continue;
            d[leaf[c]] = byVisit[c];
            any |= byVisit[c] != 0;
        }
        if (!any) return;
        // the soft leaves are softPaths in forEachLeaf order: the matrix's own tree with the
        // cotangents for leaves (zeros dropped), made only if read as a tree
        Ops.accumulate(tape, w, 1, LeafVector.tree(Ops.primal(w), d));
    }
}
