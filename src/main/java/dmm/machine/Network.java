package dmm.machine;

import dmm.ad.Ops;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A network: its declared neurons, its soft (trainable) and hard (fixed) matrices, and its
 * state — the outputs Y and the inputs X of the last cycle, and the cycle count. Immutable:
 * stepping, linking and re-weighting return new networks, so a snapshot costs nothing and no
 * reader ever sees a half-made update.
 *
 * <p>Matrices are rank-6 V-values {@code W[to-type][to-name][to-input][from-type][from-name][from-output]};
 * layers are rank-3 {@code Y[type][name][field]} (DMM-SEMANTICS §2). Networks whose names have
 * fixed types also have the rank-4 view {@code W[to-name][to-input][from-name][from-output]}.
 *
 * <p>In a self-referential network the soft matrix lives in the output {@code selfField} of the
 * neuron {@code selfName}: each down movement reads it from there.
 *
 * <p>(Long because it is the one immutable network value and all of its API: reading, building
 * and checking, and the compiled plans it caches per lineage, with the cone of an observed run.)
 */
public final class Network {
    final String name;
    final NeuronTable neurons;
    final Object soft;
    final VValue hard;
    final String selfName;
    final String selfField;
    final Layer outputs;
    final Layer inputs;
    final long cycle;
    /** The compiled down movement for the current matrices (a cache shared by the states of one run). */
    volatile Plan plan;
    /**
     * The latest plan of this network's lineage: the networks made from one another by a change of
     * matrix, state or declarations (a training step's networks, a batch's copies on other threads)
     * share it, so a network given new weights on the same links reuses its rows ({@link Plan#reuse})
     * even when the network it was made from never ran. Plans are immutable once published.
     */
    Lineage lineage = new Lineage();

    /** The holder of a lineage's latest plan (shared by the networks of one lineage, on any thread). */
    static final class Lineage {
        volatile Plan last;
        /** The latest plan over a part of the neurons ({@link #coneOf}). */
        volatile Plan lastInCone;
    }

    Network(String name, NeuronTable neurons, Object soft, VValue hard, String selfName, String selfField,
            Layer outputs, Layer inputs, long cycle) {
        this.name = name;
        this.neurons = neurons;
        this.soft = soft;
        this.hard = hard;
        this.selfName = selfName;
        this.selfField = selfField;
        this.outputs = outputs;
        this.inputs = inputs;
        this.cycle = cycle;
    }

    /** An empty network with no neurons. */
    public static Network empty(String name) {
        return new Network(name, NeuronTable.EMPTY, VValue.ZERO, VValue.ZERO, null, null, Layer.EMPTY, Layer.EMPTY, 0);
    }

    // ------------------------------------------------------------------ reading

    public String name() {
        return name;
    }

    /** Declared neurons in declaration order. */
    public Map<String, NeuronDecl> neurons() {
        return Collections.unmodifiableMap(neurons);
    }

    /** The declaration of neuron {@code n}, or an error naming it. */
    public NeuronDecl neuron(String n) {
        NeuronDecl d = neurons.get(n);
        if (d == null) throw new MachineError("network `" + name + "` has no neuron `" + n + "`" + suggest(n));
        return d;
    }

    private String suggest(String n) {
        List<String> names = new ArrayList<>(neurons.keySet());
        String best = closest(n, names);
        return best == null ? " (neurons: " + String.join(", ", names.size() > 12 ? names.subList(0, 12) : names)
                + (names.size() > 12 ? ", ..." : "") + ")" : " (did you mean `" + best + "`?)";
    }

    /** The candidate within edit distance 2 of {@code n} (the closest), or null. */
    private static String closest(String n, Collection<String> candidates) {
        String best = null;
        int bestD = 3;
        for (String m : candidates) {
            int d = editDistance(n, m);
            if (d < bestD) {
                bestD = d;
                best = m;
            }
        }
        return best;
    }

