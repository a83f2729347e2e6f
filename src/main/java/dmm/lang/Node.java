package dmm.lang;

import dmm.ad.Ops;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An analyzed, executable form. The analyzer resolves every symbol once (local slot, captured
 * value or var), so evaluation never looks at raw forms or names again.
 */
public abstract class Node {
    /** Returned by {@code recur}: the enclosing loop or function runs its body again. */
    static final Object RECUR = new Object() {
        @Override
        public String toString() {
            return "#<recur>";
        }
    };

    final Span span;

    Node(Span span) {
        this.span = span;
    }

    /** Evaluates this node in frame {@code f}. */
    public abstract Object eval(Frame f);

    /** This node as a compiler reads it, with the values {@code captured} by its closure. */
    Body view(Object[] captured) {
        return new Body.Other(formName(), span);
    }

    /** The name of the form this node came from (its first symbol, or what it is), for messages. */
    String formName() {
        String t = span == null ? "" : span.text();
        if (t.startsWith("(")) {
            int end = 1;
            while (end < t.length() && !Character.isWhitespace(t.charAt(end)) && t.charAt(end) != ')') end++;
            return t.substring(1, end);
        }
        return t;
    }

    static List<Body> views(Node[] nodes, Object[] captured) {
        List<Body> out = new ArrayList<>(nodes.length);
        for (Node n : nodes) out.add(n.view(captured));
        return out;
    }

    static boolean truthy(Object v) {
        return v != null && v != Boolean.FALSE;
    }

    // ------------------------------------------------------------------ leaves

    static final class Const extends Node {
        final Object value;

        Const(Object value, Span span) {
            super(span);
            this.value = value;
        }

        @Override
        public Object eval(Frame f) {
            return value;
        }

        @Override
        Body view(Object[] captured) {
            return new Body.Constant(value, span);
        }
    }

    static final class LocalRef extends Node {
        final int slot;

        LocalRef(int slot, Span span) {
            super(span);
            this.slot = slot;
        }

        @Override
        public Object eval(Frame f) {
            return f.slots[slot];
        }

        @Override
        Body view(Object[] captured) {
            return new Body.Local(slot, span);
        }
    }

    static final class CapturedRef extends Node {
        final int index;

        CapturedRef(int index, Span span) {
            super(span);
            this.index = index;
        }

        @Override
        public Object eval(Frame f) {
            return f.closure.captured[index];
        }

        @Override
        Body view(Object[] captured) {
            return new Body.Constant(captured[index], span);
        }
    }

    static final class SelfRef extends Node {
        SelfRef(Span span) {
            super(span);
        }

        @Override
        public Object eval(Frame f) {
            return f.closure;
        }
    }

    static final class VarRef extends Node {
        final Var var;

        VarRef(Var var, Span span) {
            super(span);
            this.var = var;
        }

        @Override
        public Object eval(Frame f) {
            if (!var.isBound()) throw new EvalError("unknown name `" + var.name() + "`", span);
            return var.get();
        }

        @Override
        Body view(Object[] captured) {
            return new Body.Global(var, span);
        }
    }

    // ------------------------------------------------------------------ control

    static final class If extends Node {
        final Node test, then, otherwise;

        If(Node test, Node then, Node otherwise, Span span) {
            super(span);
            this.test = test;
            this.then = then;
            this.otherwise = otherwise;
        }

        @Override
        public Object eval(Frame f) {
            return truthy(test.eval(f)) ? then.eval(f) : otherwise.eval(f);
        }
    }

    static final class Do extends Node {
        final Node[] body;

        Do(Node[] body, Span span) {
            super(span);
            this.body = body;
        }

        @Override
        public Object eval(Frame f) {
            Object r = null;
            for (Node n : body) r = n.eval(f);
            return r;
        }
    }

    static final class And extends Node {
        final Node[] parts;

        And(Node[] parts, Span span) {
            super(span);
            this.parts = parts;
        }

        @Override
        public Object eval(Frame f) {
            Object r = Boolean.TRUE;
            for (Node n : parts) {
                r = n.eval(f);
                if (!truthy(r)) return r;
            }
            return r;
        }
    }

    static final class Or extends Node {
        final Node[] parts;

        Or(Node[] parts, Span span) {
            super(span);
            this.parts = parts;
        }

