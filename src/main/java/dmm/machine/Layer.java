package dmm.machine;

import dmm.ad.Ops;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One layer of a network's state (its outputs, or its inputs): a value per neuron, keyed by
 * (type, name). Its rank-3 tree {@code L[type][name][field]} is built only when asked for, so
 * a cycle and an observation of one neuron never assemble the whole layer.
 */
final class Layer {
    static final Layer EMPTY = new Layer(List.of(), new Object[0]);

    final List<String[]> keys;
    final Object[] values;
    private Map<String, Integer> index;
    private Object tree;

    Layer(List<String[]> keys, Object[] values) {
        this(keys, values, null);
    }

    /** A layer whose key index is already known (shared by every cycle of a compiled run). */
    Layer(List<String[]> keys, Object[] values, Map<String, Integer> index) {
        this.keys = keys;
        this.values = values;
        this.index = index;
    }

    /** The index of keys to positions (for sharing between layers with the same keys). */
    static Map<String, Integer> indexOf(List<String[]> keys) {
        Map<String, Integer> m = new HashMap<>(keys.size() * 2);
        for (int i = 0; i < keys.size(); i++) m.put(key(keys.get(i)[0], keys.get(i)[1]), i);
        return m;
    }

    static String key(String type, String name) {
        return type + '\u0000' + name;
    }

    private Map<String, Integer> index() {
        Map<String, Integer> m = index;
        if (m == null) index = m = indexOf(keys);
        return m;
    }

    /** The value of neuron (type, name); zero when absent. */
    Object get(String type, String name) {
        Integer i = index().get(key(type, name));
        return i == null ? VValue.ZERO : values[i];
    }

    /** This layer with the value of (type, name) replaced or added. */
    Layer with(String type, String name, Object v) {
        Integer i = index().get(key(type, name));
        if (i != null) {
            Object[] vs = values.clone();
            vs[i] = v;
            return new Layer(keys, vs);
        }
        List<String[]> ks = new ArrayList<>(keys);
        ks.add(new String[] {type, name});
        Object[] vs = Arrays.copyOf(values, values.length + 1);
        vs[values.length] = v;
        return new Layer(ks, vs);
    }

    /** The rank-3 tree {@code [type][name] -> value} (a tracked value under grad). */
    Object tree() {
        Object t = tree;
        if (t == null) {
            List<List<String>> paths = new ArrayList<>(keys.size());
            for (String[] k : keys) paths.add(List.of(k[0], k[1]));
            t = values.length == 0 ? VValue.ZERO : Ops.makeTree(paths, values);
            if (!Ops.isTracked(t)) tree = t;
        }
        return t;
    }

    /** A layer from a rank-3 tree (for the general down movement and for presets). */
    static Layer fromTree(Object tree, List<String[]> keys) {
        Object[] vs = new Object[keys.size()];
        for (int i = 0; i < vs.length; i++) vs[i] = Ops.getIn(tree, List.of(keys.get(i)[0], keys.get(i)[1]));
        return new Layer(keys, vs);
    }
}
