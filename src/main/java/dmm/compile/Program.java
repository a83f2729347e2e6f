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
    /** Per slot: computed as a {@code double} (see {@link Frame}). */
    final boolean[] numeric;
    /** Per operation: its kind, for {@link #run}'s switch. */
    private final int[] kinds;
    private final boolean readsNumbersOnly;
    /** True when some slot is held as a number. */
    private final boolean anyNumeric;

    Program(String[] fields, List<Op> ops, int result) {
        this.fields = fields;
        this.inputs = fields == null ? 1 : fields.length;
        this.ops = ops.toArray(Op[]::new);
        this.result = result;
        int n = inputs + this.ops.length;
        differentiable = new boolean[n];
        number = new boolean[n];
        numeric = new boolean[n];
        kinds = new int[this.ops.length];
        for (int i = 0; i < inputs; i++) differentiable[i] = true;
        for (int k = 0; k < this.ops.length; k++) {
            Op op = this.ops[k];
            boolean d = false;
            if (!(op instanceof Op.StopGradient)) for (int a : op.args()) d |= differentiable[a];
            differentiable[inputs + k] = d;
            number[inputs + k] = op.number(number);
            numeric[inputs + k] = op.numeric(numeric);
            kinds[k] = kind(op);
        }
        readsNumbersOnly = numbersOut();
        boolean any = false;
        for (boolean b : numeric) any |= b;
        anyNumeric = any;
        denseForm = fields != null && !List.of(fields).contains(VValue.NUMBER) && differentiable[result] && result >= inputs
                && this.ops[result - inputs] instanceof Op.MakeMap;
    }

    /** True when {@link DensePullback} may run: named input fields (none {@code :number}) and a map literal as the result. */
    final boolean denseForm;

    /** The number of slots. */
    int size() {
        return differentiable.length;
    }

    /** Every slot's value for these inputs (the result: {@code f.val(result)}). */
    Frame forward(VValue in) {
        Frame f = new Frame(size(), numeric, anyNumeric);
        VValue[] v = f.v;
        if (fields == null) v[0] = in;
        else for (int i = 0; i < inputs; i++) v[i] = in.get(fields[i]);
        for (int k = 0; k < ops.length; k++) {
            int slot = inputs + k;
            if (numeric[slot]) f.n[slot] = number(ops[k], kinds[k], f);
            else v[slot] = run(ops[k], kinds[k], f);
        }
        return f;
    }

    // One call site per kind of operation (a switch, each case calling one final class), so the
    // JIT inlines each operation's rule into the loop instead of dispatching through the interface.

    private static final Class<?>[] KINDS = {Op.Const.class, Op.Add.class, Op.Subtract.class, Op.Negate.class, Op.Sum.class,
            Op.Multiply.class, Op.Scale.class, Op.Divide.class, Op.Dot.class, Op.Num.class, Op.SumLeaves.class, Op.MaxNorm.class,
            Op.Pick.class, Op.Leafwise.class, Op.GetIn.class, Op.MakeMap.class, Op.StopGradient.class};

    private static int kind(Op op) {
        for (int i = 0; i < KINDS.length; i++) if (KINDS[i] == op.getClass()) return i;
        throw new IllegalStateException("an operation Program does not know: " + op.name());
    }

    private static VValue run(Op op, int kind, Frame f) {
        return switch (kind) {
            case 0 -> ((Op.Const) op).forward(f);
            case 1 -> ((Op.Add) op).forward(f);
            case 2 -> ((Op.Subtract) op).forward(f);
            case 3 -> ((Op.Negate) op).forward(f);
            case 4 -> ((Op.Sum) op).forward(f);
            case 5 -> ((Op.Multiply) op).forward(f);
            case 6 -> ((Op.Scale) op).forward(f);
            case 7 -> ((Op.Divide) op).forward(f);
            case 8 -> ((Op.Dot) op).forward(f);
            case 9 -> ((Op.Num) op).forward(f);
            case 10 -> ((Op.SumLeaves) op).forward(f);
            case 11 -> ((Op.MaxNorm) op).forward(f);
            case 12 -> ((Op.Pick) op).forward(f);
            case 13 -> ((Op.Leafwise) op).forward(f);
            case 14 -> ((Op.GetIn) op).forward(f);
            case 15 -> ((Op.MakeMap) op).forward(f);
            default -> ((Op.StopGradient) op).forward(f);
        };
    }

    private static double number(Op op, int kind, Frame f) {
        return switch (kind) {
            case 0 -> ((Op.Const) op).forwardNumber(f);
            case 1 -> ((Op.Add) op).forwardNumber(f);
            case 2 -> ((Op.Subtract) op).forwardNumber(f);
            case 3 -> ((Op.Negate) op).forwardNumber(f);
            case 5 -> ((Op.Multiply) op).forwardNumber(f);
            case 8 -> ((Op.Dot) op).forwardNumber(f);
            case 9 -> ((Op.Num) op).forwardNumber(f);
            case 11 -> ((Op.MaxNorm) op).forwardNumber(f);
            case 13 -> ((Op.Leafwise) op).forwardNumber(f);
            case 16 -> ((Op.StopGradient) op).forwardNumber(f);
            default -> op.forwardNumber(f);
        };
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
    VValue pullback(Frame f, VValue g) {
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
            ops[k].transpose(f, f.val(slot), gk, sink);
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
