package dmm.compile;

import dmm.ad.Ops;
import dmm.lang.Body;
import dmm.lang.Builtin;
import dmm.lang.Closure;
import dmm.lang.Keyword;
import dmm.lang.Span;
import dmm.lang.Var;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers a neuron function's analyzed body ({@link Body}) to a {@link Program}: the compiled
 * subset is straight-line V-value code — input fields, constants, {@code let}, map literals with
 * constant keys, the differentiable built-ins ({@code + - * / scale dot max-norm sum num max min
 * relu abs clamp tanh sigmoid exp log sqrt square pow get get-in stop-gradient}) with constant
 * keys, paths, bounds and exponents, and calls to functions written in the language, inlined.
 * Anything else is refused with the first form that kept the neuron interpreted ({@link Refused}).
 * Every operation is emitted in the interpreter's evaluation order (arguments left to right,
 * then the call), which is what makes the compiled pullback the tape's.
 *
 * <p>Global names are late-bound: the lowering reads each var once and records what it read
 * ({@link #reads}), and the program stands only while every one of them is unchanged.
 */
final class Lowering {
    /** Why a body is not compiled: the form and the reason. */
    static final class Refused extends Exception {
        final Span span;

        Refused(String why, Span span) {
            super(why, null, false, false);
            this.span = span;
        }
    }

    /** A compile-time value: a slot of the program, or a constant that is not a V-value slot (a key, a path, a function). */
    private sealed interface Val {}

    private record Slot(int slot) implements Val {}

    private record Constant(Object value) implements Val {}

    private static final int MAX_INLINE_DEPTH = 16;

    private final Map<String, Builtin> builtins;
    private final List<Op> ops = new ArrayList<>();
    private int inputs;
    /** The vars read, with the value each had (identity). */
    final Map<Var, Object> reads = new IdentityHashMap<>();
    /** Constant V-values already in a slot, so a constant used twice is one operation. */
    private final Map<VValue, Integer> constants = new HashMap<>();

    /** {@code builtins}: the interpreter's own built-in functions, by name, as they were when it started. */
    Lowering(Map<String, Builtin> builtins) {
        this.builtins = builtins;
    }

    /** The program of neuron function {@code c}. */
    Program lower(Closure c) throws Refused {
        String[] fields = c.takesWholeInputMap() ? null : c.neuronFields().toArray(String[]::new);
        inputs = fields == null ? 1 : fields.length;
        Val[] frame = new Val[Math.max(64, inputs)];
        for (int i = 0; i < inputs; i++) frame[i] = new Slot(i);
        Val r = lower(c.body(), new Locals(frame), 0);
        int[] result = {slot(r, c.body().span(), "the neuron's result")};
        List<Op> simplified = Simplify.run(inputs, ops, result);
        return new Program(fields, simplified, result[0]);
    }

    /** A function's locals during lowering (slots grow as needed). */
    private static final class Locals {
        Val[] slots;

        Locals(Val[] slots) {
            this.slots = slots;
        }

        Val get(int i) {
            return i < slots.length ? slots[i] : null;
        }

        void set(int i, Val v) {
            if (i >= slots.length) slots = Arrays.copyOf(slots, Math.max(i + 1, slots.length * 2));
            slots[i] = v;
        }
    }

    private Slot emit(Op op) {
        ops.add(op);
        return new Slot(inputs + ops.size() - 1);
    }

    private Val lower(Body b, Locals f, int depth) throws Refused {
        if (b instanceof Body.Constant k) return constant(k.value());
        if (b instanceof Body.Local l) {
            Val v = f.get(l.slot());
            if (v == null) throw new Refused("a local the compiler does not know", l.span());
            return v;
        }
        if (b instanceof Body.Global g) {
            if (!g.var().isBound()) throw new Refused("`" + g.var().name() + "` is not defined", g.span());
            Object v = g.var().get();
            reads.put(g.var(), v);
            return constant(v);
        }
        if (b instanceof Body.Let l) {
            for (int i = 0; i < l.slots().length; i++) f.set(l.slots()[i], lower(l.inits().get(i), f, depth));
            return lower(l.body(), f, depth);
        }
        if (b instanceof Body.MapLiteral m) return map(m, f, depth);
        if (b instanceof Body.Vector v) {
            List<Object> items = new ArrayList<>();
            for (Body item : v.items()) {
                Val x = lower(item, f, depth);
                if (!(x instanceof Constant k)) throw new Refused("a vector of computed V-values (only constant key paths compile)", v.span());
                items.add(k.value());
            }
            return new Constant(List.copyOf(items));
        }
        if (b instanceof Body.Call call) return call(call, f, depth);
        Body.Other o = (Body.Other) b;
        throw new Refused("`(" + o.form() + " ...)` is not straight-line V-value code", o.span());
    }

    private Val constant(Object v) {
        if (v instanceof VValue x) {
            Integer s = constants.get(x);
            if (s == null) constants.put(x, s = emit(new Op.Const(x)).slot());
            return new Slot(s);
        }
        return new Constant(v);
    }

    private int slot(Val v, Span span, String what) throws Refused {
        if (v instanceof Slot s) return s.slot();
        Object x = ((Constant) v).value();
        throw new Refused(what + " is " + describe(x) + ", not a V-value", span);
    }

    private static String describe(Object x) {
        if (x == null) return "nil";
        if (x instanceof Keyword k) return "the keyword :" + k.name();
        if (x instanceof String s) return "the string \"" + s + "\"";
        if (x instanceof Closure c) return "the function " + c.name();
        if (x instanceof Builtin b) return "the built-in " + b.name();
        return "a " + x.getClass().getSimpleName();
    }

    private Val map(Body.MapLiteral m, Locals f, int depth) throws Refused {
        int n = m.keys().size();
        String[] keys = new String[n];
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            Val k = lower(m.keys().get(i), f, depth);
            keys[i] = key(k, m.keys().get(i).span());
            for (int j = 0; j < i; j++)
                if (keys[j].equals(keys[i])) throw new Refused("the key `" + keys[i] + "` twice in one map literal", m.keys().get(i).span());
            values[i] = slot(lower(m.values().get(i), f, depth), m.values().get(i).span(), "the value for `" + keys[i] + "`");
        }
        return emit(new Op.MakeMap(keys, values));
    }

    private static String key(Val k, Span span) throws Refused {
        if (k instanceof Constant c) {
            if (c.value() instanceof Keyword kw) return kw.name();
            if (c.value() instanceof String s) return s;
        }
        throw new Refused("a key that is not a constant keyword or string", span);
    }

    private Val call(Body.Call call, Locals f, int depth) throws Refused {
        Val fn = lower(call.fn(), f, depth);
        List<Val> args = new ArrayList<>();
        for (Body a : call.args()) args.add(lower(a, f, depth));
        Object callee = fn instanceof Constant c ? c.value() : null;
        if (callee instanceof Builtin b) {
            if (builtins.get(b.name()) != b)
                throw new Refused("`" + b.name() + "` is not a differentiable built-in the compiler knows", call.span());
            return builtin(b.name(), args, call);
        }
        if (callee instanceof Closure c && !c.isNeuron()) return inline(c, args, call, depth);
        throw new Refused("a call of " + (callee == null ? "a computed function" : describe(callee)) + " (only built-ins and functions written in the language compile)", call.span());
    }

    private Val inline(Closure c, List<Val> args, Body.Call call, int depth) throws Refused {
        if (depth >= MAX_INLINE_DEPTH) throw new Refused("calls nested more than " + MAX_INLINE_DEPTH + " deep (recursion?) in `" + c.name() + "`", call.span());
        if (c.hasRestParameter() || args.size() != c.requiredParameters())
            throw new Refused("`" + c.name() + "` called with " + args.size() + " arguments " + c.params(), call.span());
        Val[] frame = new Val[Math.max(64, args.size())];
        for (int i = 0; i < args.size(); i++) frame[i] = args.get(i);
        return lower(c.body(), new Locals(frame), depth + 1);
    }

    private Val builtin(String name, List<Val> a, Body.Call call) throws Refused {
        int n = a.size();
        Span sp = call.span();
        switch (name) {
            case "+":
                if (n == 0) return constant(VValue.ZERO);
                if (n == 1) return new Slot(slot(a.get(0), sp, "the argument of +"));
                if (n == 2) return emit(new Op.Add(s(a, 0, sp), s(a, 1, sp)));
                int[] xs = new int[n];
                for (int i = 0; i < n; i++) xs[i] = s(a, i, sp);
                return emit(new Op.Sum(xs));
            case "-": {
                arity(name, n, 1, -1, sp);
                if (n == 1) return emit(new Op.Negate(s(a, 0, sp)));
                int r = s(a, 0, sp);
                for (int i = 1; i < n; i++) r = emit(new Op.Subtract(r, s(a, i, sp))).slot();
                return new Slot(r);
            }
            case "*": {
                if (n == 0) return constant(VValue.ONE);
                int r = s(a, 0, sp);
                for (int i = 1; i < n; i++) r = emit(new Op.Multiply(r, s(a, i, sp))).slot();
                return new Slot(r);
            }
            case "/": {
                arity(name, n, 1, -1, sp);
                if (n == 1) return emit(new Op.Divide(((Slot) constant(VValue.ONE)).slot(), s(a, 0, sp)));
                int r = s(a, 0, sp);
                for (int i = 1; i < n; i++) r = emit(new Op.Divide(r, s(a, i, sp))).slot();
                return new Slot(r);
            }
            case "max", "min": {
                arity(name, n, 1, -1, sp);
                int r = s(a, 0, sp);
                for (int i = 1; i < n; i++) r = emit(new Op.Pick(r, s(a, i, sp), name.equals("max"))).slot();
                return new Slot(r);
            }
            case "scale":
                arity(name, n, 2, 2, sp);
                return emit(new Op.Scale(s(a, 0, sp), s(a, 1, sp)));
            case "dot":
                arity(name, n, 2, 2, sp);
                return emit(new Op.Dot(s(a, 0, sp), s(a, 1, sp)));
            case "max-norm", "sum", "num", "stop-gradient", "relu", "abs", "tanh", "sigmoid", "exp", "log", "sqrt", "square": {
                arity(name, n, 1, 1, sp);
                int x = s(a, 0, sp);
                return emit(switch (name) {
                    case "max-norm" -> new Op.MaxNorm(x);
                    case "sum" -> new Op.SumLeaves(x);
                    case "num" -> new Op.Num(x);
                    case "stop-gradient" -> new Op.StopGradient(x);
                    default -> new Op.Leafwise(x, LEAFWISE.get(name));
                });
            }
            case "clamp": {
                arity(name, n, 3, 3, sp);
                double lo = number(a.get(1), sp, "clamp's lower bound"), hi = number(a.get(2), sp, "clamp's upper bound");
                if (lo > hi) throw new Refused("clamp's lower bound exceeds its upper bound", sp);
                return emit(new Op.Leafwise(s(a, 0, sp), Ops.clampTo(lo, hi)));
            }
            case "pow":
                arity(name, n, 2, 2, sp);
                return emit(new Op.Leafwise(s(a, 0, sp), Ops.powerOf(number(a.get(1), sp, "pow's exponent"))));
            case "get":
                arity(name, n, 2, 2, sp);
                return emit(new Op.GetIn(s(a, 0, sp), List.of(key(a.get(1), sp))));
            case "get-in": {
                arity(name, n, 2, 2, sp);
                return emit(new Op.GetIn(s(a, 0, sp), path(a.get(1), sp)));
            }
            default:
                throw new Refused("`" + name + "` is not a differentiable built-in the compiler knows", sp);
        }
    }

    private static final Map<String, Ops.Leafwise> LEAFWISE = Map.of("relu", Ops.RELU, "abs", Ops.ABS, "tanh", Ops.TANH,
            "sigmoid", Ops.SIGMOID, "exp", Ops.EXP, "log", Ops.LOG, "sqrt", Ops.SQRT, "square", Ops.SQUARE);

    /** The built-ins the compiler knows, by name. */
    static final List<String> BUILTINS = List.of("+", "-", "*", "/", "max", "min", "scale", "dot", "max-norm", "sum", "num",
            "stop-gradient", "relu", "abs", "tanh", "sigmoid", "exp", "log", "sqrt", "square", "clamp", "pow", "get", "get-in");

    private int s(List<Val> a, int i, Span sp) throws Refused {
        return slot(a.get(i), sp, "argument " + (i + 1));
    }

    private static void arity(String name, int n, int min, int max, Span sp) throws Refused {
        if (n < min || (max >= 0 && n > max)) throw new Refused("`" + name + "` with " + n + " arguments", sp);
    }

    /** A constant number (a slot holding a constant scalar). */
    private double number(Val v, Span sp, String what) throws Refused {
        if (v instanceof Slot s && s.slot() >= inputs && ops.get(s.slot() - inputs) instanceof Op.Const c && c.value().isScalar())
            return c.value().scalarPart();
        throw new Refused(what + " is not a constant number", sp);
    }

    private static List<String> path(Val v, Span sp) throws Refused {
        if (v instanceof Constant c && c.value() instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            for (Object o : l) out.add(key(new Constant(o), sp));
            return List.copyOf(out);
        }
        return List.of(key(v, sp));
    }
}
