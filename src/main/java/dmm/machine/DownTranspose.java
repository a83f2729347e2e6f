package dmm.machine;

import dmm.ad.Ops;
import dmm.ad.Tape;
import dmm.ad.Tracked;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.Arrays;

/**
 * The pullback of one cycle's compiled down movement: the transpose rule of lincomb, stated
 * once for the whole matrix — the contributions visited in the {@link VisitOrder} (the soft
 * matrix's rows in key order, then the hard matrix's), each row's cotangent {@code g} sending
 * {@code w · g} to its sources and {@code dot(g, y)} to its soft leaves — with the arithmetic
 * of one row done in the coordinates its cotangent comes in: {@link FlatRows.Transpose} on
 * dense arrays, {@link TreeRows#segment} on V-values. Every cotangent is summed in the general
 * down movement's order, so it equals that one bit for bit. (Within one row every source slot
 * occurs once, so the sums into the sources and the dot products into the soft leaves may be
 * done in separate runs over a row.)
 */
final class DownTranspose {
    private final Plan plan;
    private final RowLinks links;
    private final Tape tape;
    /** Per active neuron: its recorded input (null: not recorded). */
    private final Tracked[] ins;
    private final Object[] outs;
    private final VValue[] ys;
    private final FlatRows flat;
    private final boolean wantSoft;
    private final RecordedCycle cycle;

    DownTranspose(Plan plan, Tape tape, Tracked[] ins, Object[] outs, VValue[] ys, FlatRows flat, boolean wantSoft, RecordedCycle cycle) {
        this.plan = plan;
        this.links = plan.links;
        this.tape = tape;
        this.ins = ins;
        this.outs = outs;
        this.ys = ys;
        this.flat = flat;
        this.wantSoft = wantSoft;
        this.cycle = cycle;
    }

    /** Each row's cotangent: as a V-value ({@code gs}), or as dense coordinates on a flat cycle ({@code gds}). */
    private VValue[] gs;
    private double[][] gds;

    void run() {
        rowCotangents(cycle.kernelPullbacks(ins));
        if (gs == null) return;
        byte[] kind = sourceKinds();
        FlatRows.Transpose ft = flat == null ? null : flat.new Transpose(kind, plan.visitWeight);
        VisitOrder v = links.visit;
        double[] dSoft = plan.softCotangents == null ? null : plan.softCotangents.byVisit;
        VBuilder[] dys = null;
        for (int sg = 0; sg < v.segments(); sg++) {
            int r = v.segRow[sg];
            VValue gr = gs[r];
            double[] gd = gds[r];
            if (gr == null && gd == null) continue;
            double[] soft = wantSoft && v.segSoft[sg] ? dSoft : null;
            if (gd == null) dys = TreeRows.segment(v, sg, gr, ys, kind, plan.visitWeight, dys, soft);
            else ft.segment(sg, gd, soft);
        }
        deliver(slotCotangents(dys, ft));
    }

    /**
     * Each input field's cotangent — what reached the recorded input, plus what the cycle's kernels
     * wrote as coordinates ({@code kd}, per row) — into {@link #gs} / {@link #gds} (left null when none).
     */
    private void rowCotangents(double[][] kd) {
        KeySpace keys = links.keys;
        for (int i = 0; i < ins.length; i++) {
            boolean tracked = ins[i] != null && ins[i].hasCotangent();
            String[] fs = links.fields[i];
            if (!tracked && (kd == null || !links.anyRow(kd, i))) continue;
            VValue g = tracked ? ins[i].cotangent() : VValue.ZERO;
            for (int f = 0; f < fs.length; f++) {
                int r = links.rowBase[i] + f;
                VValue gr = tracked ? g.get(fs[f]) : VValue.ZERO;
                double[] k = kd == null ? null : kd[r];
                if (gr.isZero() && k == null) continue;
                if (gs == null) {
                    gs = new VValue[links.rowCount];
                    gds = new double[links.rowCount][];
                }
                if (k == null) {
                    gs[r] = gr;
                    if (flat != null && gr.isFlat()) gds[r] = gr.isScalar() ? new double[] {gr.scalarPart()} : keys.denseOf(gr);
                } else if (gr.isZero()) {
                    gds[r] = k;
                } else if (gr.isFlat()) {
                    // another contribution (a loss reading the inputs): the two terms' sum
                    gds[r] = sum(k, gr.isScalar() ? new double[] {gr.scalarPart()} : keys.denseOf(gr));
                } else {
                    gs[r] = gr.add(keys.value(k));
                }
            }
        }
    }