        @Override
        public Object eval(Frame f) {
            Object r = null;
            for (Node n : parts) {
                r = n.eval(f);
                if (truthy(r)) return r;
            }
            return r;
        }
    }

    /** {@code let} and {@code loop}: bind slots in order, then run the body (again on {@code recur} for loops). */
    static final class Let extends Node {
        final int[] slots;
        final Node[] inits;
        final Node body;
        final boolean loop;
        final Interpreter interp;

        Let(int[] slots, Node[] inits, Node body, boolean loop, Interpreter interp, Span span) {
            super(span);
            this.slots = slots;
            this.inits = inits;
            this.body = body;
            this.loop = loop;
            this.interp = interp;
        }

        @Override
        public Object eval(Frame f) {
            for (int i = 0; i < slots.length; i++) f.slots[slots[i]] = inits[i].eval(f);
            if (!loop) return body.eval(f);
            Object r;
            while ((r = body.eval(f)) == RECUR) interp.checkCancelled();
            return r;
        }

        @Override
        Body view(Object[] captured) {
            if (loop) return new Body.Other("loop", span);
            return new Body.Let(slots.clone(), views(inits, captured), body.view(captured), span);
        }
    }

    static final class Recur extends Node {
        final int[] slots;
        final Node[] args;

        Recur(int[] slots, Node[] args, Span span) {
            super(span);
            this.slots = slots;
            this.args = args;
        }

        @Override
        public Object eval(Frame f) {
            int n = args.length;
            if (n == 1) {
                f.slots[slots[0]] = args[0].eval(f);
                return RECUR;
            }
            Object[] vals = new Object[n];
            for (int i = 0; i < n; i++) vals[i] = args[i].eval(f);
            for (int i = 0; i < n; i++) f.slots[slots[i]] = vals[i];
            return RECUR;
        }
    }

    /** {@code dotimes} and {@code doseq}: run the body for each element, return nil. */
    static final class Each extends Node {
        final int slot;
        final Node source;
        final Node body;
        final boolean counting;
        final Interpreter interp;

        Each(int slot, Node source, Node body, boolean counting, Interpreter interp, Span span) {
            super(span);
            this.slot = slot;
            this.source = source;
            this.body = body;
            this.counting = counting;
            this.interp = interp;
        }

        @Override
        public Object eval(Frame f) {
            Object s = source.eval(f);
            if (counting) {
                long n = Values.toLong(s, "dotimes count");
                for (long i = 0; i < n; i++) {
                    interp.checkCancelled();
                    f.slots[slot] = VValue.of(i);
                    body.eval(f);
                }
            } else {
                for (Object x : Values.toSeq(s, "doseq")) {
                    interp.checkCancelled();
                    f.slots[slot] = x;
                    body.eval(f);
                }
            }
            return null;
        }
    }

    // ------------------------------------------------------------------ functions and calls

    static final class MakeFn extends Node {
        final Closure.Template template;
        final Node[] captures;

        MakeFn(Closure.Template template, Node[] captures, Span span) {
            super(span);
            this.template = template;
            this.captures = captures;
        }

        @Override
        public Object eval(Frame f) {
            Object[] cap = new Object[captures.length];
            for (int i = 0; i < cap.length; i++) cap[i] = captures[i].eval(f);
            return new Closure(template, cap);
        }
    }

    static final class Call extends Node {
        final Node fn;
        final Node[] args;
        final Interpreter interp;

        Call(Node fn, Node[] args, Interpreter interp, Span span) {
            super(span);
            this.fn = fn;
            this.args = args;
            this.interp = interp;
        }

        @Override
        public Object eval(Frame f) {
            Object callee = fn.eval(f);
            Object[] vals = new Object[args.length];
            for (int i = 0; i < vals.length; i++) vals[i] = args[i].eval(f);
            if (!(callee instanceof Fn g))
                throw new EvalError("cannot call " + Printer.describe(callee) + ": it is not a function", span);
            return invoke(g, vals, span, interp);
        }

        @Override
        Body view(Object[] captured) {
            return new Body.Call(fn.view(captured), views(args, captured), span);
        }

