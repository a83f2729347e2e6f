package dmm.machine;

import dmm.ad.Tape;
import dmm.ad.Tracked;
import dmm.vvalue.VValue;
import java.util.Arrays;

/**
 * One cycle of a compiled run recorded under grad, as its down movement's tape entry sees it:
 * the rows' values on dense coordinates (a flat cycle), and what the up movement reports — the
 * neurons a kernel ran, whose pullbacks that entry runs (it runs after the up movement's entries
 * in the backward pass), on dense coordinates when it can, and the outputs. Owned by the entry;
 * nothing of it is kept in the network.
 */
final class RecordedCycle {
    final Plan plan;
    final Tape tape;
    /** The flat rows of the cycle, or null (a tree cycle). */
    private final FlatRows flat;
    /** Per active neuron: its kernel when one ran it, else null. */
    private final NeuronKernel[] kernels;
    /** Per active neuron: what its kernel's forward run kept for the pullback (null: nothing). */
    final Object[] residuals;
    /** The up movement's outputs, once it completed. */
    private Object[] outs;

    RecordedCycle(Plan plan, Tape tape, FlatRows flat) {
        this.plan = plan;
        this.tape = tape;
        this.flat = flat;
        this.kernels = new NeuronKernel[plan.links.neurons.size()];
        this.residuals = new Object[kernels.length];
    }

    /** The up movement ran neuron {@code i} by kernel {@code k}, recording no entry for it: this cycle's entry runs its pullback. */
    void ranKernel(int i, NeuronKernel k) {
        kernels[i] = k;
    }

    /** The up movement completed with these outputs. */
    void completed(Object[] outs) {
        this.outs = outs;
    }

    /**
     * Runs the pullbacks of the kernel neurons whose outputs have a cotangent. On a flat cycle a
     * kernel with a dense form writes its inputs' cotangent as coordinates per row (returned);
     * otherwise its pullback on V-values adds to the inputs' cotangent. Null when none wrote
     * coordinates (or the up movement did not complete).
     */
    double[][] kernelPullbacks(Tracked[] ins) {
        if (outs == null) return null;
        double[][] kd = null;
        Dense dense = null;
        for (int i = 0; i < ins.length; i++) {
            NeuronKernel k = kernels[i];
            if (k == null) continue;
            Tracked y = (Tracked) outs[i];
            if (!y.hasCotangent()) continue;
            VValue g = y.cotangent();
            if (flat != null && flatFields(g)) {
                if (dense == null) dense = new Dense();
                if (kd == null) kd = new double[plan.links.rowCount][];
                if (dense.run(k, i, ins[i].value(), y.value(), g, kd)) continue;
            }
            NeuronKernel.pullbackInto(k, tape, ins[i], y.value(), residuals[i], g);
            residuals[i] = null;
        }
        return kd;
    }

    /** True when every field of {@code g} is flat (a scalar and numbers under keys). */
    private static boolean flatFields(VValue g) {
        for (int f = 0; f < g.childCount(); f++) if (!g.childAt(f).isFlat()) return false;
        return true;
    }

    /** A kernel call's cotangents on the plan's dense coordinates (one object per backward pass, reused neuron by neuron). */
    private final class Dense implements NeuronKernel.DenseCotangents {
        private int neuron;
        private VValue value;
        private double[][] pending = new double[4][];
        private int[] pendingRow = new int[4];
        private int npending;

        /** Runs kernel {@code k}'s dense pullback for neuron {@code i} with output cotangent {@code g}; false (nothing written) when it has none. */
        boolean run(NeuronKernel k, int i, VValue in, VValue out, VValue g, double[][] kd) {
            neuron = i;
            value = g;
            npending = 0;
            if (!k.pullbackDense(in, out, residuals[i], this)) return false;
            residuals[i] = null;
            for (int j = 0; j < npending; j++) kd[pendingRow[j]] = pending[j];
            return true;
        }

        @Override
        public double outScalar(String field) {
            return value.get(field).scalarPart();
        }

        @Override
        public double[] outVector(String field) {
            VValue e = value.get(field);
            return e.isScalar() ? null : plan.links.keys.denseOf(e);
        }

        @Override
        public double inScalar(String field) {
            int r = plan.links.rowOf(neuron, field);
            return r < 0 ? 0 : flat.rowScalar[r];
        }

        @Override
        public double[] inVector(String field) {
            int r = plan.links.rowOf(neuron, field);
            return r < 0 ? null : flat.rowVector[r];
        }

        @Override
        public double[] coordinates(VValue v) {
            if (v.isScalar()) return new double[] {v.scalarPart()};
            return v.isFlat() ? plan.links.keys.denseOf(v) : null;
        }

        @Override
        public int coordinate(String key) {
            return plan.links.keys.coordinate(key);
        }

        @Override
        public VValue value(double[] d) {
            return plan.links.keys.value(d);
        }

        @Override
        public void setIn(String field, double[] g) {
            int r = plan.links.rowOf(neuron, field);
            if (r < 0) return; // an input field no link reaches: nothing upstream needs its cotangent
            if (npending == pending.length) {
                pending = Arrays.copyOf(pending, npending * 2);
                pendingRow = Arrays.copyOf(pendingRow, npending * 2);
            }
            pending[npending] = g;
            pendingRow[npending++] = r;
        }
    }
}