    /** {@code a + b} coordinate by coordinate (the longer's length). */
    private static double[] sum(double[] a, double[] b) {
        double[] r = Arrays.copyOf(a.length >= b.length ? a : b, Math.max(a.length, b.length));
        double[] o = a.length >= b.length ? b : a;
        for (int q = 0; q < o.length; q++) r[q] += o[q];
        return r;
    }

    /**
     * Per slot, what its source neuron's pullback reads: nothing (not tracked), only the
     * {@code :number} part of its fields' cotangents (a standard neuron with numbers for outputs:
     * the rest would be summed for nothing), or all of it; plus {@link FlatRows#VECTOR}.
     */
    private byte[] sourceKinds() {
        byte[] byNeuron = new byte[outs.length];
        for (int i = 0; i < outs.length; i++)
            byNeuron[i] = !Ops.isTracked(outs[i]) ? FlatRows.NOT_WANTED
                    : ((Tracked) outs[i]).readsNumbersOnly() ? FlatRows.NUMBERS : FlatRows.WANTED;
        int slots = links.slots();
        byte[] kind = new byte[slots];
        for (int s = 0; s < slots; s++) {
            kind[s] = byNeuron[links.slotNeuron[s]];
            if (flat != null && flat.yd[s] != null) kind[s] |= FlatRows.VECTOR;
        }
        return kind;
    }

    /** Per slot, its cotangent as a V-value (null: zero): the coordinates' value plus the trees'. */
    private VValue[] slotCotangents(VBuilder[] dys, FlatRows.Transpose ft) {
        int slots = links.slots();
        VValue[] dv = new VValue[slots];
        for (int s = 0; s < slots; s++) {
            VBuilder tb = dys == null ? null : dys[s];
            double[] coords = ft == null ? null : ft.dyd[s];
            double scalar = ft == null ? 0 : ft.dy0[s];
            if (tb == null && coords == null && scalar == 0) continue;
            VValue d = coords != null ? links.keys.value(coords) : VValue.of(scalar);
            if (tb != null) d = d.add(tb.build());
            if (!d.isZero()) dv[s] = d;
        }
        return dv;
    }

    /**
     * The slots' cotangents to their neurons' outputs: a neuron's one-field slots as one map
     * {field cotangent} (each field gets one term, as from one accumulateAt per slot, without a
     * builder); other slots at their paths.
     */
    private void deliver(VValue[] dv) {
        String[] ks = null;
        VValue[] vs = null;
        int[][] fieldSlots = links.fieldSlots;
        for (int i = 0; i < fieldSlots.length; i++) {
            int[] fsl = fieldSlots[i];
            int m = 0, last = -1;
            for (int s : fsl) {
                if (dv[s] == null) continue;
                m++;
                last = s;
            }
            if (m == 0) continue;
            if (m == 1) {
                Ops.accumulateAt(tape, outs[i], links.slotPath.get(last), 1, dv[last]);
                continue;
            }
            if (ks == null || ks.length < fsl.length) {
                ks = new String[fsl.length];
                vs = new VValue[fsl.length];
            }
            m = 0;
            for (int s : fsl) {
                if (dv[s] == null) continue;
                ks[m] = links.slotField[s];
                vs[m++] = dv[s];
            }
            Ops.accumulate(tape, outs[i], 1, VValue.ofSorted(ks, vs, m));
        }
        for (int s = 0; s < dv.length; s++)
            if (dv[s] != null && !links.inFieldSlots[s]) Ops.accumulateAt(tape, outs[links.slotNeuron[s]], links.slotPath.get(s), 1, dv[s]);
    }
}