    /**
     * Null when neuron {@code d} has the input (or output) {@code field}; otherwise what is
     * wrong, with the closest declared field and the list of them. A type that takes the whole
     * input map, or computes its output map, has every field; {@code number} (the scalar part)
     * is always there.
     */
    public static String fieldProblem(NeuronDecl d, String field, boolean input) {
        if (field.equals(VValue.NUMBER)) return null;
        List<String> fields = input ? d.declaredInputs() : d.declaredOutputs();
        if (fields == null || fields.contains(field)) return null;
        String kind = input ? "input" : "output";
        StringBuilder sb = new StringBuilder("neuron `").append(d.name()).append("` (type `").append(d.type()).append("`) has no ")
                .append(kind).append(" field `").append(field).append('`');
        String best = closest(field, fields);
        if (best != null) sb.append(": did you mean `").append(best).append("`?");
        if (fields.isEmpty()) sb.append(" (`").append(d.type()).append("` has no ").append(kind).append(" fields)");
        else sb.append(" (").append(kind).append(" fields of `").append(d.type()).append("`: ").append(String.join(", ", fields)).append(')');
        return sb.toString();
    }

    private static void checkField(NeuronDecl d, String field, boolean input) {
        String problem = fieldProblem(d, field, input);
        if (problem != null) throw new MachineError(problem);
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++)
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** True when the matrix is read from a neuron's output each cycle. */
    public boolean isSelfReferential() {
        return selfName != null;
    }

    /** The soft matrix (rank 6); for a self-referential network, the current content of the self neuron's output. */
    public Object softMatrix() {
        if (selfName == null) return soft;
        NeuronDecl d = neuron(selfName);
        return Ops.get(outputs.get(d.type(), selfName), selfField);
    }

    /** The hard matrix (rank 6). */
    public VValue hardMatrix() {
        return hard;
    }

    /** The output layer Y (rank 3). */
    public Object outputs() {
        return outputs.tree();
    }

    /** The input layer X of the last cycle (rank 3). */
    public Object inputs() {
        return inputs.tree();
    }

    /** Cycles run since the last reset. */
    public long cycle() {
        return cycle;
    }

    /** The outputs of neuron {@code n} (a map from output fields to V-values). */
    public Object outputOf(String n) {
        return outputs.get(neuron(n).type(), n);
    }

    /** The inputs of neuron {@code n} in the last cycle. */
    public Object inputOf(String n) {
        return inputs.get(neuron(n).type(), n);
    }

    /** Number of non-zero soft weights. */
    public int softLinkCount() {
        return Ops.primal(softMatrix()).leafCount();
    }

    // ------------------------------------------------------------------ building

    Network with(NeuronTable neurons, Object soft, VValue hard) {
        Network n = new Network(name, neurons, soft, hard, selfName, selfField, outputs, inputs, cycle);
        n.lineage = lineage;
        return n;
    }

    /** The active neurons: declared ones, then those with rows in either matrix, as [type, name]. */
    List<String[]> activeNeurons(VValue w) {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (NeuronDecl d : neurons.values()) out.put(d.type() + "\u0000" + d.name(), new String[] {d.type(), d.name()});
        TreeSet<String> extra = new TreeSet<>();
        for (VValue m : new VValue[] {w, hard}) {
            for (int a = 0; a < m.childCount(); a++) {
                VValue byName = m.childAt(a);
                for (int b = 0; b < byName.childCount(); b++) {
                    String key = m.keyAt(a) + "\u0000" + byName.keyAt(b);
                    if (!out.containsKey(key)) extra.add(key);
                }
            }
        }
        for (String k : extra) {
            int i = k.indexOf('\u0000');
            out.put(k, new String[] {k.substring(0, i), k.substring(i + 1)});
        }
        return new ArrayList<>(out.values());
    }

    /** The compiled down movement for soft matrix {@code w}, reused across the states of one run. */
    Plan planFor(Object w) {
        return planFor(w, null);
    }

    /**
     * The compiled down movement for soft matrix {@code w} over the active neurons in {@code cone}
     * (keys {@link Layer#key}; null: every active neuron), reused across the states of one run.
     * A lineage keeps its latest plan of each kind, so runs of both kinds, alternating (the whole
     * plan gives the cone, see {@link #coneOf}), each reuse their own.
     */
    Plan planFor(Object w, Set<String> cone) {
        Plan p = plan;
        if (p == null || !p.fits(w, hard, neurons, cone)) {
            // a matrix with the links of an earlier plan (a training step) reuses its rows
            Plan t = p != null && p.links.sameCone(cone) ? p : cone == null ? lineage.last : lineage.lastInCone;
            Plan r = t != null && t.links.hard == hard && t.links.declared == neurons && t.links.sameCone(cone) ? Plan.reuse(t, w) : null;
            p = r != null ? r : Plan.compile(neurons, hard, w, activeNeurons(Ops.primal(w), cone), cone);
            plan = p;
            if (cone == null) lineage.last = p;
            else lineage.lastInCone = p;
        }
        return p;
    }

