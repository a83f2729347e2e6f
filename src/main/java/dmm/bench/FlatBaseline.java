package dmm.bench;

import dmm.ad.Ops;
import dmm.machine.Network;
import dmm.machine.NeuronDecl;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A hand-written, non-general forward pass of the DMM Lite networks of the flagship experiment
 * on flat arrays: every wire is a dense vector over the string's characters (plus the scalar),
 * every neuron type is a Java method. It computes exactly what the general engine computes for
 * these networks and is the speed limit of this computation on the JVM.
 */
final class FlatBaseline {
    private enum Kind { TIMER, DRIVER, CONST_1, CONST_END, OUTPUT, ACCUM, NORM, DOT, COMPARE }

    private final String text;
    private final int k; // vector length: scalar + characters
    private final Map<String, Integer> charIndex = new HashMap<>();
    private final Kind[] kinds;
    private final String[] names;
    // output slots: per neuron, per output field, an index into the slot table
    private final int[][] outSlot;
    // input rows: per neuron, per input field (fixed order per kind), the contributing slots and weights
    private final int[][][] rowSrc;
    private final double[][][] rowW;
    private final int slots;

    private static final String[][] INPUTS = {
        {}, {}, {}, {}, {"dict-1", "dict-2"}, {"dict-2"}, {"dict"}, {"dict-1", "dict-2"}, {"dict-1", "dict-2"}};
    private static final String[][] OUTPUTS = {
        {"timer"}, {"char"}, {"const_1"}, {"char"}, {}, {"dict"}, {"norm"}, {"dot"}, {"true", "false"}};

    FlatBaseline(Network net, String text) {
        this.text = text;
        TreeSet<String> chars = new TreeSet<>();
        for (char c : text.toCharArray()) chars.add(String.valueOf(c));
        chars.add(".");
        int i = 1;
        for (String c : chars) charIndex.put(c, i++);
        k = i;
        List<NeuronDecl> decls = new ArrayList<>(net.neurons().values());
        int n = decls.size();
        kinds = new Kind[n];
        names = new String[n];
        Map<String, Integer> index = new HashMap<>();
        for (int j = 0; j < n; j++) {
            names[j] = decls.get(j).name();
            kinds[j] = kindOf(decls.get(j).type());
            index.put(names[j], j);
        }
        outSlot = new int[n][];
        Map<String, Integer> slotOf = new HashMap<>();
        int s = 0;
        for (int j = 0; j < n; j++) {
            String[] outs = OUTPUTS[kinds[j].ordinal()];
            outSlot[j] = new int[outs.length];
            for (int f = 0; f < outs.length; f++) {
                outSlot[j][f] = s;
                slotOf.put(names[j] + "." + outs[f], s++);
            }
        }
        slots = s;
        VValue w4 = Network.namedView(Ops.primal(net.softMatrix()));
        rowSrc = new int[n][][];
        rowW = new double[n][][];
        for (int j = 0; j < n; j++) {
            String[] ins = INPUTS[kinds[j].ordinal()];
            rowSrc[j] = new int[ins.length][];
            rowW[j] = new double[ins.length][];
            for (int f = 0; f < ins.length; f++) {
                VValue row = w4.getIn(names[j], ins[f]);
                List<int[]> srcs = new ArrayList<>();
                List<Double> ws = new ArrayList<>();
                row.forEachLeaf((p, x) -> {
                    Integer sl = slotOf.get(p.get(0) + "." + p.get(1));
                    if (sl == null) throw new IllegalArgumentException("baseline: unsupported link from " + String.join(".", p));
                    srcs.add(new int[] {sl});
                    ws.add(x);
                });
                rowSrc[j][f] = srcs.stream().mapToInt(a -> a[0]).toArray();
                rowW[j][f] = ws.stream().mapToDouble(Double::doubleValue).toArray();
            }
        }
    }

    private static Kind kindOf(String type) {
        return switch (type) {
            case "timer" -> Kind.TIMER;
            case "text-driver" -> Kind.DRIVER;
            case "const-1" -> Kind.CONST_1;
            case "const-end" -> Kind.CONST_END;
            case "output" -> Kind.OUTPUT;
            case "sum-dicts", "sum-dicts-published" -> Kind.ACCUM;
            case "max-norm" -> Kind.NORM;
            case "dot" -> Kind.DOT;
            case "compare" -> Kind.COMPARE;
            default -> throw new IllegalArgumentException("baseline: unsupported neuron type " + type);
        };
    }

    /** Runs {@code cycles} cycles; returns the output neuron's two observed inputs per cycle. */
    double[][] run(int cycles) {
        double[][] y = new double[slots][k], next = new double[slots][k];
        double[][] observed = new double[cycles][2];
        double[] a = new double[k], b = new double[k];
        for (int c = 1; c <= cycles; c++) {
            for (int j = 0; j < kinds.length; j++) {
                int[] os = outSlot[j];
                switch (kinds[j]) {
                    case TIMER -> set(next[os[0]], c);
                    case DRIVER -> {
                        double[] out = next[os[0]];
                        Arrays.fill(out, 0);
                        int t = c - 1;
                        if (t % 10 == 0) out[charIndex.get(String.valueOf(text.charAt(Math.min(t / 10, text.length() - 1))))] = 1;
                    }
                    case CONST_1 -> set(next[os[0]], 1);
                    case CONST_END -> {
                        Arrays.fill(next[os[0]], 0);
                        next[os[0]][charIndex.get(".")] = 1;
                    }
                    case OUTPUT -> {
                        gather(j, 0, y, a);
                        gather(j, 1, y, b);
                        observed[c - 1][0] = a[0];
                        observed[c - 1][1] = b[0];
                    }
                    case ACCUM -> {
                        gather(j, 0, y, a);
                        double[] mem = y[os[0]], out = next[os[0]];
                        for (int q = 0; q < k; q++) out[q] = mem[q] + a[q];
                    }
                    case NORM -> {
                        gather(j, 0, y, a);
                        double m = 0;
                        for (int q = 0; q < k; q++) m = Math.max(m, Math.abs(a[q]));
                        set(next[os[0]], m);
                    }
                    case DOT -> {
                        gather(j, 0, y, a);
                        gather(j, 1, y, b);
                        double d = 0;
                        for (int q = 0; q < k; q++) d += a[q] * b[q];
                        set(next[os[0]], Math.max(-4, Math.min(4, d)));
                    }
                    case COMPARE -> {
                        gather(j, 0, y, a);
                        gather(j, 1, y, b);
                        double d = a[0] - b[0];
                        set(next[os[0]], Math.max(0, d));
                        set(next[os[1]], Math.max(0, -d));
                    }
                }
            }
            double[][] t = y;
            y = next;
            next = t;
        }
        return observed;
    }

    private void gather(int neuron, int field, double[][] y, double[] into) {
        Arrays.fill(into, 0);
        int[] src = rowSrc[neuron][field];
        double[] w = rowW[neuron][field];
        for (int j = 0; j < src.length; j++) {
            double[] v = y[src[j]];
            double wj = w[j];
            for (int q = 0; q < k; q++) into[q] += wj * v[q];
        }
    }

    private static void set(double[] v, double scalar) {
        Arrays.fill(v, 0);
        v[0] = scalar;
    }
}
