package dmm.compile;

import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Exact simplifications of a lowered program, applied once before it runs:
 *
 * <ul>
 *   <li><b>A map literal read only by {@code get}s</b> — {@code (let [in {:x x :y y}] ... (get in :x))},
 *       how a neuron hands its fields to a helper function — is not built: each {@code get} is the
 *       value under its key. This is exact when each key is read at most once and each value
 *       feeds nothing but the literal: forward, the value is the one the literal would hold
 *       (the literal adds it to zero); backward, the value's cotangent is the sum its one reader
 *       accumulates, which the literal would have passed on unchanged.</li>
 *   <li><b>Operations nothing reads</b> that cannot fail — constants, and the literals and gets
 *       above — are dropped (the interpreter's entries for them receive no cotangent).</li>
 * </ul>
 * Operations that can fail at run time stay, so a program fails where the interpreter does.
 */
final class Simplify {
    private Simplify() {}

    static List<Op> run(int inputs, List<Op> ops, int[] result) {
        int n = inputs + ops.size();
        int[] uses = new int[n];
        for (Op op : ops) for (int a : op.args()) uses[a]++;
        uses[result[0]]++;
        int[] replace = new int[n];
        for (int s = 0; s < n; s++) replace[s] = s;
        boolean[] drop = new boolean[n];
        for (int k = 0; k < ops.size(); k++) {
            if (!(ops.get(k) instanceof Op.MakeMap m)) continue;
            int slot = inputs + k;
            List<Integer> readers = readers(ops, inputs, slot, k);
            if (readers == null || readers.size() != uses[slot] || !foldable(m, readers, ops, inputs, uses)) continue;
            for (int g : readers) {
                String key = ((Op.GetIn) ops.get(g - inputs)).path().get(0);
                replace[g] = m.values()[indexOf(m.keys(), key)];
                drop[g] = true;
            }
            drop[slot] = true;
        }
        for (int s = 0; s < n; s++) replace[s] = replace[replace[s]];   // a get of a value that was itself a get (replacements point back)
        // drop what nothing reads and cannot fail: constants (say, a clamp's bounds)
        int[] live = new int[n];
        for (int k = 0; k < ops.size(); k++) if (!drop[inputs + k]) for (int a : ops.get(k).args()) live[replace[a]]++;
        live[replace[result[0]]]++;
        for (int k = 0; k < ops.size(); k++) if (ops.get(k) instanceof Op.Const && live[inputs + k] == 0) drop[inputs + k] = true;
        // renumber
        int[] renamed = new int[n];
        for (int s = 0; s < inputs; s++) renamed[s] = s;
        List<Op> out = new ArrayList<>();
        for (int k = 0; k < ops.size(); k++) {
            int slot = inputs + k;
            if (drop[slot]) continue;
            renamed[slot] = inputs + out.size();
            out.add(remap(ops.get(k), s -> renamed[replace[s]]));
        }
        result[0] = renamed[replace[result[0]]];
        return out;
    }

    /** The slots of the {@code get}s of one key that read the literal at {@code slot} (null when something else reads it). */
    private static List<Integer> readers(List<Op> ops, int inputs, int slot, int k) {
        List<Integer> r = new ArrayList<>();
        for (int j = k + 1; j < ops.size(); j++) {
            Op op = ops.get(j);
            boolean reads = false;
            for (int a : op.args()) reads |= a == slot;
            if (!reads) continue;
            if (!(op instanceof Op.GetIn g) || g.path().size() != 1) return null;
            r.add(inputs + j);
        }
        return r;
    }

    private static boolean foldable(Op.MakeMap m, List<Integer> readers, List<Op> ops, int inputs, int[] uses) {
        Set<String> keys = new HashSet<>();
        for (String key : m.keys()) if (key.equals(VValue.NUMBER)) return false;
        for (int g : readers) {
            String key = ((Op.GetIn) ops.get(g - inputs)).path().get(0);
            int i = indexOf(m.keys(), key);
            if (i < 0 || !keys.add(key) || uses[m.values()[i]] != 1) return false;
        }
        return true;
    }

    private static int indexOf(String[] keys, String key) {
        for (int i = 0; i < keys.length; i++) if (keys[i].equals(key)) return i;
        return -1;
    }

    private interface Rename {
        int of(int slot);
    }

    private static Op remap(Op op, Rename r) {
        if (op instanceof Op.Const) return op;
        if (op instanceof Op.Add o) return new Op.Add(r.of(o.a()), r.of(o.b()));
        if (op instanceof Op.Subtract o) return new Op.Subtract(r.of(o.a()), r.of(o.b()));
        if (op instanceof Op.Negate o) return new Op.Negate(r.of(o.a()));
        if (op instanceof Op.Sum o) return new Op.Sum(all(o.xs(), r));
        if (op instanceof Op.Multiply o) return new Op.Multiply(r.of(o.a()), r.of(o.b()));
        if (op instanceof Op.Scale o) return new Op.Scale(r.of(o.k()), r.of(o.v()));
        if (op instanceof Op.Divide o) return new Op.Divide(r.of(o.v()), r.of(o.k()));
        if (op instanceof Op.Dot o) return new Op.Dot(r.of(o.a()), r.of(o.b()));
        if (op instanceof Op.Num o) return new Op.Num(r.of(o.a()));
        if (op instanceof Op.SumLeaves o) return new Op.SumLeaves(r.of(o.a()));
        if (op instanceof Op.MaxNorm o) return new Op.MaxNorm(r.of(o.a()));
        if (op instanceof Op.Pick o) return new Op.Pick(r.of(o.a()), r.of(o.b()), o.larger());
        if (op instanceof Op.Leafwise o) return new Op.Leafwise(r.of(o.a()), o.f());
        if (op instanceof Op.GetIn o) return new Op.GetIn(r.of(o.a()), o.path());
        if (op instanceof Op.MakeMap o) return new Op.MakeMap(o.keys(), all(o.values(), r));
        if (op instanceof Op.StopGradient o) return new Op.StopGradient(r.of(o.a()));
        throw new IllegalStateException("an operation Simplify does not know: " + op.name());
    }

    private static int[] all(int[] xs, Rename r) {
        int[] out = new int[xs.length];
        for (int i = 0; i < xs.length; i++) out[i] = r.of(xs[i]);
        return out;
    }
}
