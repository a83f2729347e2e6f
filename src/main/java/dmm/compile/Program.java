package dmm.compile;

import dmm.ad.Cotangent;
import dmm.ad.Ops;
import dmm.vvalue.VValue;
import java.util.List;

/**
 * A compiled neuron body: a straight-line program in single-assignment form. Slots
 * {@code 0..inputs-1} are the neuron's inputs (its input fields in order, or the whole input map
 * in slot 0), slot {@code inputs + k} the value of operation k; {@link #result} is the slot
 * returned.
 *
 * <p>{@link #forward} runs the operations in order on primal values; {@link #pullback} runs them
 * backwards, each operation's transpose rule adding into its arguments' {@link Cotangent}s, the
 * rule the tape uses (a slot not computed from an input — a constant, a stop-gradient — takes no
 * cotangent, as an untracked value takes none). The interpreter under {@code grad} records one
 * tape entry per primitive in evaluation order and its backward walk runs them in reverse; the
 * operations here are those primitives in that order, so values and gradients are the
 * interpreter's bit for bit, without the interpreter and without an entry per primitive.
 */
final class Program {
    /** The input fields bound to slots 0.., or null when slot 0 is the whole input map. */
    final String[] fields;
    final int inputs;
    final Op[] ops;
    final int result;
    /** Per slot: computed from an input (takes a cotangent). */
    final boolean[] differentiable;
    /** Per slot: a number whatever the inputs. */
    final boolean[] number;
    private final boolean readsNumbersOnly;

    Program(String[] fields, List<Op> ops, int result) {
        this.fields = fields;
        this.inputs = fields == null ? 1 : fields.length;
        this.ops = ops.toArray(Op[]::new);
        this.result = result;
        int n = inputs + this.ops.length;
        differentiable = new boolean[n];
        number = new boolean[n];
        for (int i = 0; i < inputs; i++) differentiable[i] = true;
        for (int k = 0; k < this.ops.length; k++) {
            Op op = this.ops[k];
            boolean d = false;
            if (!(op instanceof Op.StopGradient)) for (int a : op.args()) d |= differentiable[a];
            differentiable[inputs + k] = d;
            number[inputs + k] = op.number(number);
        }
        readsNumbersOnly = numbersOut();
    }

    /** The number of slots. */
    int size() {
        return differentiable.length;
    }

    /** Every slot's value for these inputs (the result at {@link #result}). */
    VValue[] forward(VValue in) {
        VValue[] v = new VValue[size()];
        if (fields == null) v[0] = in;
        else for (int i = 0; i < inputs; i++) v[i] = in.get(fields[i]);
        for (int k = 0; k < ops.length; k++) v[inputs + k] = ops[k].forward(v);
        return v;
    }

    /** True when the result does not depend on the inputs. */
    boolean constant() {
        return !differentiable[result];
    }

    /**
     * True when the result is a map whose every field is a number whatever the inputs: the
     * pullback then reads only the {@code :number} part of each output field's cotangent (every
     * rule that reaches a number-valued slot reads only its cotangent's scalar part).
     */
    boolean readsNumbersOnly() {
        return readsNumbersOnly;
    }

    private boolean numbersOut() {
        if (result < inputs || !(ops[result - inputs] instanceof Op.MakeMap m)) return false;
        for (int x : m.values()) if (!number[x]) return false;
        return true;
    }

    /**
     * The cotangent of the input map, given every slot's value ({@link #forward}) and the result's
     * cotangent {@code g}: the operations' transpose rules run last to first, each with the
     * cotangent its slot has accumulated, as the tape's backward walk runs their entries.
     */
    VValue pullback(VValue[] v, VValue g) {
        if (g.isZero() || !differentiable[result]) return VValue.ZERO;
        Cotangent[] c = new Cotangent[size()];
        SlotSink sink = new SlotSink(c, differentiable);
        VValue resultG = g;
        for (int k = ops.length - 1; k >= 0; k--) {
            int slot = inputs + k;
            if (!differentiable[slot]) continue;
            VValue gk;
            if (slot == result) gk = resultG;
            else {
                Cotangent ck = c[slot];
                if (ck == null || !ck.hasCotangent()) continue;
                gk = ck.cotangentValue();
            }
            if (gk.isZero()) continue;
            sink.args = ops[k].args();
            ops[k].transpose(v, v[slot], gk, sink);
        }
        if (result < inputs) sink.into(result).accumulate(1, g);
        return inputCotangent(c);
    }

    /** The input map's cotangent from its slots', as {@code Ops.fields}' entry assembles it (a field at a time, in order). */
    private VValue inputCotangent(Cotangent[] c) {
        if (fields == null) return c[0] == null ? VValue.ZERO : c[0].cotangentValue();
        Cotangent in = new Cotangent();
        for (int i = 0; i < inputs; i++) {
            if (c[i] == null || !c[i].hasCotangent()) continue;
            VValue gi = c[i].cotangentValue();
            in.accumulate(1, fields[i].equals(VValue.NUMBER) ? VValue.of(gi.scalarPart()) : VValue.of(fields[i], gi));
        }
        return in.cotangentValue();
    }

    /** The sink of one operation's transpose: argument i is slot {@code args[i]}. */
    private static final class SlotSink implements Ops.Sink {
        private final Cotangent[] c;
        private final boolean[] differentiable;
        int[] args;

        SlotSink(Cotangent[] c, boolean[] differentiable) {
            this.c = c;
            this.differentiable = differentiable;
        }

        Cotangent into(int slot) {
            Cotangent x = c[slot];
            return x != null ? x : (c[slot] = new Cotangent());
        }

        @Override
        public boolean wants(int arg) {
            return differentiable[args[arg]];
        }

        @Override
        public void add(int arg, double w, VValue g) {
            int slot = args[arg];
            if (differentiable[slot]) into(slot).accumulate(w, g);
        }
    }

    /** The program as text, one operation per line (for {@code explain-neuron}). */
    String listing() {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < ops.length; k++) {
            b.append("  %").append(inputs + k).append(" = ").append(ops[k].name());
            for (int a : ops[k].args()) b.append(" %").append(a);
            b.append('\n');
        }
        b.append("  result %").append(result);
        return b.toString();
    }
}