    /** The active neurons in {@code cone} (null: all), in the order of {@link #activeNeurons(VValue)}. */
    List<String[]> activeNeurons(VValue w, Set<String> cone) {
        List<String[]> all = activeNeurons(w);
        if (cone == null) return all;
        List<String[]> in = new ArrayList<>(cone.size());
        for (String[] tn : all) if (cone.contains(Layer.key(tn[0], tn[1]))) in.add(tn);
        return in;
    }

    /**
     * The neurons (keys {@link Layer#key}) that a run reading only neurons {@code observed} must
     * compute: those; every active neuron whose function has no kernel (it may act on the world, as
     * a language neuron that prints may, or its type is not declared here); and every neuron one of
     * them reads through a link of either matrix, transitively. The others cannot change what the
     * observed neurons receive, nor any gradient of it. Null when that is every active neuron, or
     * when the network is self-referential (its links change as it runs). Read from the whole
     * run's compiled links, and kept with them: a training step's network, with new weights on the
     * same links, finds it there.
     */
    Set<String> coneOf(Collection<String> observed) {
        if (selfName != null) return null;
        RowLinks links = planFor(soft, null).links;
        int n = links.neurons.size();
        int[] seeds = new int[observed.size()];
        int k = 0;
        for (String o : observed) {
            Integer i = links.neuronIndex.get(Layer.key(neuron(o).type(), o));
            if (i == null) return null; // (a declared neuron is always active)
            seeds[k++] = i;
        }
        BitSet effectful = new BitSet(n);
        for (int i = 0; i < n; i++) if (links.decls[i] == null || !hasKernel(links.decls[i])) effectful.set(i);
        return links.cone(seeds, effectful);
    }

    private static boolean hasKernel(NeuronDecl d) {
        try {
            return d.function().kernel() != null;
        } catch (RuntimeException e) {
            return false; // undefined now: kept, so the run reports it as it would
        }
    }

    /** Adds (or replaces) a neuron declaration; amortized constant time, so adding neurons one by one is linear. */
    public Network withNeuron(NeuronDecl d) {
        NeuronDecl old = neurons.get(d.name());
        if (old != null && !old.type().equals(d.type()))
            throw new MachineError("neuron `" + d.name() + "` is already declared with type `" + old.type() + "`");
        return with(neurons.with(d), soft, hard);
    }

    /** The network whose soft matrix is {@code w} (rank 6; may be a tracked value under grad). */
    public Network withSoftMatrix(Object w) {
        if (selfName != null) {
            NeuronDecl d = neuron(selfName);
            Object old = outputs.get(d.type(), selfName);
            return withState(outputs.with(d.type(), selfName, Ops.assocIn(old, List.of(selfField), w)), inputs, cycle);
        }
        return with(neurons, w, hard);
    }

    /**
     * Checks that every row and every source of a rank-6 matrix that names a declared neuron
     * uses its declared type: a matrix taken from a network whose neurons have other types
     * would otherwise silently bring new neurons to life. (Rows naming undeclared neurons are
     * allowed: that is how a network grows.) Also checks that the input and output fields named
     * for declared neurons are fields their types have (a typo would be a dead link).
     */
    public void checkTypes(VValue w) {
        check(w, true);
    }

    /** {@link #checkTypes}; with {@code fields}, also that the fields named are those the declared types have. */
    private void check(VValue w, boolean fields) {
        for (int a = 0; a < w.childCount(); a++) {
            VValue byName = w.childAt(a);
            for (int b = 0; b < byName.childCount(); b++) {
                checkType(w.keyAt(a), byName.keyAt(b));
                NeuronDecl to = fields ? neurons.get(byName.keyAt(b)) : null;
                VValue byField = byName.childAt(b);
                for (int c = 0; c < byField.childCount(); c++) {
                    if (to != null) checkMatrixField(to, byField.keyAt(c), true);
                    VValue row = byField.childAt(c);
                    for (int d = 0; d < row.childCount(); d++)
                        for (int e = 0; e < row.childAt(d).childCount(); e++) {
                            checkType(row.keyAt(d), row.childAt(d).keyAt(e));
                            NeuronDecl from = fields ? neurons.get(row.childAt(d).keyAt(e)) : null;
                            VValue outs = row.childAt(d).childAt(e);
                            if (from != null) for (int f = 0; f < outs.childCount(); f++) checkMatrixField(from, outs.keyAt(f), false);
                        }
                }
            }
        }
    }

