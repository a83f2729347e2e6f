package dmm.lang;

import dmm.lang.Form.*;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns forms into executable nodes once: special forms get their own nodes, symbols resolve
 * to local slots, captured values or vars, and constant map literals become V-values.
 * (Long because it holds the analysis of each of the core special forms, one method each.)
 */
public final class Analyzer {
    private final Interpreter interp;
    private final Map<String, SpecialForm> specials = new HashMap<>();
    private final Map<String, SpecialForm.Doc> specialDocs = new HashMap<>();

    Analyzer(Interpreter interp) {
        this.interp = interp;
        installCoreForms();
    }

    /** The names of all special forms (for completion and highlighting). */
    public Set<String> specialFormNames() {
        return Collections.unmodifiableSet(specials.keySet());
    }

    void define(String name, String usage, String doc, SpecialForm f) {
        specialDocs.put(name, new SpecialForm.Doc(usage, doc));
        specials.put(name, f);
    }

    /** The usage and docstring of a special form, or null. */
    SpecialForm.Doc specialFormDoc(String name) {
        return specialDocs.get(name);
    }

    // ------------------------------------------------------------------ scopes

    /** The lexical scope of one function (or top-level form) being analyzed. */
    public static final class Scope {
        final Scope parent;
        final List<Map<String, Integer>> blocks = new ArrayList<>();
        final Map<String, Integer> captureIndex = new HashMap<>();
        final List<Node> captureSources = new ArrayList<>();
        String selfName;
        int nextSlot;
        int maxSlots;
        /** Slots a {@code recur} in tail position assigns, or null where recur is not allowed. */
        int[] recurSlots;

        Scope(Scope parent) {
            this.parent = parent;
            blocks.add(new HashMap<>());
        }

        int bind(String name) {
            int slot = nextSlot++;
            maxSlots = Math.max(maxSlots, nextSlot);
            blocks.get(blocks.size() - 1).put(name, slot);
            return slot;
        }

        void push() {
            blocks.add(new HashMap<>());
        }

        void pop(int savedNext) {
            blocks.remove(blocks.size() - 1);
            nextSlot = savedNext;
        }

        Node resolve(String name, Span span) {
            for (int i = blocks.size() - 1; i >= 0; i--) {
                Integer s = blocks.get(i).get(name);
                if (s != null) return new Node.LocalRef(s, span);
            }
            if (name.equals(selfName)) return new Node.SelfRef(span);
            Integer c = captureIndex.get(name);
            if (c != null) return new Node.CapturedRef(c, span);
            if (parent == null) return null;
            Node outer = parent.resolve(name, span);
            if (outer == null) return null;
            int idx = captureSources.size();
            captureSources.add(outer);
            captureIndex.put(name, idx);
            return new Node.CapturedRef(idx, span);
        }
    }

    /** A fresh scope for a top-level form. */
    public Scope topLevel() {
        return new Scope(null);
    }

    /** Size of the frame a top-level scope needs after analysis. */
    public static int frameSize(Scope s) {
        return s.maxSlots;
    }

    // ------------------------------------------------------------------ analysis

    /** Analyzes a form in non-tail position. */
    public Node analyze(Form form, Scope scope) {
        int[] saved = scope.recurSlots;
        scope.recurSlots = null;
        try {
            return analyzeTail(form, scope);
        } finally {
            scope.recurSlots = saved;
        }
    }

    /** Analyzes a form in tail position (where {@code recur} may appear if the scope allows it). */
    public Node analyzeTail(Form form, Scope scope) {
        if (form instanceof NumberForm n) return new Node.Const(VValue.of(n.value()), n.span());
        if (form instanceof StringForm s) return new Node.Const(s.value(), s.span());
        if (form instanceof KeywordForm k) return new Node.Const(new Keyword(k.name()), k.span());
        if (form instanceof SymbolForm s) return symbol(s, scope);
        if (form instanceof QuoteForm q) return new Node.Const(datum(q.form()), q.span());
        if (form instanceof VectorForm v) return vector(v, scope);
        if (form instanceof MapForm m) return map(m, scope);
        ListForm l = (ListForm) form;
        if (l.items().isEmpty()) return new Node.Const(List.of(), l.span());
        Form head = l.items().get(0);
        if (head instanceof SymbolForm s && scope.resolve(s.name(), s.span()) == null) {
            SpecialForm sf = specials.get(s.name());
            if (sf != null) return sf.analyze(this, l, scope);
        }
        Node fn = analyze(head, scope);
        Node[] args = analyzeAll(l.items().subList(1, l.items().size()), scope);
        return new Node.Call(fn, args, interp, l.span());
    }

