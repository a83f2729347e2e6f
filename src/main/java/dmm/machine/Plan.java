package dmm.machine;

import dmm.ad.Ops;
import dmm.ad.Tape;
import dmm.ad.Tracked;
import dmm.vvalue.FlatKeys;
import dmm.vvalue.LeafVector;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The down movement compiled for a fixed matrix: the rows of soft + hard become flat arrays of
 * (source slot, weight) per neuron input field, where a source slot is one output field of one
 * active neuron. Running a network whose matrix does not change (everything but
 * self-referential networks) compiles once per run and then does no tree lookups per link.
 *
 * <p>Under {@code grad} each cycle's down movement is one tape entry whose pullback is the
 * transpose rule of lincomb ({@link Ops#lincombPullback}) on the compiled rows: it sends
 * {@code w · dX[row]} to the source outputs and accumulates {@code dot(dX[row], Y[source])}
 * into a flat array of soft-weight cotangents (both paths are checked against finite differences), which one entry recorded before the first
 * cycle (so it runs after all of them in the backward pass) turns into the matrix's cotangent.
 *
 * <p>Why one long file: the row table, the forward written for trees and for dense coordinates,
 * the transpose and the kernels' hand-over share the plan's arrays and were tuned together; it is
 * to be split by concept, with the transpose stated once for both paths (the architecture issue,
 * round two), before the neuron compiler builds on it.
 */
final class Plan {
    final Object soft;
    final VValue hard;
    final Map<String, NeuronDecl> declared;
    /** Active neurons as [type, name], in the order of {@link Network#activeNeurons}. */
    final List<String[]> neurons;
    /** Output slots: the neuron index and the field path read from its output. */
    final int[] slotNeuron;
    final List<List<String>> slotPath;
    /** The field of a slot whose path is one key (most), else null. */
    final String[] slotField;
    /** Per neuron: its input fields (sorted), and per field the contributing slots and weights. */
    final String[][] fields;
    final int[][][] src;
    final double[][][] weight;
    /** Per contribution: the index of the soft leaf it came from, or -1 for a hard link. */
    final int[][][] softIndex;
    final List<List<String>> softPaths;
    /**
     * Cotangents of the soft leaves, accumulated over all cycles of the recording run, at their
     * contributions' positions in the visiting order ({@link Visit#softIndex} maps them to leaves).
     */
    double[] softCotangent;
    /** Dense coordinates for the flat values on the wires (shared with the plans that reuse this one's rows). */
    final KeySpace keys;
    /** Per neuron: the index of its first input field among all rows (neuron by neuron, fields in order). */
    final int[] rowBase;
    final int rowCount;
    /** Per row: it has soft contributions; it has hard ones. */
    final boolean[] hasSoft, hasHard;
    /** The neurons in the matrix's order (type, then name): the order the general down movement's pullback visits rows in. */
    final int[] rowOrder;
    /** Positions of the active neurons, shared by the layers of every cycle. */
    final Map<String, Integer> neuronIndex;
    /** Per active neuron: its declaration when declared with that type, else null (the plan fits one table of declarations). */
    final NeuronDecl[] decls;
    /** Per active neuron: its slots that read one output field (not `number`), in field order; the pullback sends them one map. */
    final int[][] fieldSlots;
    /** Per slot: it is in {@link #fieldSlots}. */
    final boolean[] inFieldSlots;
    /** Per slot: its position among its neuron's {@link #fieldSlots}, or -1. */
    final int[] fieldSlotPosition;

    private Plan(Object soft, VValue hard, Map<String, NeuronDecl> declared, List<String[]> neurons, int[] slotNeuron,
                 List<List<String>> slotPath, String[][] fields, int[][][] src, double[][][] weight, int[][][] softIndex,
                 List<List<String>> softPaths, KeySpace keys) {
        this.keys = keys;
        this.soft = soft;
        this.hard = hard;
        this.declared = declared;
        this.neurons = neurons;
        this.slotNeuron = slotNeuron;
        this.slotPath = slotPath;
        this.fields = fields;
        this.src = src;
        this.weight = weight;
        this.softIndex = softIndex;
        this.softPaths = softPaths;
        this.neuronIndex = Layer.indexOf(neurons);
        int n = neurons.size();
        decls = new NeuronDecl[n];
        for (int i = 0; i < n; i++) {
            NeuronDecl d = declared.get(neurons.get(i)[1]);
            decls[i] = d != null && d.type().equals(neurons.get(i)[0]) ? d : null;
        }
        rowBase = new int[n];
        int rows = 0;
        for (int i = 0; i < n; i++) {
            rowBase[i] = rows;
            rows += fields[i].length;
        }
        rowCount = rows;
        hasSoft = new boolean[rows];
        hasHard = new boolean[rows];
        for (int i = 0; i < n; i++)
            for (int f = 0; f < fields[i].length; f++)
                for (int k : softIndex[i][f]) {
                    if (k >= 0) hasSoft[rowBase[i] + f] = true;
                    else hasHard[rowBase[i] + f] = true;
                }
        // the matrix's order of rows: by type, then name
        rowOrder = IntStream.range(0, n).boxed()
                .sorted((x, y) -> {
                    int c = neurons.get(x)[0].compareTo(neurons.get(y)[0]);
                    return c != 0 ? c : neurons.get(x)[1].compareTo(neurons.get(y)[1]);
                })
                .mapToInt(Integer::intValue).toArray();
        this.slotField = new String[slotPath.size()];
        for (int s = 0; s < slotField.length; s++) if (slotPath.get(s).size() == 1) slotField[s] = slotPath.get(s).get(0);
        List<List<Integer>> bySource = new ArrayList<>();
        for (int i = 0; i < n; i++) bySource.add(new ArrayList<>());
        inFieldSlots = new boolean[slotField.length];
        for (int s = 0; s < slotField.length; s++)
            if (slotField[s] != null && !slotField[s].equals(VValue.NUMBER)) {
                bySource.get(slotNeuron[s]).add(s);
                inFieldSlots[s] = true;
            }
        fieldSlots = new int[n][];
        for (int i = 0; i < n; i++)
            fieldSlots[i] = bySource.get(i).stream().sorted((x, y) -> slotField[x].compareTo(slotField[y])).mapToInt(Integer::intValue).toArray();
        fieldSlotPosition = new int[slotField.length];
        Arrays.fill(fieldSlotPosition, -1);
        for (int[] fsl : fieldSlots) for (int p = 0; p < fsl.length; p++) fieldSlotPosition[fsl[p]] = p;
        this.visit = new Visit(this);
        this.visitWeight = visitWeights(visit, weight);
        this.rowSrc = rowsOf(src, new int[rowCount][]);
        this.rowWeight = rowsOf(weight, new double[rowCount][]);
    }

    /** The template's structure (everything but the soft weights, which are {@code weight}'s) for soft matrix {@code soft}. */
    private Plan(Plan t, Object soft, double[][][] weight) {
        this.keys = t.keys;
        this.soft = soft;
        this.hard = t.hard;
        this.declared = t.declared;
        this.neurons = t.neurons;
        this.slotNeuron = t.slotNeuron;
        this.slotPath = t.slotPath;
        this.fields = t.fields;
        this.src = t.src;
        this.weight = weight;
        this.softIndex = t.softIndex;
        this.softPaths = t.softPaths;
        this.neuronIndex = t.neuronIndex;
        this.decls = t.decls;
        this.fieldSlots = t.fieldSlots;
        this.inFieldSlots = t.inFieldSlots;
        this.fieldSlotPosition = t.fieldSlotPosition;
        this.rowBase = t.rowBase;
        this.rowCount = t.rowCount;
        this.hasSoft = t.hasSoft;
        this.hasHard = t.hasHard;
        this.rowOrder = t.rowOrder;
        this.slotField = t.slotField;
        this.visit = t.visit;
        this.visitWeight = visitWeights(visit, weight);
        this.rowSrc = t.rowSrc;
        this.rowWeight = rowsOf(weight, new double[rowCount][]);
    }

    /** The weights in the pullback's visiting order. */
    private static double[] visitWeights(Visit v, double[][][] weight) {
        double[] vw = new double[v.src.length];
        for (int q = 0; q + 1 < v.segStart.length; q++) {
            double[] row = weight[v.segNeuron[q]][v.segField[q]];
            for (int c = v.segStart[q]; c < v.segStart[q + 1]; c++) vw[c] = row[v.j[c]];
        }
        return vw;
    }

    /** True when this plan was compiled for these matrices and declarations (the same objects). */
    boolean fits(Object w, VValue hard, Map<String, NeuronDecl> declared) {
        return soft == w && this.hard == hard && this.declared == declared;
    }

    private record Contribution(int slot, double w, int soft) {}

    /** Compiles the down movement of soft matrix {@code w} and {@code hard} over the active neurons (as [type, name]). */
    static Plan compile(Map<String, NeuronDecl> declared, VValue hard, Object w, List<String[]> neurons) {
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
            src[i] = new int[fields[i].length][];
            weight[i] = new double[fields[i].length][];
            softIndex[i] = new int[fields[i].length][];
            int f = 0;
            for (List<Contribution> cs : r.values()) {
                src[i][f] = new int[cs.size()];
                weight[i][f] = new double[cs.size()];
                softIndex[i][f] = new int[cs.size()];
                for (int j = 0; j < cs.size(); j++) {
                    src[i][f][j] = cs.get(j).slot;
                    weight[i][f][j] = cs.get(j).w;
                    softIndex[i][f][j] = cs.get(j).soft;
                }
                f++;
            }
            if (Arrays.asList(fields[i]).contains(VValue.NUMBER))
                throw new MachineError("a link cannot target the input field `number` (it is the reserved scalar key) of neuron `" + neurons.get(i)[1] + "`");
        }
        int[] sn = slotNeuron.stream().mapToInt(Integer::intValue).toArray();
        return withSoftCotangent(new Plan(w, hard, declared, neurons, sn, slotPath, fields, src, weight, softIndex, softPaths, new KeySpace()));
    }

    /**
     * The plan of soft matrix {@code w} when its leaves have exactly the paths of {@code template}'s
     * (a training step changes the weights, not the links), the hard matrix and declarations being
     * the template's: the template's rows with {@code w}'s weights, without compiling again (the
     * same arrays {@link #compile} would build). Null when the paths differ.
     */
    static Plan reuse(Plan template, Object w) {
        List<List<String>> paths = template.softPaths;
        int n = paths.size();
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
                int[] k = template.softIndex[i][f];
                for (int j = 0; j < wf.length; j++) if (k[j] >= 0) wf[j] = values[k[j]];
            }
        }
        return withSoftCotangent(new Plan(template, w, weight));
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

    /** Under grad: the soft-weight cotangents of this run and the entry that hands them to the matrix. */
    private static Plan withSoftCotangent(Plan plan) {
        Object w = plan.soft;
        Tape tape = Ops.recordingTape(w);
        if (tape != null) {
            plan.softCotangent = new double[plan.visit.src.length];
            // recorded before any cycle of this run, so it runs after all of them in the backward pass
            tape.record(() -> {
                // summed at the contributions' visiting positions; a soft leaf has one
                double[] byVisit = plan.softCotangent;
                int[] leaf = plan.visit.softIndex;
                double[] d = new double[plan.softPaths.size()];
                boolean any = false;
                for (int c = 0; c < byVisit.length; c++) {
                    if (leaf[c] < 0) continue;
                    d[leaf[c]] = byVisit[c];
                    any |= byVisit[c] != 0;
                }
                if (!any) return;
                // the soft leaves are softPaths in forEachLeaf order: the matrix's own tree with
                // the cotangents for leaves (zeros dropped), made only if read as a tree
                Ops.accumulate(tape, w, 1, LeafVector.tree(Ops.primal(w), d));
            });
        }
        return plan;
    }

    /** The outputs of the active neurons, aligned with {@link #neurons}. */
    Object[] align(Layer outputs) {
        if (outputs.keys == neurons) return outputs.values;
        Object[] out = new Object[neurons.size()];
        for (int i = 0; i < out.length; i++) out[i] = outputs.get(neurons.get(i)[0], neurons.get(i)[1]);
        return out;
    }

    /** What the down movement made: the inputs, and under grad the recorded cycle (else null). */
    record Down(Object[] inputs, Cycle cycle) {}

    /**
     * One cycle of a compiled run recorded under grad: its rows' values as arrays, and what its
     * up movement adds for the down movement's entry (which runs after the up movement's entries
     * in the backward pass): the outputs, and the neurons run by a kernel, whose pullbacks that
     * entry runs on dense coordinates. The next cycle's entry hands the cotangents of those
     * neurons' one-field output slots over as dense coordinates ({@link Handed}, deferred on the
     * tracked output) instead of as V-values.
     */
    static final class Cycle {
        final Plan plan;
        final Tape tape;
        /** Per active neuron: its kernel when one ran it (set by the up movement), else null. */
        final NeuronKernel[] kernels;
        /** The up movement's outputs (set when it completes). */
        Object[] outs;
        /** On a flat cycle, each row's scalar and its coordinates (null: a number); else null. */
        final double[] rowScalar;
        final double[][] rowVector;

        Cycle(Plan plan, Tape tape, double[] rowScalar, double[][] rowVector) {
            this.plan = plan;
            this.tape = tape;
            this.rowScalar = rowScalar;
            this.rowVector = rowVector;
            this.kernels = new NeuronKernel[plan.neurons.size()];
        }
    }

    /** The down movement: the inputs of every active neuron from the previous outputs ({@code prev}: the recorded cycle that made them, or null). */
    Down down(Object[] outs, Cycle prev) {
        int slots = slotNeuron.length;
        VValue[] ys = new VValue[slots];
        for (int s = 0; s < slots; s++) {
            VValue y = Ops.primal(outs[slotNeuron[s]]);
            String single = slotField[s];
            ys[s] = single != null ? y.get(single) : y.getIn(slotPath.get(s));
        }
        // flat values (the DMM Lite case) are added as short dense arrays
        boolean flat = true;
        for (VValue y : ys) {
            if (!y.isFlat()) {
                flat = false;
                break;
            }
        }
        double[][] yd = null;
        double[] ysc = null;
        FlatKeys table = null;
        if (flat) {
            // numbers (most outputs) stay numbers; only vectors get dense coordinates (a flat node's own array)
            ysc = new double[slots];
            yd = new double[slots][];
            table = keys.denseAll(ys, yd, ysc);
        }
        // every source's scalar coordinate, and the rows' contributions from vectors
        double[] y0 = null;
        VectorRows fsp = null;
        if (flat) {
            y0 = new double[slots];
            byte[] pattern = new byte[slots];
            for (int s = 0; s < slots; s++) {
                double[] y = yd[s];
                y0[s] = y != null ? y[0] : ysc[s];
                if (y != null) pattern[s] = 1;
            }
            fsp = vectorRowsFor(pattern);
        }
        double[] rowScalar = flat ? rowScalars(y0) : null;
        Tape tape = Ops.recordingTape(outs);
        if (tape == null && softCotangent != null) tape = Ops.recordingTape(soft);
        // under grad, each flat row's coordinates (null: a number), for the kernels' pullbacks
        double[][] rowVector = flat && tape != null ? new double[rowCount][] : null;
        int n = neurons.size();
        VValue[] ins = new VValue[n];
        for (int i = 0; i < n; i++) {
            String[] fs = fields[i];
            if (fs.length == 0) {
                ins[i] = VValue.ZERO;
                continue;
            }
            VValue[] vals = new VValue[fs.length];
            for (int f = 0; f < fs.length; f++) {
                if (!flat) {
                    vals[f] = row(src[i][f], weight[i][f], ys);
                    continue;
                }
                vals[f] = denseRow(i, f, rowScalar[rowBase[i] + f], fsp, yd, table);
                if (rowVector != null) rowVector[rowBase[i] + f] = vals[f].flatValues();
            }
            ins[i] = VValue.ofSortedKeeping(fs, vals);
        }
        if (tape == null) return new Down(ins, null);
        // only the inputs that depend on what is being differentiated are recorded: a row with
        // soft contributions (when the soft matrix is), or one reading a tracked output; the
        // others (a timer, a text driver, constants) run as plain values, and no cotangent is
        // summed for them in the backward pass (none would reach a tracked value)
        boolean wantSoft = softCotangent != null && Ops.isTracked(soft);
        long[] trackedOuts = new long[(outs.length + 63) >> 6];
        for (int j = 0; j < outs.length; j++) if (Ops.isTracked(outs[j])) trackedOuts[j >> 6] |= 1L << j;
        Tracked[] tracked = new Tracked[n];
        Object[] inputs = new Object[n];
        for (int i = 0; i < n; i++) {
            boolean depends = wantSoft && visit.neuronSoft[i];
            long[] bits = visit.sourceBits[i];
            for (int w = 0; w < bits.length && !depends; w++) depends = (bits[w] & trackedOuts[w]) != 0;
            inputs[i] = depends ? (tracked[i] = tape.leaf(ins[i])) : ins[i];
        }
        Tape t = tape;
        double[][] dense = yd;
        double[] scalars = ysc;
        Cycle cycle = new Cycle(this, tape, rowScalar, rowVector);
        // the previous cycle's kernel neurons take their outputs' cotangents on dense coordinates
        // when they are exactly the outputs read here, of a plan with these slots, on this tape
        Cycle from = prev != null && prev.tape == tape && prev.outs == outs && prev.plan.visit == visit ? prev : null;
        tape.record(() -> backward(t, tracked, outs, ys, dense, scalars, wantSoft, cycle, from));
        return new Down(inputs, cycle);
    }

    /**
     * Per row, its contributions whose source is a vector (slot and place of the weight, in the row's order),
     * for one pattern of vector sources; kept while the pattern repeats (every cycle but the
     * first few of a run).
     */
    private static final class VectorRows {
        final byte[] pattern;
        /** Per row its start; per contribution the source slot and its place in the row's arrays (the weight). */
        final int[] start, src, j;

        VectorRows(byte[] pattern, Plan p) {
            this.pattern = pattern;
            start = new int[p.rowCount + 1];
            int n = 0;
            for (int i = 0; i < p.fields.length; i++)
                for (int f = 0; f < p.fields[i].length; f++)
                    for (int s : p.src[i][f]) if (pattern[s] != 0) n++;
            src = new int[n];
            j = new int[n];
            int c = 0;
            for (int i = 0; i < p.fields.length; i++)
                for (int f = 0; f < p.fields[i].length; f++) {
                    start[p.rowBase[i] + f] = c;
                    int[] s = p.src[i][f];
                    for (int jj = 0; jj < s.length; jj++) {
                        if (pattern[s[jj]] == 0) continue;
                        src[c] = s[jj];
                        j[c++] = jj;
                    }
                }
            start[p.rowCount] = c;
        }
    }

    private VectorRows vectorRowsFor(byte[] pattern) {
        VectorRows[] known = visit.vectorRows;
        for (VectorRows v : known) if (Arrays.equals(v.pattern, pattern)) return v;
        VectorRows v = new VectorRows(pattern, this);
        visit.vectorRows = remember(known, v);
        return v;
    }

    /**
     * One input field from flat values: {@code Σ w_j · y_j} in the order of the contributions, the
     * scalar coordinate summed with the others (numbers included) in that order, as the general
     * down movement's builder sums it, so the result is the tree's bit for bit. The scalar
     * coordinate {@code scalar} is one run over all contributions ({@link #rowScalars}: every
     * source's scalar), the other coordinates one run over the vector sources only (numbers
     * have none).
     */
    private VValue denseRow(int i, int f, double scalar, VectorRows vr, double[][] yd, FlatKeys table) {
        double[] w = weight[i][f];
        int r = rowBase[i] + f, a = vr.start[r], b = vr.start[r + 1];
        if (a == b) return VValue.of(scalar);
        double[] acc = new double[table.size()];
        int[] vs = vr.src, vj = vr.j;
        // two contributions at a time: (acc + w1·y1) + w2·y2 per coordinate, the order of one at
        // a time, with one load and store of the sum instead of two
        int c = a;
        for (; c + 1 < b; c += 2) {
            double[] y1 = yd[vs[c]], y2 = yd[vs[c + 1]];
            double w1 = w[vj[c]], w2 = w[vj[c + 1]];
            int m = Math.min(y1.length, y2.length);
            for (int k = 1; k < m; k++) acc[k] = acc[k] + w1 * y1[k] + w2 * y2[k];
            for (int k = Math.max(m, 1); k < y1.length; k++) acc[k] += w1 * y1[k];
            for (int k = Math.max(m, 1); k < y2.length; k++) acc[k] += w2 * y2[k];
        }
        if (c < b) {
            double[] y = yd[vs[c]];
            double wj = w[vj[c]];
            for (int k = 1; k < y.length; k++) acc[k] += wj * y[k];
        }
        acc[0] = scalar;
        return VValue.flat(table, acc);
    }

    /** One input field from tree values, summed in the order of the contributions (the general down movement's order). */
    private static VValue row(int[] src, double[] w, VValue[] ys) {
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
     * The contributions of all rows in the order the pullback visits them — the soft matrix's
     * rows in matrix order ({@link #rowOrder}), then the hard matrix's — in one segment per
     * (pass, row), as flat arrays: the pullback runs through them without skipping. Depends only
     * on the links, so the plans reusing this one's rows share it.
     */
    private static final class Visit {
        /** Per segment: its row (rowBase[i] + f), neuron i, field f, whether it is the soft pass; segStart has one more entry. */
        final int[] segRow, segNeuron, segField, segStart;
        final boolean[] segSoft;
        /** Per contribution: source slot, soft leaf index (-1: hard), and where its weight is (weight[i][f][j]: j). */
        final int[] src, softIndex, j;
        /** The splits of the last patterns met (copied on write: runs on several threads may add to them; each uses what it read). */
        volatile Split[] splits = new Split[0];
        /** The forward's vector contributions of the last patterns met (likewise). */
        volatile VectorRows[] vectorRows = new VectorRows[0];
        /** {sortedIds, the ids below each length} of the last key table met (swapped whole; see belowFor). */
        volatile Object[] below;
        /** Per neuron: the neurons its rows read from, one bit each; whether a row of it has soft contributions. */
        final long[][] sourceBits;
        final boolean[] neuronSoft;

        Visit(Plan p) {
            int neurons = p.fields.length;
            sourceBits = new long[neurons][];
            neuronSoft = new boolean[neurons];
            for (int i = 0; i < neurons; i++) {
                long[] bits = new long[(neurons + 63) >> 6];
                for (int f = 0; f < p.fields[i].length; f++) {
                    neuronSoft[i] |= p.hasSoft[p.rowBase[i] + f];
                    for (int sl : p.src[i][f]) bits[p.slotNeuron[sl] >> 6] |= 1L << p.slotNeuron[sl];
                }
                sourceBits[i] = bits;
            }
            List<int[]> segs = new ArrayList<>();
            List<int[]> cs = new ArrayList<>();
            for (int pass = 0; pass < 2; pass++) {
                boolean softPass = pass == 0;
                for (int i : p.rowOrder) {
                    for (int f = 0; f < p.fields[i].length; f++) {
                        int r = p.rowBase[i] + f;
                        if (softPass ? !p.hasSoft[r] : !p.hasHard[r]) continue;
                        segs.add(new int[] {r, i, f, cs.size(), softPass ? 1 : 0});
                        int[] k = p.softIndex[i][f];
                        for (int jj = 0; jj < k.length; jj++)
                            if ((k[jj] >= 0) == softPass) cs.add(new int[] {p.src[i][f][jj], k[jj], jj});
                    }
                }
            }
            int n = segs.size();
            segRow = new int[n];
            segNeuron = new int[n];
            segField = new int[n];
            segStart = new int[n + 1];
            segSoft = new boolean[n];
            for (int q = 0; q < n; q++) {
                int[] g = segs.get(q);
                segRow[q] = g[0];
                segNeuron[q] = g[1];
                segField[q] = g[2];
                segStart[q] = g[3];
                segSoft[q] = g[4] == 1;
            }
            segStart[n] = cs.size();
            src = new int[cs.size()];
            softIndex = new int[cs.size()];
            j = new int[cs.size()];
            for (int c = 0; c < src.length; c++) {
                src[c] = cs.get(c)[0];
                softIndex[c] = cs.get(c)[1];
                j[c] = cs.get(c)[2];
            }
        }
    }

    /** The visiting order of the pullback (shared with the plans reusing these rows). */
    private final Visit visit;
    /** This plan's weights in the visiting order. */
    private final double[] visitWeight;
    /** Per row (rowBase[i] + f): its contributions' source slots and weights (the arrays of src and weight). */
    private final int[][] rowSrc;
    private final double[][] rowWeight;

    /** The per-neuron, per-field arrays of {@code byNeuron} in row order, into {@code rows}. */
    private static <T> T[] rowsOf(T[][] byNeuron, T[] rows) {
        int k = 0;
        for (T[] byField : byNeuron) for (T x : byField) rows[k++] = x;
        return rows;
    }

    /**
     * Every row's scalar coordinate, {@code Σ w_j · y0[s_j]} in the order of its contributions,
     * two rows at a time: each sum is a chain of dependent additions, and two chains in one loop
     * overlap their latencies (each row still sums in its own order, so the result is the same).
     */
    private double[] rowScalars(double[] y0) {
        int rows = rowCount;
        double[] out = new double[rows];
        int r = 0;
        for (; r + 1 < rows; r += 2) {
            int[] s1 = rowSrc[r], s2 = rowSrc[r + 1];
            double[] w1 = rowWeight[r], w2 = rowWeight[r + 1];
            int n1 = s1.length, n2 = s2.length, m = Math.min(n1, n2);
            double a = 0, b = 0;
            int j = 0;
            for (; j < m; j++) {
                a += w1[j] * y0[s1[j]];
                b += w2[j] * y0[s2[j]];
            }
            for (int q = j; q < n1; q++) a += w1[q] * y0[s1[q]];
            for (int q = j; q < n2; q++) b += w2[q] * y0[s2[q]];
            out[r] = a;
            out[r + 1] = b;
        }
        if (r < rows) {
            int[] s1 = rowSrc[r];
            double[] w1 = rowWeight[r];
            double a = 0;
            for (int j = 0; j < s1.length; j++) a += w1[j] * y0[s1[j]];
            out[r] = a;
        }
        return out;
    }

    /** Kinds of source slot in the pullback (plus {@link #VECTOR} when its value is a vector). */
    private static final byte NOT_WANTED = 0, NUMBERS = 1, WANTED = 2, VECTOR = 4;

    /**
     * The contributions of every segment split by the kind of their source, for one pattern of
     * kinds (per slot: NOT_WANTED, NUMBERS or WANTED, plus VECTOR): sources taking only the
     * scalar of the cotangent, sources taking all of it; soft leaves whose source is a number,
     * soft leaves whose source is a vector. Each run is then a tight loop with no test per
     * contribution. Within one segment (a row) every source and every soft leaf occurs once, so
     * running the kinds one after the other changes the order of no sum. The pattern is the same
     * in almost every cycle of a run; a new one is split anew.
     */
    private static final class Split {
        final byte[] pattern;
        /**
         * Per kind, each segment's start and its contributions' source slots and visiting
         * positions (where the weight is, in {@link Plan#visitWeight}, and where the soft leaf's
         * cotangent is summed): {@code fused} — a number source taking only the scalar, in a soft
         * segment (most links: its source's sum and its dot product in one run); {@code num} — the
         * other sources taking only the scalar; {@code want} — sources taking all of it;
         * {@code scalar} — soft leaves of other number sources; {@code vector} — soft leaves of
         * vector sources.
         */
        final int[] fusedStart, fusedSrc, fusedPos, numStart, numSrc, numPos, wantStart, wantSrc, wantPos, scalarStart, scalarSrc, scalarPos,
                vectorStart, vectorSrc, vectorPos;

        Split(byte[] pattern, Visit v) {
            this.pattern = pattern;
            int segs = v.segRow.length, n = v.src.length;
            int[][] start = new int[5][segs + 1], srcs = new int[5][n], poss = new int[5][n];
            int[] count = new int[5];
            for (int sg = 0; sg < segs; sg++) {
                for (int q = 0; q < 5; q++) start[q][sg] = count[q];
                for (int c = v.segStart[sg]; c < v.segStart[sg + 1]; c++) {
                    int sj = v.src[c];
                    int kind = pattern[sj] & 3;
                    boolean vector = (pattern[sj] & VECTOR) != 0;
                    if (kind == NUMBERS && v.segSoft[sg] && !vector) {
                        add(srcs, poss, count, 0, sj, c);
                        continue;
                    }
                    if (kind == NUMBERS) add(srcs, poss, count, 1, sj, c);
                    else if (kind == WANTED) add(srcs, poss, count, 2, sj, c);
                    if (v.segSoft[sg]) add(srcs, poss, count, vector ? 4 : 3, sj, c);
                }
            }
            for (int q = 0; q < 5; q++) start[q][segs] = count[q];
            fusedStart = start[0];
            numStart = start[1];
            wantStart = start[2];
            scalarStart = start[3];
            vectorStart = start[4];
            fusedSrc = Arrays.copyOf(srcs[0], count[0]);
            fusedPos = Arrays.copyOf(poss[0], count[0]);
            numSrc = Arrays.copyOf(srcs[1], count[1]);
            numPos = Arrays.copyOf(poss[1], count[1]);
            wantSrc = Arrays.copyOf(srcs[2], count[2]);
            wantPos = Arrays.copyOf(poss[2], count[2]);
            scalarSrc = Arrays.copyOf(srcs[3], count[3]);
            scalarPos = Arrays.copyOf(poss[3], count[3]);
            vectorSrc = Arrays.copyOf(srcs[4], count[4]);
            vectorPos = Arrays.copyOf(poss[4], count[4]);
        }

        private static void add(int[][] srcs, int[][] poss, int[] count, int kind, int sj, int c) {
            srcs[kind][count[kind]] = sj;
            poss[kind][count[kind]++] = c;
        }
    }

    private Split splitFor(byte[] pattern) {
        Visit v = visit;
        Split[] known = v.splits;
        for (Split sp : known) if (Arrays.equals(sp.pattern, pattern)) return sp;
        Split sp = new Split(pattern, v);
        v.splits = remember(known, sp);
        return sp;
    }

    /** How many patterns a plan remembers (a run meets a few: the first cycles' values are zeros and numbers). */
    private static final int PATTERNS = 16;

    /** {@code known} with {@code x} first, the oldest dropped past {@link #PATTERNS}. */
    private static <T> T[] remember(T[] known, T x) {
        T[] r = Arrays.copyOf(known, Math.min(known.length + 1, PATTERNS));
        System.arraycopy(known, 0, r, 1, r.length - 1);
        r[0] = x;
        return r;
    }

    /**
     * The pullback of one cycle's down movement: the transpose rule of lincomb on the compiled
     * rows. The contributions are visited in the general down movement's order (the soft
     * matrix's rows in key order, then the hard matrix's), so every cotangent is summed in the
     * same order as there, and equals it bit for bit. (Within one row every source slot occurs
     * once, so the sums into the sources' cotangents and the dot products into the soft-weight
     * cotangents — one per soft leaf and cycle — may be done in two separate runs over a row.)
     */
    private void backward(Tape tape, Tracked[] ins /* null: not recorded */, Object[] outs, VValue[] ys, double[][] yd, double[] ysc, boolean wantSoft, Cycle cycle, Cycle prev) {
        int slots = ys.length;
        // the pullbacks of this cycle's kernels: on dense coordinates into kd (per row) when the
        // cycle is flat, else on V-values into the inputs' cotangents
        double[][] kd = cycle.outs == null ? null : kernelPullbacks(tape, cycle, ins, yd != null);
        // each input field's cotangent, and its dense coordinates when flat
        VValue[] gs = null;
        double[][] gds = null;
        for (int i = 0; i < ins.length; i++) {
            boolean tracked = ins[i] != null && ins[i].hasCotangent();
            String[] fs = fields[i];
            if (!tracked && (kd == null || !anyRow(kd, i))) continue;
            VValue g = tracked ? ins[i].cotangent() : VValue.ZERO;
            for (int f = 0; f < fs.length; f++) {
                int r = rowBase[i] + f;
                VValue gr = tracked ? g.get(fs[f]) : VValue.ZERO;
                double[] k = kd == null ? null : kd[r];
                if (gr.isZero() && k == null) continue;
                if (gs == null) {
                    gs = new VValue[rowCount];
                    gds = new double[rowCount][];
                }
                if (k == null) {
                    gs[r] = gr;
                    if (yd != null && gr.isFlat()) gds[r] = gr.isScalar() ? new double[] {gr.scalarPart()} : keys.denseOf(gr);
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
        if (gs == null) return;
        // a source whose maker reads only the :number part of its fields' cotangents (a standard
        // neuron with numbers for outputs) gets only that part: the rest would be summed for nothing
        byte[] byNeuron = new byte[outs.length];
        for (int i = 0; i < outs.length; i++)
            byNeuron[i] = !Ops.isTracked(outs[i]) ? NOT_WANTED : ((Tracked) outs[i]).readsNumbersOnly() ? NUMBERS : WANTED;
        byte[] kind = new byte[slots];
        for (int s = 0; s < slots; s++) {
            kind[s] = byNeuron[slotNeuron[s]];
            if (yd != null && yd[s] != null) kind[s] |= VECTOR;
        }
        Split sp = yd == null ? null : splitFor(kind);
        Visit v = visit;
        double[] vw = visitWeight;
        int[] vsrc = v.src;
        // the soft leaves' cotangents, at their contributions' visiting positions
        double[] dSoft = softCotangent;
        VBuilder[] dys = null;
        double[][] dyd = new double[slots][];
        double[] dy0 = new double[slots];
        // per coordinate count: the key ids below it in key order
        int[] sortedIds = keys.table().sortedIds();
        int[][] below = belowFor(sortedIds);
        int[] idx = new int[keys.size()];
        double[] gq = new double[idx.length];
        for (int sg = 0; sg + 1 < v.segStart.length; sg++) {
            int r = v.segRow[sg];
            VValue gr = gs[r];
            double[] gd = gds[r];
            if (gr == null && gd == null) continue;
            int a = v.segStart[sg], b = v.segStart[sg + 1];
            boolean softSeg = wantSoft && v.segSoft[sg];
            if (gd == null) {
                for (int c = a; c < b; c++) {
                    int sj = vsrc[c];
                    if ((kind[sj] & 3) != NOT_WANTED) {
                        if (dys == null) dys = new VBuilder[slots];
                        VBuilder d = dys[sj];
                        if (d == null) dys[sj] = d = new VBuilder();
                        d.addScaled(vw[c], gr);
                    }
                    if (softSeg) dSoft[c] += VValue.dot(gr, ys[sj]);
                }
                continue;
            }
            // the non-zero coordinates of the cotangent: the scalar, then the keys in key
            // order, as VValue.dot visits them (skipping only exact zeros), for the dot
            // products; the sums into the sources' cotangents go coordinate by
            // coordinate, in which order they are visited does not matter
            int len = gd.length;
            if (idx.length < len) idx = new int[len];
            int at = Math.min(len, below.length - 1);
            int[] ids = below[at];
            if (ids == null) below[at] = ids = idsBelow(sortedIds, at); // (a large table's, made per pullback)
            int nz = 0;
            double g0 = gd[0];
            if (g0 != 0) idx[nz++] = 0;
            for (int q : ids) if (gd[q] != 0) idx[nz++] = q;
            if (nz == 0) continue;
            numberLinks(sp, sg, g0, vw, ysc, dy0, softSeg ? dSoft : null);
            wantLinks(sp, sg, gd, idx, nz, vw, dyd);
            if (!softSeg) continue;
            // the dot products with the sources (one per soft leaf): with a number, its product;
            // with a vector, summed in the coordinates' key order
            int[] src = sp.scalarSrc, pos = sp.scalarPos;
            for (int c = sp.scalarStart[sg], e = sp.scalarStart[sg + 1]; c < e; c++) dSoft[pos[c]] += g0 * ysc[src[c]];
            if (gq.length < nz) gq = new double[idx.length];
            for (int t = 0; t < nz; t++) gq[t] = gd[idx[t]];
            vectorDots(sp, sg, len, idx, gq, nz, yd, dSoft);
        }
        VValue[] dv = new VValue[slots];
        Handed[] handed = null;
        for (int s = 0; s < slots; s++) {
            VBuilder tb = dys == null ? null : dys[s];
            if (tb == null && dyd[s] == null && dy0[s] == 0) continue;
            int i = slotNeuron[s];
            if (tb == null && prev != null && inFieldSlots[s] && prev.kernels[i] != null && fieldSlotPosition[s] < 64 && !hasNaN(dyd[s], dy0[s])) {
                // to a kernel of the previous cycle: its pullback reads the coordinates as they are
                if (handed == null) handed = new Handed[outs.length];
                if (handed[i] == null) handed[i] = new Handed(i, dyd, dy0);
                handed[i].mask |= 1L << fieldSlotPosition[s];
                continue;
            }
            VValue d = dyd[s] != null ? keys.value(dyd[s]) : VValue.of(dy0[s]);
            if (tb != null) d = d.add(tb.build());
            if (!d.isZero()) dv[s] = d;
        }
        // the handed-over cotangents are the kernels' outputs' whole cotangent when nothing else
        // has reached them yet; otherwise they join the rest as V-values, in the tape's order
        if (handed != null)
            for (int i = 0; i < handed.length; i++)
                if (handed[i] != null && !((Tracked) outs[i]).defer(handed[i])) handed[i].asValues(dv);
        // a source neuron's one-field slots as one map {field cotangent} (each field gets one
        // term, as from one accumulateAt per slot, without a builder); other slots at their paths
        String[] ks = null;
        VValue[] vs = null;
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
                Ops.accumulateAt(tape, outs[i], slotPath.get(last), 1, dv[last]);
                continue;
            }
            if (ks == null || ks.length < fsl.length) {
                ks = new String[fsl.length];
                vs = new VValue[fsl.length];
            }
            m = 0;
            for (int s : fsl) {
                if (dv[s] == null) continue;
                ks[m] = slotField[s];
                vs[m++] = dv[s];
            }
            Ops.accumulate(tape, outs[i], 1, VValue.ofSorted(ks, vs, m));
        }
        for (int s = 0; s < slots; s++) if (dv[s] != null && !inFieldSlots[s]) Ops.accumulateAt(tape, outs[slotNeuron[s]], slotPath.get(s), 1, dv[s]);
    }

    /** Field names compared: the same object (the plan's are interned, as are the kernels' literals), else by cached hash, then by content. */
    private static boolean sameField(String a, String b) {
        return a == b || a.hashCode() == b.hashCode() && a.equals(b);
    }

    /** True when some row of neuron {@code i} has kernel coordinates. */
    private boolean anyRow(double[][] kd, int i) {
        for (int f = 0; f < fields[i].length; f++) if (kd[rowBase[i] + f] != null) return true;
        return false;
    }

    /** {@code a + b} coordinate by coordinate (the longer's length). */
    private static double[] sum(double[] a, double[] b) {
        double[] r = Arrays.copyOf(a.length >= b.length ? a : b, Math.max(a.length, b.length));
        double[] o = a.length >= b.length ? b : a;
        for (int q = 0; q < o.length; q++) r[q] += o[q];
        return r;
    }

    /**
     * Runs the pullbacks of the cycle's kernel neurons whose outputs have a cotangent (handed
     * over by the next cycle as dense coordinates, or accumulated as a V-value by anything that
     * read them). On a flat cycle a kernel with a dense form writes its inputs' cotangent as
     * coordinates per row (returned); otherwise its pullback on V-values adds to the inputs'
     * cotangent.
     */
    private double[][] kernelPullbacks(Tape tape, Cycle cycle, Tracked[] ins, boolean flat) {
        double[][] kd = null;
        Dense dense = null;
        for (int i = 0; i < ins.length; i++) {
            NeuronKernel k = cycle.kernels[i];
            if (k == null) continue;
            Tracked y = (Tracked) cycle.outs[i];
            if (!y.hasCotangent()) continue;
            // the handed-over coordinates when they are the whole cotangent, else its V-value
            Handed h = y.deferred() instanceof Handed x && x.visit() == visit ? x : null;
            VValue g = h != null ? null : y.cotangent();
            if (flat && (h != null || flatFields(g))) {
                if (dense == null) dense = new Dense(cycle);
                if (kd == null) kd = new double[rowCount][];
                if (dense.run(k, i, ins[i].value(), y.value(), h, g, kd)) continue;
            }
            NeuronKernel.pullbackInto(k, tape, ins[i], y.value(), g != null ? g : y.cotangent());
        }
        return kd;
    }

    /** True when every field of {@code g} is flat (a scalar and numbers under keys). */
    private static boolean flatFields(VValue g) {
        for (int f = 0; f < g.childCount(); f++) if (!g.childAt(f).isFlat()) return false;
        return true;
    }

    /** True when the slot cotangent {@code v} (or the number {@code x} when v is null) has a NaN (a V-value of it fails). */
    private static boolean hasNaN(double[] v, double x) {
        if (v == null) return x != x;
        boolean nan = false;
        for (double c : v) nan |= c != c; // (no branch per coordinate)
        return nan;
    }

    /**
     * Per coordinate count {@code len} (up to the table's size), the key ids of {@code sortedIds}
     * below it, in key order; kept while the key table stays (a new key makes a new one).
     */
    private int[][] belowFor(int[] sortedIds) {
        Object[] known = visit.below;
        if (known != null && known[0] == sortedIds) return (int[][]) known[1];
        int max = 1;
        for (int q : sortedIds) max = Math.max(max, q + 1);
        // (quadratic in the keys: kept only for tables of a few hundred, the character-level
        // case; with more keys each pullback makes the lengths it meets)
        if (max > BELOW_KEPT) return new int[max + 1][];
        int[][] below = new int[max + 1][];
        for (int len = 0; len <= max; len++) below[len] = idsBelow(sortedIds, len);
        visit.below = new Object[] {sortedIds, below};
        return below;
    }

    /** The largest key table whose {@link #belowFor} arrays are kept. */
    private static final int BELOW_KEPT = 512;

    /** The key ids of {@code sortedIds} (in key order) below {@code len}. */
    private static int[] idsBelow(int[] sortedIds, int len) {
        int n = 0;
        for (int q : sortedIds) if (q < len) n++;
        int[] r = new int[n];
        n = 0;
        for (int q : sortedIds) if (q < len) r[n++] = q;
        return r;
    }

    /**
     * One segment's sources taking only the scalar {@code g0} of its cotangent: {@code w·g0}
     * into each; for those fused with their soft leaf (a number source in a soft segment, when
     * {@code dSoft} is given), the leaf's product {@code g0·y} too, in the same run.
     */
    private static void numberLinks(Split sp, int sg, double g0, double[] vw, double[] ysc, double[] dy0, double[] dSoft) {
        int[] src = sp.fusedSrc, pos = sp.fusedPos;
        int a = sp.fusedStart[sg], e = sp.fusedStart[sg + 1];
        if (dSoft != null) {
            for (int c = a; c < e; c++) {
                int sj = src[c], p = pos[c];
                dy0[sj] += vw[p] * g0;
                dSoft[p] += g0 * ysc[sj];
            }
        } else {
            for (int c = a; c < e; c++) dy0[src[c]] += vw[pos[c]] * g0;
        }
        src = sp.numSrc;
        pos = sp.numPos;
        for (int c = sp.numStart[sg], f = sp.numStart[sg + 1]; c < f; c++) dy0[src[c]] += vw[pos[c]] * g0;
    }

    /** One segment's sources taking all of its cotangent {@code gd} (non-zero coordinates {@code idx[0..nz)}): {@code w·gd} into each. */
    private static void wantLinks(Split sp, int sg, double[] gd, int[] idx, int nz, double[] vw, double[][] dyd) {
        boolean sparse = nz * 2 < gd.length; // (max-norm's cotangent has one coordinate)
        int[] src = sp.wantSrc, pos = sp.wantPos;
        for (int c = sp.wantStart[sg], e = sp.wantStart[sg + 1]; c < e; c++) {
            int sj = src[c];
            double[] d = dyd[sj];
            if (d == null || d.length < gd.length) dyd[sj] = d = d == null ? new double[gd.length] : Arrays.copyOf(d, gd.length);
            double wj = vw[pos[c]];
            if (sparse) {
                for (int t = 0; t < nz; t++) {
                    int q = idx[t];
                    d[q] += wj * gd[q];
                }
            } else {
                for (int q = 0; q < gd.length; q++) d[q] += wj * gd[q];
            }
        }
    }

    /**
     * One segment's soft leaves of vector sources: the dot product of the cotangent's non-zero
     * coordinates ({@code idx}, their values {@code gq}) with the source, each summed in the
     * coordinates' key order; two at a time, the two sums interleaved.
     */
    private static void vectorDots(Split sp, int sg, int len, int[] idx, double[] gq, int nz, double[][] yd, double[] dSoft) {
        int[] src = sp.vectorSrc, pos = sp.vectorPos;
        int pending = -1;
        for (int c = sp.vectorStart[sg], e = sp.vectorStart[sg + 1]; c < e; c++) {
            double[] y = yd[src[c]];
            if (y.length < len) {
                double dot = 0;
                for (int t = 0; t < nz; t++) {
                    int q = idx[t];
                    if (q < y.length) dot += gq[t] * y[q];
                }
                dSoft[pos[c]] += dot;
                continue;
            }
            if (pending < 0) {
                pending = c;
                continue;
            }
            double[] y1 = yd[src[pending]];
            double dot1 = 0, dot2 = 0;
            for (int t = 0; t < nz; t++) {
                int q = idx[t];
                double gt = gq[t];
                dot1 += gt * y1[q];
                dot2 += gt * y[q];
            }
            dSoft[pos[pending]] += dot1;
            dSoft[pos[c]] += dot2;
            pending = -1;
        }
        if (pending >= 0) {
            double[] y1 = yd[src[pending]];
            double dot = 0;
            for (int t = 0; t < nz; t++) dot += gq[t] * y1[idx[t]];
            dSoft[pos[pending]] += dot;
        }
    }

    /**
     * The cotangents one pullback hands to a kernel neuron's one-field output slots, on dense
     * coordinates: per slot of {@link #fieldSlots}, its coordinates (null: a number) or its
     * scalar. Deferred on the neuron's tracked output ({@link Tracked#defer}), it is read as it
     * is by the neuron's kernel, or turned into the V-value the pullback would have sent when
     * anything else reaches that output.
     */
    private final class Handed implements Tracked.Deferred {
        private final int neuron;
        /** The pullback's per-slot cotangents (coordinates, or null and the number), read, never written. */
        private final double[][] dyd;
        private final double[] dy0;
        /** The positions in {@link #fieldSlots} handed over, one bit each. */
        long mask;

        Handed(int neuron, double[][] dyd, double[] dy0) {
            this.neuron = neuron;
            this.dyd = dyd;
            this.dy0 = dy0;
        }

        private boolean has(int p) {
            return p >= 0 && p < 64 && (mask & (1L << p)) != 0;
        }

        /** The structure these slots index (shared by the plans reusing one plan's rows). */
        Visit visit() {
            return visit;
        }

        /** The position of output field {@code field} among the neuron's one-field slots, or -1. */
        int position(String field) {
            int[] fsl = fieldSlots[neuron];
            for (int p = 0; p < fsl.length; p++) if (sameField(slotField[fsl[p]], field)) return p;
            return -1;
        }

        /** Slot position p's coordinates, or null when it is a number. */
        double[] vector(int p) {
            return dyd[fieldSlots[neuron][p]];
        }

        double scalar(int p) {
            return dy0[fieldSlots[neuron][p]];
        }

        /** Slot position p's cotangent as the V-value the pullback sends (zero: none). */
        private VValue slotValue(int p) {
            double[] v = vector(p);
            return v != null ? keys.value(v) : VValue.of(scalar(p));
        }

        /** The cotangents as V-values into {@code dv} (the pullback's own path), when they cannot be deferred. */
        void asValues(VValue[] dv) {
            int[] fsl = fieldSlots[neuron];
            for (int p = 0; p < fsl.length; p++) {
                if (!has(p)) continue;
                VValue d = slotValue(p);
                if (!d.isZero()) dv[fsl[p]] = d;
            }
        }

        /** The map {field cotangent} the pullback would have accumulated on the output. */
        @Override
        public VValue value() {
            int[] fsl = fieldSlots[neuron];
            String[] ks = new String[fsl.length];
            VValue[] vs = new VValue[fsl.length];
            int m = 0;
            for (int p = 0; p < fsl.length; p++) {
                if (!has(p)) continue;
                VValue d = slotValue(p);
                if (d.isZero()) continue;
                ks[m] = slotField[fsl[p]];
                vs[m++] = d;
            }
            return m == 0 ? VValue.ZERO : VValue.ofSorted(ks, vs, m);
        }
    }

    /** A kernel call's cotangents on this plan's dense coordinates (one object per backward pass, reused neuron by neuron). */
    private final class Dense implements NeuronKernel.DenseCotangents {
        private final Cycle cycle;
        private int neuron;
        /** The outputs' cotangent: handed over as coordinates, or else this V-value. */
        private Handed handed;
        private VValue value;
        private double[][] pending = new double[4][];
        private int[] pendingRow = new int[4];
        private int npending;

        Dense(Cycle cycle) {
            this.cycle = cycle;
        }

        /** Runs kernel {@code k}'s dense pullback for neuron {@code i}; false (and nothing written) when it has none. */
        boolean run(NeuronKernel k, int i, VValue in, VValue out, Handed handed, VValue value, double[][] kd) {
            neuron = i;
            this.handed = handed;
            this.value = value;
            npending = 0;
            if (!k.pullbackDense(in, out, this)) return false;
            for (int j = 0; j < npending; j++) kd[pendingRow[j]] = pending[j];
            return true;
        }

        @Override
        public double outScalar(String field) {
            if (handed == null) return value.get(field).scalarPart();
            int p = handed.position(field);
            if (!handed.has(p)) return 0;
            double[] v = handed.vector(p);
            return v != null ? v[0] : handed.scalar(p);
        }

        @Override
        public double[] outVector(String field) {
            if (handed == null) {
                VValue e = value.get(field);
                return e.isScalar() ? null : keys.denseOf(e);
            }
            int p = handed.position(field);
            return handed.has(p) ? handed.vector(p) : null;
        }

        /** The row of input field {@code field} of the current neuron, or -1 (no link reaches it). */
        private int rowOf(String field) {
            String[] fs = fields[neuron];
            for (int f = 0; f < fs.length; f++) if (sameField(fs[f], field)) return rowBase[neuron] + f;
            return -1;
        }

        @Override
        public double inScalar(String field) {
            int r = rowOf(field);
            return r < 0 ? 0 : cycle.rowScalar[r];
        }

        @Override
        public double[] inVector(String field) {
            int r = rowOf(field);
            return r < 0 ? null : cycle.rowVector[r];
        }

        @Override
        public void setIn(String field, double[] g) {
            String[] fs = fields[neuron];
            for (int f = 0; f < fs.length; f++) {
                if (sameField(fs[f], field)) {
                    if (npending == pending.length) {
                        pending = Arrays.copyOf(pending, npending * 2);
                        pendingRow = Arrays.copyOf(pendingRow, npending * 2);
                    }
                    pending[npending] = g;
                    pendingRow[npending++] = rowBase[neuron] + f;
                    return;
                }
            }
            // an input field no link reaches: nothing upstream needs its cotangent
        }
    }
}