    private static void checkMatrixField(NeuronDecl d, String field, boolean input) {
        String problem = fieldProblem(d, field, input);
        if (problem != null) throw new MachineError("the matrix names a field that does not exist: " + problem);
    }

    private void checkType(String type, String n) {
        NeuronDecl d = neurons.get(n);
        if (d != null && !d.type().equals(type))
            throw new MachineError("the matrix names neuron `" + n + "` with type `" + type + "`, but network `" + name
                    + "` declares it as `" + d.type() + "` (to move a matrix between networks whose types differ, use "
                    + "(with-named-matrix net (named-matrix m)))");
    }

    /** The network whose hard matrix is {@code h}. */
    public Network withHardMatrix(VValue h) {
        Network n = new Network(name, neurons, soft, h, selfName, selfField, outputs, inputs, cycle);
        n.lineage = lineage;
        return n;
    }

    /** Makes the network self-referential: the soft matrix moves into {@code neuron.field}'s output. */
    public Network withSelf(String neuronName, String field) {
        NeuronDecl d = neuron(neuronName);
        checkField(d, field, false);
        Object w = softMatrix();
        Network n = new Network(name, neurons, VValue.ZERO, hard, neuronName, field, outputs, inputs, cycle);
        Object old = outputs.get(d.type(), neuronName);
        return n.withState(outputs.with(d.type(), neuronName, Ops.assocIn(old, List.of(field), w)), inputs, cycle);
    }

    /** The network with another state (the compiled down movement carries over). */
    Network withState(Layer outputs, Layer inputs, long cycle) {
        Network n = new Network(name, neurons, soft, hard, selfName, selfField, outputs, inputs, cycle);
        n.plan = plan;
        n.lineage = lineage;
        return n;
    }

    /** The network with neuron {@code n}'s outputs preset to {@code value} (its keys must be output fields of n's type). */
    public Network withOutput(String n, Object value) {
        checkOutputFields(n, Ops.primal(value));
        return withState(outputs.with(neuron(n).type(), n, value), inputs, cycle);
    }

    /** An error unless every key of {@code value} is an output field of neuron {@code n}'s type. */
    public void checkOutputFields(String n, VValue value) {
        NeuronDecl d = neuron(n);
        for (String k : value.keys()) checkField(d, k, false);
    }

    /**
     * Back to the initial state: empty inputs and outputs, cycle 0. A self-referential
     * network keeps its current matrix in the self neuron's output.
     */
    public Network reset() {
        Network n = new Network(name, neurons, soft, hard, selfName, selfField, Layer.EMPTY, Layer.EMPTY, 0);
        n.lineage = lineage;
        return selfName == null ? n : n.withSoftMatrix(Ops.primal(softMatrix()));
    }

    // ------------------------------------------------------------------ matrix paths and views

    /** The rank-6 path of the link {@code to.toField <- from.fromPath...}. */
    public List<String> linkPath(String to, String toField, String from, List<String> fromPath) {
        NeuronDecl target = neuron(to), source = neuron(from);
        checkField(target, toField, true);
        if (!fromPath.isEmpty()) checkField(source, fromPath.get(0), false);
        List<String> p = new ArrayList<>(6);
        p.add(target.type());
        p.add(to);
        p.add(toField);
        p.add(source.type());
        p.add(from);
        p.addAll(fromPath);
        return p;
    }

    /**
     * A rank-6 link path {@code [to-type to to-field from-type from from-field...]} checked against
     * this network as {@link #linkPath} checks names: both neurons declared, with the types the path
     * gives, and fields their types have. A path from outside (the browser view) goes through here
     * before any change is queued.
     */
    public List<String> checkedLinkPath(List<String> p) {
        if (p.size() < 6)
            throw new MachineError("a link path has 6 parts [to-type to to-field from-type from from-field], got " + p.size());
        List<String> checked = linkPath(p.get(1), p.get(2), p.get(4), p.subList(5, p.size()));
        for (int i : new int[] {0, 3})
            if (!checked.get(i).equals(p.get(i)))
                throw new MachineError("the link names neuron `" + p.get(i + 1) + "` with type `" + p.get(i) + "`, but network `" + name
                        + "` declares it as `" + checked.get(i) + "`");
        return checked;
    }