    Node[] analyzeAll(List<Form> forms, Scope scope) {
        Node[] out = new Node[forms.size()];
        for (int i = 0; i < out.length; i++) out[i] = analyze(forms.get(i), scope);
        return out;
    }

    private Node symbol(SymbolForm s, Scope scope) {
        switch (s.name()) {
            case "nil":
                return new Node.Const(null, s.span());
            case "true":
                return new Node.Const(Boolean.TRUE, s.span());
            case "false":
                return new Node.Const(Boolean.FALSE, s.span());
            default:
                break;
        }
        Node local = scope.resolve(s.name(), s.span());
        if (local != null) return local;
        if (specials.containsKey(s.name()))
            throw new SyntaxError("`" + s.name() + "` is a special form; it can only be used at the head of a list", s.span());
        return new Node.VarRef(interp.varFor(s.name()), s.span());
    }

    private Node vector(VectorForm v, Scope scope) {
        return new Node.MakeVector(analyzeAll(v.items(), scope), v.span());
    }

    private Node map(MapForm m, Scope scope) {
        List<Form> items = m.items();
        if (items.size() % 2 != 0)
            throw new SyntaxError("a map literal needs an even number of forms (key value pairs); this one has " + items.size(), m.span());
        checkLiteralKeys(m);
        VValue constant = constantMap(m);
        if (constant != null) return new Node.Const(constant, m.span());
        int n = items.size() / 2;
        Node[] keys = new Node[n], vals = new Node[n];
        for (int i = 0; i < n; i++) {
            Form k = items.get(2 * i);
            if (k instanceof NumberForm || k instanceof MapForm || k instanceof VectorForm)
                throw new SyntaxError("a map key must be a keyword, a string or an expression giving one", k.span());
            keys[i] = analyze(k, scope);
            vals[i] = analyze(items.get(2 * i + 1), scope);
        }
        return new Node.MakeMap(keys, vals, m.span());
    }

    /**
     * A map literal's keys written as keywords or strings must differ (as in JSON); {@code :number}
     * and {@code "number"} are the same key. The error points at the second occurrence.
     */
    static void checkLiteralKeys(MapForm m) {
        List<Form> items = m.items();
        Map<String, Form> seen = new HashMap<>();
        for (int i = 0; i + 1 < items.size(); i += 2) {
            Form k = items.get(i);
            String key = literalKey(k);
            if (key == null) continue;
            Form first = seen.putIfAbsent(key, k);
            if (first != null) {
                Span at = first.span();
                throw new SyntaxError("duplicate key `" + k.span().text() + "` in a map literal (first given at " + at.line() + ":"
                        + at.column() + ")", k.span());
            }
        }
    }

    /** The key a map literal's key form names when written as a keyword or a string; else null (computed). */
    static String literalKey(Form k) {
        return k instanceof KeywordForm kw ? kw.name() : k instanceof StringForm sf ? sf.value() : null;
    }

    /** The error for a map under {@code :number}: a node's own number is a number. */
    static String numberKeyMessage(String given) {
        return "the value under :number (the node's own number) must be a number, not " + given;
    }

    /** The V-value of a map literal whose keys are keywords/strings and leaves constant numbers/maps; else null. */
    static VValue constantMap(MapForm m) {
        VBuilder b = new VBuilder();
        List<Form> items = m.items();
        if (items.size() % 2 != 0) return null;
        checkLiteralKeys(m);
        for (int i = 0; i < items.size(); i += 2) {
            Form v = items.get(i + 1);
            String key = literalKey(items.get(i));
            if (key == null) return null;
            VValue val;
            if (v instanceof NumberForm n) val = VValue.of(n.value());
            else if (v instanceof MapForm mm) {
                val = constantMap(mm);
                if (val == null) return null;
                if (key.equals(VValue.NUMBER) && !val.isScalar())
                    throw new SyntaxError(numberKeyMessage("a map"), v.span());
            } else return null;
            b.addScaled(key, 1.0, val);
        }
        return b.build();
    }

