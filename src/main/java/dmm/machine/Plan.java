package dmm.machine;

import dmm.ad.Ops;
import dmm.ad.Tape;
import dmm.ad.Tracked;
import dmm.vvalue.LeafVector;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The down movement compiled for a fixed matrix: the rows of soft + hard as flat arrays of
 * (source slot, weight) per neuron input field ({@link RowLinks}: the links, shared by plans
 * with the same links; here their weights). Running a network whose matrix does not change
 * during a run compiles once per run (a training step's new weights reuse the links) and then
 * does no tree lookups per link.
 *
 * <p>{@link #down} is the forward: each row the lincomb of its sources, on dense coordinates
 * when every source is flat ({@link FlatRows}), else on V-values ({@link TreeRows}). Under
 * {@code grad} each cycle's down movement is one tape entry, {@link DownTranspose}, whose
 * soft-weight cotangents one entry recorded before the first cycle ({@link SoftCotangents})
 * turns into the matrix's cotangent.
 */
final class Plan {
    final RowLinks links;
    final Object soft;
    /** Per neuron, field and contribution: the weight (the soft leaf's, or the hard link's). */
    final double[][][] weight;
    /** The same arrays per row, and the weights in the pullback's visiting order. */
    final double[][] rowWeight;
    final double[] visitWeight;
    /** Under grad (the soft matrix recorded): its leaves' cotangents over the run; else null. */
    final SoftCotangents softCotangents;

    private Plan(RowLinks links, Object soft, double[][][] weight) {
        this.links = links;
        this.soft = soft;
        this.weight = weight;
        this.rowWeight = RowLinks.byRow(weight, new double[links.rowCount][]);
        this.visitWeight = links.visit.weights(weight);
        this.softCotangents = SoftCotangents.recordFor(this);
    }

    /** True when this plan was compiled for these matrices and declarations (the same objects). */
    boolean fits(Object w, VValue hard, Map<String, NeuronDecl> declared, Set<String> cone) {
        return soft == w && links.hard == hard && links.declared == declared && links.sameCone(cone);
    }

    private record Contribution(int slot, double w, int soft) {}

    /**
     * Compiles the down movement of soft matrix {@code w} and {@code hard} over the active neurons
     * (as [type, name]): all of them, or those of {@code cone} (a run that reads only some
     * neurons; links from neurons outside it are left out, as those from inactive ones are).
     */
    static Plan compile(Map<String, NeuronDecl> declared, VValue hard, Object w, List<String[]> neurons, Set<String> cone) {
        VValue wv = Ops.primal(w);
        Map<String, Integer> neuronIndex = new HashMap<>();
        for (int i = 0; i < neurons.size(); i++) neuronIndex.put(Layer.key(neurons.get(i)[0], neurons.get(i)[1]), i);
        Map<String, Integer> slots = new HashMap<>();
        List<Integer> slotNeuron = new ArrayList<>();
        List<List<String>> slotPath = new ArrayList<>();
        List<TreeMap<String, List<Contribution>>> rows = new ArrayList<>();
        for (int i = 0; i < neurons.size(); i++) rows.add(new TreeMap<>());
        List<List<String>> softPaths = new ArrayList<>();
        for (int m = 0; m < 2; m++) {
            boolean isSoft = m == 0;
            VValue matrix = isSoft ? wv : hard;
            matrix.forEachLeaf((p, x) -> {
                if (p.size() < 5)
                    throw new MachineError("malformed matrix entry at " + (p.isEmpty() ? "the root" : String.join(".", p))
                            + ": a link is W[to-type][to-name][to-input][from-type][from-name][from-output...]");
                int softIdx = -1;
                if (isSoft) {
                    softIdx = softPaths.size();
                    softPaths.add(List.copyOf(p));
                }
                Integer to = neuronIndex.get(Layer.key(p.get(0), p.get(1)));
                Integer from = neuronIndex.get(Layer.key(p.get(3), p.get(4)));
                if (to == null || from == null) return; // a source that is not active has no outputs
                // field names interned, as the standard neurons' own are (Java literals): lookups of
                // them in inputs, outputs and cotangents then match at the first comparison
                List<String> path = p.subList(5, p.size()).stream().map(String::intern).toList();
                String sk = from + "\u0000" + String.join("\u0000", path);
                Integer slot = slots.get(sk);
                if (slot == null) {
                    slot = slotNeuron.size();
                    slots.put(sk, slot);
                    slotNeuron.add(from);
                    slotPath.add(path);
                }
                rows.get(to).computeIfAbsent(p.get(2), k -> new ArrayList<>()).add(new Contribution(slot, x, softIdx));
            });
        }
        int n = neurons.size();
        String[][] fields = new String[n][];
        int[][][] src = new int[n][][];
        double[][][] weight = new double[n][][];
        int[][][] softIndex = new int[n][][];
        for (int i = 0; i < n; i++) {
            TreeMap<String, List<Contribution>> r = rows.get(i);
            fields[i] = r.keySet().stream().map(String::intern).toArray(String[]::new);
            if (RowLinks.targetsNumber(fields[i]))
                throw new MachineError("a link cannot target the input field `number` (it is the reserved scalar key) of neuron `" + neurons.get(i)[1] + "`");
            List<List<Contribution>> byField = new ArrayList<>(r.values());
            src[i] = byField.stream().map(cs -> cs.stream().mapToInt(Contribution::slot).toArray()).toArray(int[][]::new);
            weight[i] = byField.stream().map(cs -> cs.stream().mapToDouble(Contribution::w).toArray()).toArray(double[][]::new);
            softIndex[i] = byField.stream().map(cs -> cs.stream().mapToInt(Contribution::soft).toArray()).toArray(int[][]::new);
        }
        int[] sn = slotNeuron.stream().mapToInt(Integer::intValue).toArray();
        return new Plan(new RowLinks(hard, declared, neurons, cone, sn, slotPath, fields, src, softIndex, softPaths), w, weight);
    }

    /**
     * The plan of soft matrix {@code w} when its leaves have exactly the paths of {@code template}'s
     * (a training step changes the weights, not the links), the hard matrix and declarations being
     * the template's: the template's links with {@code w}'s weights, without compiling again (the
     * same arrays {@link #compile} would build). Null when the paths differ.
     */
    static Plan reuse(Plan template, Object w) {
        RowLinks links = template.links;
        int n = links.softPaths.size();
        // weights made over the template's own leaves (a training step's) come as an array;
        // otherwise canonical trees with the same leaf paths have the same shape: compare the shapes
        double[] values = LeafVector.valuesOver(Ops.primal(w), Ops.primal(template.soft));
        if (values != null && hasZero(values)) return null;
        if (values == null) {
            values = new double[n];
            if (sameShape(Ops.primal(template.soft), Ops.primal(w), values, 0) != n) return null;
        }
        double[][][] weight = new double[template.weight.length][][];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = new double[template.weight[i].length][];
            for (int f = 0; f < weight[i].length; f++) {
                double[] wf = weight[i][f] = template.weight[i][f].clone();
                int[] k = links.softIndex[i][f];
                for (int j = 0; j < wf.length; j++) if (k[j] >= 0) wf[j] = values[k[j]];
            }
        }
        return new Plan(links, w, weight);
    }

    private static boolean hasZero(double[] xs) {
        for (double x : xs) if (x == 0) return true;
        return false;
    }

    /**
     * When {@code w} has exactly the leaf paths of {@code t} (the same keys at every node, a
     * scalar where t has one), writes w's leaves into {@code values} from {@code pos} in
     * forEachLeaf order and returns the position after them; -1 otherwise.
     */
    private static int sameShape(VValue t, VValue w, double[] values, int pos) {
        boolean leaf = w.scalarPart() != 0;
        if ((t.scalarPart() != 0) != leaf) return -1;
        if (leaf) {
            if (pos >= values.length) return -1;
            values[pos++] = w.scalarPart();
        }
        int n = t.childCount();
        if (w.childCount() != n) return -1;
        for (int i = 0; i < n && pos >= 0; i++) {
            String a = t.keyAt(i), b = w.keyAt(i);
            if (a != b && !a.equals(b)) return -1;
            pos = sameShape(t.childAt(i), w.childAt(i), values, pos);
        }
        return pos;
    }

    /** The outputs of the active neurons, aligned with the links' neurons. */
    Object[] align(Layer outputs) {
        List<String[]> neurons = links.neurons;
        if (outputs.keys == neurons) return outputs.values;
        Object[] out = new Object[neurons.size()];
        for (int i = 0; i < out.length; i++) out[i] = outputs.get(neurons.get(i)[0], neurons.get(i)[1]);
        return out;
    }

    /** What the down movement made: the inputs, and under grad the recorded cycle (else null). */
    record Down(Object[] inputs, RecordedCycle cycle) {}

    /** The down movement: the inputs of every active neuron from the outputs {@code outs} (aligned with the links' neurons). */
    Down down(Object[] outs) {
        RowLinks l = links;
        int slots = l.slots();
        VValue[] ys = new VValue[slots];
        for (int s = 0; s < slots; s++) {
            VValue y = Ops.primal(outs[l.slotNeuron[s]]);
            String single = l.slotField[s];
            ys[s] = single != null ? y.get(single) : y.getIn(l.slotPath.get(s));
        }
        Tape tape = Ops.recordingTape(outs);
        if (tape == null && softCotangents != null) tape = Ops.recordingTape(soft);
        FlatRows flat = FlatRows.of(l, rowWeight, ys, tape != null);
        int n = l.neurons.size();
        VValue[] ins = new VValue[n];
        for (int i = 0; i < n; i++) {
            String[] fs = l.fields[i];
            if (fs.length == 0) {
                ins[i] = VValue.ZERO;
                continue;
            }
            VValue[] vals = new VValue[fs.length];
            for (int f = 0; f < fs.length; f++)
                vals[f] = flat != null ? flat.row(l.rowBase[i] + f) : TreeRows.row(l.src[i][f], weight[i][f], ys);
            ins[i] = VValue.ofSortedKeeping(fs, vals);
        }
        if (tape == null) return new Down(ins, null);
        // only the inputs that depend on what is being differentiated are recorded: a row with
        // soft contributions (when the soft matrix is), or one reading a tracked output; the
        // others (a timer, a text driver, constants) run as plain values, and no cotangent is
        // summed for them in the backward pass (none would reach a tracked value)
        boolean wantSoft = softCotangents != null && Ops.isTracked(soft);
        long[] trackedOuts = new long[(outs.length + 63) >> 6];
        for (int j = 0; j < outs.length; j++) if (Ops.isTracked(outs[j])) trackedOuts[j >> 6] |= 1L << j;
        Tracked[] tracked = new Tracked[n];
        Object[] inputs = new Object[n];
        VisitOrder v = l.visit;
        for (int i = 0; i < n; i++) {
            boolean depends = wantSoft && v.neuronSoft[i];
            long[] bits = v.sourceBits[i];
            for (int w = 0; w < bits.length && !depends; w++) depends = (bits[w] & trackedOuts[w]) != 0;
            inputs[i] = depends ? (tracked[i] = tape.leaf(ins[i])) : ins[i];
        }
        RecordedCycle cycle = new RecordedCycle(this, tape, flat);
        DownTranspose pullback = new DownTranspose(this, tape, tracked, outs, ys, flat, wantSoft, cycle);
        tape.record(pullback::run);
        return new Down(inputs, cycle);
    }
}