        /** Calls {@code g} and turns any failure into an {@link EvalError} that names the call site. */
        static Object invoke(Fn g, Object[] vals, Span span, Interpreter interp) {
            try {
                return g.invoke(vals);
            } catch (EvalError e) {
                if (e.span() == null) e.at(span);
                else e.addCall(g.name(), span);
                throw e;
            } catch (DmmException e) {
                throw e;
            } catch (StackOverflowError e) {
                throw new EvalError("stack overflow (recursion too deep) in `" + g.name()
                        + "`; use loop/recur to iterate", span);
            } catch (RuntimeException e) {
                // a translated error may already have its place (a neuron's own error): add this call
                EvalError err = interp.wrap(e, null, g.name());
                if (err.span() == null) err.at(span);
                else err.addCall(g.name(), span);
                throw err;
            }
        }
    }

    // ------------------------------------------------------------------ definitions and data

    static final class Def extends Node {
        final Var var;
        final Node value;
        final String doc;
        final String sourceText;

        Def(Var var, Node value, String doc, String sourceText, Span span) {
            super(span);
            this.var = var;
            this.value = value;
            this.doc = doc;
            this.sourceText = sourceText;
        }

        @Override
        public Object eval(Frame f) {
            Object v = value.eval(f);
            if (v instanceof Closure c && c.template.name == null) c.template.name = var.name();
            var.set(v);
            if (doc != null) var.setDoc(doc);
            var.setSource(sourceText);
            return var;
        }
    }

    /** A map literal with computed parts: one differentiable {@code makeMap}. */
    static final class MakeMap extends Node {
        final Node[] keys;
        final Node[] values;

        MakeMap(Node[] keys, Node[] values, Span span) {
            super(span);
            this.keys = keys;
            this.values = values;
        }

        @Override
        public Object eval(Frame f) {
            String[] ks = new String[keys.length];
            Object[] vs = new Object[values.length];
            Map<String, Integer> seen = keys.length > 16 ? new HashMap<>() : null;
            for (int i = 0; i < ks.length; i++) {
                ks[i] = Values.toKey(keys[i].eval(f), keys[i].span);
                int j = indexOf(ks, i, seen);
                if (j >= 0)
                    throw new EvalError("duplicate key `" + ks[i] + "` in a map literal (first given at "
                            + keys[j].span.line() + ":" + keys[j].span.column() + ")", keys[i].span);
                Object v = values[i].eval(f);
                if (!Values.isVValue(v))
                    throw new EvalError("a map literal's values must be V-values (numbers or maps); the value for `"
                            + ks[i] + "` is " + Printer.describe(v), values[i].span);
                if (ks[i].equals(VValue.NUMBER) && !Ops.primal(v).isScalar())
                    throw new EvalError(Analyzer.numberKeyMessage(Printer.describe(v)), values[i].span);
                vs[i] = v;
            }
            return Ops.makeMap(ks, vs);
        }

        @Override
        Body view(Object[] captured) {
            return new Body.MapLiteral(views(keys, captured), views(values, captured), span);
        }

        /** The index before {@code i} holding the key {@code ks[i]}, or -1 (a scan for small maps, else {@code seen}). */
        private static int indexOf(String[] ks, int i, Map<String, Integer> seen) {
            if (seen != null) {
                Integer j = seen.putIfAbsent(ks[i], i);
                return j == null ? -1 : j;
            }
            for (int j = 0; j < i; j++) if (ks[j].equals(ks[i])) return j;
            return -1;
        }
    }

    static final class MakeVector extends Node {
        final Node[] items;

        MakeVector(Node[] items, Span span) {
            super(span);
            this.items = items;
        }

        @Override
        public Object eval(Frame f) {
            List<Object> out = new ArrayList<>(items.length);
            for (Node n : items) out.add(n.eval(f));
            return Collections.unmodifiableList(out);
        }

        @Override
        Body view(Object[] captured) {
            return new Body.Vector(views(items, captured), span);
        }
    }

    /** A node whose behaviour is a Java lambda over the frame (used by registered special forms). */
    public static Node of(Span span, Interpreter interp, Function<Frame, Object> body) {
        return new Node(span) {
            @Override
            public Object eval(Frame f) {
                try {
                    return body.apply(f);
                } catch (DmmException e) {
                    throw e.at(span);
                } catch (RuntimeException e) {
                    throw interp.wrap(e, span, null);
                }
            }
        };
    }
}