    /** The runtime value of a quoted form. */
    public static Object datum(Form f) {
        if (f instanceof NumberForm n) return VValue.of(n.value());
        if (f instanceof StringForm s) return s.value();
        if (f instanceof KeywordForm k) return new Keyword(k.name());
        if (f instanceof SymbolForm s) {
            return switch (s.name()) {
                case "nil" -> null;
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> new Symbol(s.name());
            };
        }
        if (f instanceof QuoteForm q) return List.of(new Symbol("quote"), datum(q.form()));
        if (f instanceof MapForm m) {
            VValue v = constantMap(m);
            if (v == null) throw new SyntaxError("a quoted map must be a constant V-value", m.span());
            return v;
        }
        List<Form> items = f instanceof ListForm l ? l.items() : ((VectorForm) f).items();
        List<Object> out = new ArrayList<>(items.size());
        for (Form i : items) out.add(datum(i));
        return Collections.unmodifiableList(out);
    }

    // ------------------------------------------------------------------ helpers for special forms

    /** The forms after the head. */
    public static List<Form> args(ListForm l) {
        return l.items().subList(1, l.items().size());
    }

    /** A syntax error unless the form has between min and max arguments (max -1: unbounded). */
    public static void arity(ListForm l, int min, int max, String usage) {
        int n = l.items().size() - 1;
        if (n < min || (max >= 0 && n > max))
            throw new SyntaxError("wrong number of forms in `" + ((SymbolForm) l.items().get(0)).name() + "`; usage: " + usage, l.span());
    }

    /** The name of a symbol form, or a syntax error. */
    public static String symbolName(Form f, String what) {
        if (f instanceof SymbolForm s) return s.name();
        throw new SyntaxError(what + " must be a symbol", f.span());
    }

    /** Analyzes a body (several forms, the last in tail position). */
    public Node body(List<Form> forms, Scope scope, Span span) {
        if (forms.isEmpty()) return new Node.Const(null, span);
        if (forms.size() == 1) return analyzeTail(forms.get(0), scope);
        Node[] ns = new Node[forms.size()];
        for (int i = 0; i < ns.length - 1; i++) ns[i] = analyze(forms.get(i), scope);
        ns[ns.length - 1] = analyzeTail(forms.get(ns.length - 1), scope);
        return new Node.Do(ns, span);
    }

    /**
     * Analyzes a function: {@code params} is the parameter vector form (or, for a whole-map
     * neuron, a single symbol). Returns the node that creates the closure.
     */
    Node function(String name, boolean selfBinding, Form params, List<Form> body, Scope outer, Span span, boolean neuron) {
        Scope scope = new Scope(outer);
        Closure.Template t = new Closure.Template();
        t.interp = interp;
        t.name = name;
        t.paramText = params.span().text();
        if (neuron && params instanceof SymbolForm whole) {
            t.neuronWhole = true;
            scope.bind(whole.name());
            t.required = 1;
        } else {
            if (!(params instanceof VectorForm pv))
                throw new SyntaxError((neuron ? "a neuron's inputs must be a vector of field names or one symbol"
                        : "a function's parameters must be a vector, e.g. [x y]"), params.span());
            List<String> fields = new ArrayList<>();
            List<Form> ps = pv.items();
            for (int i = 0; i < ps.size(); i++) {
                String p = symbolName(ps.get(i), "a parameter");
                if (p.equals("&")) {
                    if (neuron) throw new SyntaxError("neurons take named input fields; `&` is not allowed", ps.get(i).span());
                    if (i != ps.size() - 2)
                        throw new SyntaxError("`&` must be followed by exactly one parameter", ps.get(i).span());
                    t.rest = true;
                    scope.bind(symbolName(ps.get(i + 1), "a rest parameter"));
                    break;
                }
                if (fields.contains(p)) throw new SyntaxError("duplicate parameter `" + p + "`", ps.get(i).span());
                fields.add(p);
                scope.bind(p);
            }
            if (neuron) t.neuronFields = fields.toArray(String[]::new);
            t.required = fields.size();
        }
        if (selfBinding) scope.selfName = name;
        int n = scope.nextSlot;
        int[] paramSlots = new int[n];
        for (int i = 0; i < n; i++) paramSlots[i] = i;
        scope.recurSlots = neuron ? null : paramSlots;
        t.body = body(body, scope, span);
        if (neuron) t.neuronOutputs = outputFields(body);
        t.frameSize = scope.maxSlots;
        return new Node.MakeFn(t, scope.captureSources.toArray(Node[]::new), span);
    }