    /** The rank-4 (name-keyed) view of a rank-6 matrix. */
    public static VValue namedView(VValue w6) {
        VBuilder b = new VBuilder();
        w6.forEachLeaf((p, x) -> {
            if (p.size() < 6) return;
            List<String> q = new ArrayList<>(p.size() - 2);
            q.add(p.get(1));
            q.add(p.get(2));
            q.addAll(p.subList(4, p.size()));
            b.addAt(q, x);
        });
        return b.build();
    }

    /**
     * Reads a matrix file's V-value as this network's soft matrix: rank 4 (the published
     * layout, leaves at depth 4) or rank 6 (leaves at depth 6 or more). Every neuron it names
     * must be declared; the error lists all that are not.
     */
    public VValue matrixFromFile(VValue m, String file) {
        int[] depth = {Integer.MAX_VALUE, 0};
        m.forEachLeaf((p, x) -> {
            depth[0] = Math.min(depth[0], p.size());
            depth[1] = Math.max(depth[1], p.size());
        });
        if (m.isZero()) return m;
        boolean rank4 = depth[0] == 4 && depth[1] == 4;
        if (!rank4 && depth[0] < 6)
            throw new MachineError(file + ": not a matrix: leaves at depth " + depth[0] + (depth[0] == depth[1] ? "" : " to " + depth[1])
                    + " (a rank-4 matrix has them at depth 4, a rank-6 one at depth 6)");
        TreeSet<String> unknown = new TreeSet<>();
        m.forEachLeaf((p, x) -> {
            String to = rank4 ? p.get(0) : p.get(1), from = rank4 ? p.get(2) : p.get(4);
            if (!neurons.containsKey(to)) unknown.add(to);
            if (!neurons.containsKey(from)) unknown.add(from);
        });
        if (!unknown.isEmpty())
            throw new MachineError(file + " names neurons that network `" + name + "` does not declare: " + String.join(", ", unknown));
        if (!rank4) check(m, false);
        Set<String> problems = new LinkedHashSet<>();
        m.forEachLeaf((p, x) -> {
            int o = rank4 ? 0 : 1; // rank 4: to, to-field, from, from-field; rank 6: the types come first
            String in = fieldProblem(neurons.get(p.get(o)), p.get(o + 1), true);
            if (in != null) problems.add(in);
            int s = rank4 ? 2 : 4;
            if (p.size() > s + 1) {
                String out = fieldProblem(neurons.get(p.get(s)), p.get(s + 1), false);
                if (out != null) problems.add(out);
            }
        });
        if (!problems.isEmpty()) {
            List<String> shown = new ArrayList<>(problems);
            throw new MachineError(file + ": " + (shown.size() == 1 ? shown.get(0)
                    : shown.size() + " fields do not exist: " + String.join("; ", shown.subList(0, Math.min(5, shown.size())))
                            + (shown.size() > 5 ? "; ..." : "")));
        }
        VValue w6 = rank4 ? fromNamedView(m) : m;
        checkTypes(w6);
        return w6;
    }

    /** The rank-6 matrix of a rank-4 (name-keyed) one, using this network's declared types. */
    public VValue fromNamedView(VValue w4) {
        VBuilder b = new VBuilder();
        w4.forEachLeaf((p, x) -> {
            if (p.size() < 4)
                throw new MachineError("a rank-4 matrix has leaves at depth 4 (to-neuron, to-field, from-neuron, from-field); found one at "
                        + (p.isEmpty() ? "the root" : String.join(".", p)));
            b.addAt(linkPath(p.get(0), p.get(1), p.get(2), p.subList(3, p.size())), x);
        });
        return b.build();
    }

    @Override
    public String toString() {
        return "#<network " + name + ": " + neurons.size() + " neurons, " + softLinkCount() + " soft links, "
                + Ops.primal(hard).leafCount() + " hard links, cycle " + cycle + ">";
    }
}
