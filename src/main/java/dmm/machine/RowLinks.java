package dmm.machine;

import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The links of a compiled down movement without their weights: per active neuron and input
 * field (a row), the source slots it reads — a slot is one output field (or path) of one active
 * neuron — and per contribution the soft leaf it comes from (-1: a hard link). Immutable; shared
 * by the plans of matrices with the same links (a training step changes weights, not links) and
 * by runs on several threads.
 */
final class RowLinks {
    final VValue hard;
    final Map<String, NeuronDecl> declared;
    /** Active neurons as [type, name], in the order of {@link Network#activeNeurons}. */
    final List<String[]> neurons;
    /** The neurons a run reading only some of them computes ({@link Network#coneOf}), or null: every active neuron. */
    final Set<String> cone;
    /** Positions of the active neurons, shared by the layers of every cycle. */
    final Map<String, Integer> neuronIndex;
    /** Per active neuron: its declaration when declared with that type, else null (the plan fits one table of declarations). */
    final NeuronDecl[] decls;
    /** Per slot: the neuron it reads, the path read from its output, and that path's field when it is one key (most), else null. */
    final int[] slotNeuron;
    final List<List<String>> slotPath;
    final String[] slotField;
    /** Per neuron: its input fields (sorted), and per field the contributing slots. */
    final String[][] fields;
    final int[][][] src;
    /** Per contribution: the index of the soft leaf it came from (into {@link #softPaths}), or -1 for a hard link. */
    final int[][][] softIndex;
    /** The soft matrix's leaf paths in forEachLeaf order. */
    final List<List<String>> softPaths;
    /** Per neuron: the index of its first row (rows go neuron by neuron, fields in order). */
    final int[] rowBase;
    final int rowCount;
    /** Per row: its contributions' source slots (the arrays of {@link #src}). */
    final int[][] rowSrc;
    /** Per row: it has soft contributions; it has hard ones. */
    final boolean[] hasSoft, hasHard;
    /** The neurons in the matrix's order (type, then name): the order the pullback visits rows in. */
    final int[] rowOrder;
    /** Per active neuron: its slots that read one output field (not `number`), in field order; the pullback sends them one map. */
    final int[][] fieldSlots;
    /** Per slot: it is in {@link #fieldSlots}. */
    final boolean[] inFieldSlots;
    /** Dense coordinates for the flat values on the wires. */
    final KeySpace keys = new KeySpace();
    /** The pullback's visiting order of the contributions, and what the flat rows remember per pattern. */
    final VisitOrder visit;

    RowLinks(VValue hard, Map<String, NeuronDecl> declared, List<String[]> neurons, Set<String> cone, int[] slotNeuron, List<List<String>> slotPath,
          String[][] fields, int[][][] src, int[][][] softIndex, List<List<String>> softPaths) {
        this.hard = hard;
        this.declared = declared;
        this.neurons = neurons;
        this.cone = cone;
        this.slotNeuron = slotNeuron;
        this.slotPath = slotPath;
        this.fields = fields;
        this.src = src;
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
        rowSrc = byRow(src, new int[rowCount][]);
        hasSoft = new boolean[rows];
        hasHard = new boolean[rows];
        for (int i = 0; i < n; i++)
            for (int f = 0; f < fields[i].length; f++)
                for (int k : softIndex[i][f]) {
                    if (k >= 0) hasSoft[rowBase[i] + f] = true;
                    else hasHard[rowBase[i] + f] = true;
                }
        rowOrder = IntStream.range(0, n).boxed()
                .sorted((x, y) -> {
                    int c = neurons.get(x)[0].compareTo(neurons.get(y)[0]);
                    return c != 0 ? c : neurons.get(x)[1].compareTo(neurons.get(y)[1]);
                })
                .mapToInt(Integer::intValue).toArray();
        slotField = new String[slotPath.size()];
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
        visit = new VisitOrder(this);
    }

    /** The last cone asked of these links: for which observed neurons and effectful ones, and the answer. */
    private record ConeAnswer(int[] observed, BitSet effectful, Set<String> cone) {}

    private volatile ConeAnswer lastCone;

    /**
     * The neurons (keys) that the neurons {@code observed} (indices) and {@code effectful} read
     * through these links, transitively, themselves included; null when that is every neuron.
     * The last answer is kept (a training step asks again with the same arguments).
     */
    Set<String> cone(int[] observed, BitSet effectful) {
        ConeAnswer last = lastCone;
        if (last != null && Arrays.equals(last.observed, observed) && last.effectful.equals(effectful)) return last.cone;
        int n = neurons.size();
        BitSet keep = new BitSet(n);
        int[] todo = new int[n];
        int top = 0;
        for (int i : observed) if (!keep.get(i)) { keep.set(i); todo[top++] = i; }
        for (int i = effectful.nextSetBit(0); i >= 0; i = effectful.nextSetBit(i + 1)) if (!keep.get(i)) { keep.set(i); todo[top++] = i; }
        while (top > 0) {
            int i = todo[--top];
            for (int[] slots : src[i])
                for (int s : slots) {
                    int j = slotNeuron[s];
                    if (!keep.get(j)) {
                        keep.set(j);
                        todo[top++] = j;
                    }
                }
        }
        Set<String> cone = null;
        if (keep.cardinality() < n) {
            Set<String> keys = new HashSet<>();
            for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) keys.add(Layer.key(neurons.get(i)[0], neurons.get(i)[1]));
            cone = Collections.unmodifiableSet(keys);
        }
        lastCone = new ConeAnswer(observed.clone(), (BitSet) effectful.clone(), cone);
        return cone;
    }

    /** True when these links were compiled for {@code other} (the same neurons computed). */
    boolean sameCone(Set<String> other) {
        return cone == other || (cone != null && cone.equals(other));
    }

    int slots() {
        return slotNeuron.length;
    }

    /** The per-neuron, per-field arrays of {@code byNeuron} in row order, into {@code rows}. */
    static <T> T[] byRow(T[][] byNeuron, T[] rows) {
        int k = 0;
        for (T[] byField : byNeuron) for (T x : byField) rows[k++] = x;
        return rows;
    }

    /** The row of input field {@code field} of neuron {@code i}, or -1 (no link reaches it). */
    int rowOf(int i, String field) {
        String[] fs = fields[i];
        for (int f = 0; f < fs.length; f++) if (sameField(fs[f], field)) return rowBase[i] + f;
        return -1;
    }

    /** True when some row of neuron {@code i} has an entry in {@code byRow}. */
    boolean anyRow(Object[] byRow, int i) {
        for (int f = 0; f < fields[i].length; f++) if (byRow[rowBase[i] + f] != null) return true;
        return false;
    }

    /** Field names compared: the same object (the plan's are interned, as are the kernels' literals), else by cached hash, then by content. */
    static boolean sameField(String a, String b) {
        return a == b || a.hashCode() == b.hashCode() && a.equals(b);
    }

    /** Whether the fields list of neuron {@code i} contains {@code number} (a link may not target it). */
    static boolean targetsNumber(String[] fields) {
        return Arrays.asList(fields).contains(VValue.NUMBER);
    }
}