    /**
     * The output fields a neuron body declares: the keys of the map literal(s) it returns, seen
     * through {@code let}, {@code do}, {@code if} with both branches and {@code cond} ending in
     * a keyword test. Null when they are computed (a key or the result is an expression), so
     * links from any field are accepted.
     */
    static String[] outputFields(List<Form> body) {
        TreeSet<String> out = new TreeSet<>();
        return !body.isEmpty() && collectOutputs(body.get(body.size() - 1), out) ? out.toArray(String[]::new) : null;
    }

    private static boolean collectOutputs(Form f, Set<String> out) {
        if (f instanceof MapForm m) {
            List<Form> items = m.items();
            for (int i = 0; i < items.size(); i += 2) {
                String key = literalKey(items.get(i));
                if (key == null) return false;
                out.add(key);
            }
            return true;
        }
        if (!(f instanceof ListForm l) || l.items().isEmpty() || !(l.items().get(0) instanceof SymbolForm head)) return false;
        List<Form> xs = args(l);
        switch (head.name()) {
            case "let", "do" -> {
                return !xs.isEmpty() && collectOutputs(xs.get(xs.size() - 1), out);
            }
            case "if" -> {
                return xs.size() == 3 && collectOutputs(xs.get(1), out) && collectOutputs(xs.get(2), out);
            }
            case "cond" -> {
                if (xs.isEmpty() || xs.size() % 2 != 0 || !(xs.get(xs.size() - 2) instanceof KeywordForm)) return false;
                for (int i = 1; i < xs.size(); i += 2) if (!collectOutputs(xs.get(i), out)) return false;
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    // ------------------------------------------------------------------ the core special forms

    private void installCoreForms() {
        define("quote", "(quote form)", """
                Returns form unevaluated, as data: a symbol stays a symbol, lists and vectors become
                sequences, a map with constant keys and numeric leaves a V-value. 'form is short for
                (quote form).
                  '(a [b] {:c 1})   ;=> [a [b] {:c 1}]""", (a, l, s) -> {
            arity(l, 1, 1, "(quote form)");
            return new Node.Const(datum(l.items().get(1)), l.span());
        });
        define("do", "(do body...)", """
                Evaluates the forms in order and returns the value of the last one (nil when there are none).""", (a, l, s) -> body(args(l), s, l.span()));
        define("if", "(if test then else?)", """
                Evaluates test; when it is truthy (anything but nil and false: 0 is truthy) evaluates and
                returns then, otherwise else (nil when there is no else). Only one branch is evaluated.
                  (if (< 1 2) :yes :no)   ;=> :yes""", (a, l, s) -> {
            arity(l, 2, 3, "(if test then else?)");
            List<Form> xs = args(l);
            Node test = analyze(xs.get(0), s);
            Node then = analyzeTail(xs.get(1), s);
            Node otherwise = xs.size() > 2 ? analyzeTail(xs.get(2), s) : new Node.Const(null, l.span());
            return new Node.If(test, then, otherwise, l.span());
        });
        define("when", "(when test body...)", """
                When test is truthy, evaluates the body in order and returns its last value; otherwise nil.
                  (when 0 :zero-is-truthy)   ;=> :zero-is-truthy""", (a, l, s) -> {
            arity(l, 1, -1, "(when test body...)");
            List<Form> xs = args(l);
            return new Node.If(analyze(xs.get(0), s), body(xs.subList(1, xs.size()), s, l.span()),
                    new Node.Const(null, l.span()), l.span());
        });
        define("when-not", "(when-not test body...)", """
                When test is falsy (nil or false), evaluates the body in order and returns its last value;
                otherwise nil.""", (a, l, s) -> {
            arity(l, 1, -1, "(when-not test body...)");
            List<Form> xs = args(l);
            return new Node.If(analyze(xs.get(0), s), new Node.Const(null, l.span()),
                    body(xs.subList(1, xs.size()), s, l.span()), l.span());
        });
        define("cond", "(cond test expr ... :else expr)", """
                Evaluates the tests in order and returns the value of the expr after the first truthy one,
                without evaluating the rest; a keyword test such as :else always holds. nil when no test holds.
                  (let [x -2] (cond (< x 0) :negative (= x 0) :zero :else :positive))   ;=> :negative""", (a, l, s) -> {
            List<Form> xs = args(l);
            if (xs.size() % 2 != 0) throw new SyntaxError("`cond` needs test/expression pairs; the last test has no expression", l.span());
            Node result = new Node.Const(null, l.span());
            for (int i = xs.size() - 2; i >= 0; i -= 2) {
                Form test = xs.get(i);
                Node t = test instanceof KeywordForm ? new Node.Const(Boolean.TRUE, test.span()) : analyze(test, s);
                result = new Node.If(t, analyzeTail(xs.get(i + 1), s), result, test.span());
            }
            return result;
        });
        define("and", "(and x...)", """
                Evaluates left to right and stops at the first falsy value (nil or false), which it returns;
                otherwise returns the last value. (and) is true.
                  (and 1 nil (println "not evaluated"))   ;=> nil""", (a, l, s) -> new Node.And(analyzeAll(args(l), s), l.span()));
        define("or", "(or x...)", """
                Evaluates left to right and returns the first truthy value without evaluating the rest;
                otherwise returns the last value. (or) is nil.
                  (or nil false 3)   ;=> 3""", (a, l, s) -> new Node.Or(analyzeAll(args(l), s), l.span()));
        define("let", "(let [name value ...] body...)", """
                Binds each name to its value in order (a value sees the names bound before it), evaluates the
                body with those locals and returns its last value.
                  (let [x 1 y (+ x 1)] (* x y))   ;=> 2""", (a, l, s) -> letOrLoop(l, s, false));
        define("loop", "(loop [name init ...] body...)", """
                Like let, and a (recur ...) in tail position of the body jumps back to the top with the names
                rebound to recur's values: iteration without stack growth. Returns the body's value once it
                ends without recur.
                  (loop [i 0 s 0] (if (< i 5) (recur (+ i 1) (+ s i)) s))   ;=> 10""", (a, l, s) -> letOrLoop(l, s, true));
        define("recur", "(recur value...)", """
                In tail position of a loop or fn body: rebinds the loop's names (or the function's
                parameters), one value each, and goes back to the top without growing the stack. Anywhere
                else it is a syntax error, as is the wrong number of values.""", (a, l, s) -> {
            if (s.recurSlots == null)
                throw new SyntaxError("`recur` must be in tail position of a `loop` or `fn` body", l.span());
            Node[] args = analyzeAll(args(l), s);
            if (args.length != s.recurSlots.length)
                throw new SyntaxError("`recur` expects " + s.recurSlots.length + " argument(s) here, got " + args.length, l.span());
            return new Node.Recur(s.recurSlots, args, l.span());
        });
        define("fn", "(fn name? [params] body...)", """
                A function: a closure over the locals in scope. [a b & rest] collects the extra arguments in a
                vector; name lets the body call the function itself. A call with the wrong number of arguments
                is an error naming the parameters. (defn name ...) is (def name (fn name ...)).
                  ((fn [a & more] [a more]) 1 2 3)   ;=> [1 [2 3]]""", (a, l, s) -> {
            List<Form> xs = args(l);
            String name = null;
            if (!xs.isEmpty() && xs.get(0) instanceof SymbolForm sf) {
                name = sf.name();
                xs = xs.subList(1, xs.size());
            }
            if (xs.isEmpty()) throw new SyntaxError("usage: (fn name? [params] body...)", l.span());
            return function(name, name != null, xs.get(0), xs.subList(1, xs.size()), s, l.span(), false);
        });
        define("neuron", "(neuron [input-fields] body...)", """
                An anonymous neuron type: a function from a neuron's inputs (a V-value map, one subtree per
                input field) to its outputs (a V-value map, one subtree per output field). With a vector, each
                name is bound to that input field (0 when nothing arrives on it); (neuron inputs body...)
                binds the one symbol to the whole input map. Use it in (neurons ...) sections and to make
                parameterized types:
                  (defn const "emits v every cycle" [v] (neuron inputs v))
                  ((neuron [a b] {:sum (+ a b)}) {:a 1 :b 2})   ;=> {:sum 3}""", (a, l, s) -> {
            arity(l, 1, -1, "(neuron [input-fields] body...) or (neuron inputs body...)");
            List<Form> xs = args(l);
            return function(null, false, xs.get(0), xs.subList(1, xs.size()), s, l.span(), true);
        });
        define("def", "(def name \"doc\"? value)", """
                Binds the var name to value (nil when omitted), with an optional docstring, and returns the
                var, #'name. Code refers to the var, so a redefinition is seen by callers from their next call
                and by running networks from their next cycle; (restore! 'name) brings the previous value back.
                  (def rate "the learning rate" 0.01)   ;=> #'rate""", (a, l, s) -> {
            arity(l, 1, 3, "(def name \"doc\"? value)");
            List<Form> xs = args(l);
            String name = symbolName(xs.get(0), "the name in `def`");
            String doc = null;
            Form value = xs.size() > 1 ? xs.get(xs.size() - 1) : null;
            if (xs.size() == 3) {
                if (!(xs.get(1) instanceof StringForm d)) throw new SyntaxError("the docstring must be a string", xs.get(1).span());
                doc = d.value();
            }
            Var v = interp.varFor(name);
            Node init = value == null ? new Node.Const(null, l.span()) : analyze(value, s);
            return new Node.Def(v, init, doc, l.span().text(), l.span());
        });
        define("defn", "(defn name \"doc\"? [params] body...)", """
                Defines a function: (def name "doc" (fn name [params] body...)); returns #'name. [a & rest]
                takes extra arguments; the docstring is what (doc name) prints. A redefinition changes every
                caller from its next call.
                  (defn twice "Doubles x." [x] (* 2 x))   ;=> #'twice
                  (twice {:a 3})   ;=> {:a 6}""", (a, l, s) -> defn(l, s, false));
        define("defneuron", "(defneuron name \"doc\"? [input-fields] body...)", """
                Defines a neuron type: a function from the input fields it names (0 when nothing arrives on
                one) to a V-value map of outputs; (defneuron name "doc"? inputs body...) binds the whole input
                map instead. Neuron types live in their own namespace (the neuron type dot and the function
                dot coexist). Networks look the type up at every cycle, so a redefinition changes every neuron
                of that type from the next cycle. Returns #'name.
                  (defneuron sum-dicts "dict = dict-1 + dict-2" [dict-1 dict-2] {:dict (+ dict-1 dict-2)})""", (a, l, s) -> defn(l, s, true));
        define("dotimes", "(dotimes [i n] body...)", """
                Evaluates the body n times, i bound to 0, 1, ..., n-1, for its effects; returns nil.""", (a, l, s) -> each(l, s, true));
        define("doseq", "(doseq [x sequence] body...)", """
                Evaluates the body once per element of the sequence (a vector or list), x bound to the
                element, for its effects; returns nil.""", (a, l, s) -> each(l, s, false));
        define("load", "(load \"path.dmm\")", """
                Evaluates a file and returns the value of its last form. A relative path is resolved against
                the directory of the file that calls load (the working directory at the REPL or in dmm eval).""", (a, l, s) -> {
            arity(l, 1, 1, "(load \"path/relative/to/this/file.dmm\")");
            Node path = analyze(l.items().get(1), s);
            Source from = l.span().source();
            return Node.of(l.span(), interp, f -> {
                Object p = path.eval(f);
                if (!(p instanceof String ps)) throw new EvalError("load expects a file path string, got " + Printer.describe(p));
                return interp.loadRelative(ps, from);
            });
        });
        define("require", "(require name)", """
                Loads the library name.dmm once per interpreter: from the lib-dmm/ directory of the dmm
                installation, then the directories listed in DMM_PATH, then the copy built into the jar.
                Returns true when it loaded the library now, false when it was already loaded. Libraries: std
                (the standard neurons), lite (the DMM Lite synthesis pieces), train (training helpers),
                superfluid (the type-free neuron), args (flag?, option and option-numbers for a program's
                command line), detector (the general detector's data sets and validation), repair (damaging
                and repairing a circuit), restarts (restart-attempts: new initial matrices until a machine is
                good and small).
                  (require std)""", (a, l, s) -> {
            arity(l, 1, 1, "(require name)");
            Form f = l.items().get(1);
            if (f instanceof QuoteForm q) f = q.form();
            String lib;
            if (f instanceof SymbolForm sf) lib = sf.name();
            else if (f instanceof StringForm sf) lib = sf.value();
            else throw new SyntaxError("require expects a library name, e.g. (require std)", f.span());
            return Node.of(l.span(), interp, fr -> interp.require(lib));
        });
    }

    private Node defn(ListForm l, Scope s, boolean neuron) {
        String usage = neuron ? "(defneuron name \"doc\"? [input-fields] body...)" : "(defn name \"doc\"? [params] body...)";
        arity(l, 2, -1, usage);
        List<Form> xs = args(l);
        String name = symbolName(xs.get(0), "the name in `" + (neuron ? "defneuron" : "defn") + "`");
        int i = 1;
        String doc = null;
        if (xs.get(i) instanceof StringForm d && xs.size() > 2) {
            doc = d.value();
            i++;
        }
        if (i >= xs.size()) throw new SyntaxError("usage: " + usage, l.span());
        Var v = neuron ? interp.neuronVarFor(name) : interp.varFor(name);
        Node fn = function(name, false, xs.get(i), xs.subList(i + 1, xs.size()), s, l.span(), neuron);
        return new Node.Def(v, fn, doc, l.span().text(), l.span());
    }

    private Node letOrLoop(ListForm l, Scope s, boolean loop) {
        String usage = loop ? "(loop [name init ...] body...)" : "(let [name value ...] body...)";
        arity(l, 1, -1, usage);
        List<Form> xs = args(l);
        if (!(xs.get(0) instanceof VectorForm bv)) throw new SyntaxError("the bindings must be a vector; usage: " + usage, xs.get(0).span());
        List<Form> bs = bv.items();
        if (bs.size() % 2 != 0) throw new SyntaxError("the bindings need name/value pairs; usage: " + usage, bv.span());
        int saved = s.nextSlot;
        int[] savedRecur = s.recurSlots;
        s.push();
        int n = bs.size() / 2;
        int[] slots = new int[n];
        Node[] inits = new Node[n];
        for (int i = 0; i < n; i++) {
            String name = symbolName(bs.get(2 * i), "a binding name");
            inits[i] = analyze(bs.get(2 * i + 1), s);
            slots[i] = s.bind(name);
        }
        if (loop) s.recurSlots = slots;
        Node body = body(xs.subList(1, xs.size()), s, l.span());
        s.recurSlots = savedRecur;
        s.pop(saved);
        return new Node.Let(slots, inits, body, loop, interp, l.span());
    }

    private Node each(ListForm l, Scope s, boolean counting) {
        String usage = counting ? "(dotimes [i n] body...)" : "(doseq [x sequence] body...)";
        arity(l, 1, -1, usage);
        List<Form> xs = args(l);
        if (!(xs.get(0) instanceof VectorForm bv) || bv.items().size() != 2)
            throw new SyntaxError("usage: " + usage, xs.get(0).span());
        Node source = analyze(bv.items().get(1), s);
        int saved = s.nextSlot;
        int[] savedRecur = s.recurSlots;
        s.recurSlots = null;
        s.push();
        int slot = s.bind(symbolName(bv.items().get(0), "the loop variable"));
        Node body = body(xs.subList(1, xs.size()), s, l.span());
        s.pop(saved);
        s.recurSlots = savedRecur;
        return new Node.Each(slot, source, body, counting, interp, l.span());
    }
}
