package dmm.bind;

import dmm.machine.Engine;
import dmm.machine.Links;
import dmm.machine.MachineError;
import dmm.machine.Network;
import dmm.machine.NeuronDecl;
import dmm.machine.NeuronFunction;
import dmm.machine.NeuronTypes;
import dmm.machine.Runner;
import dmm.machine.Dot;
import 
dmm.ad.Ops;
import dmm.lang.Analyzer;
import dmm.lang.EvalError;
import dmm.lang.Fn;
import dmm.lang.Form;
import dmm.lang.Frame;
import dmm.lang.Interpreter;
import dmm.lang.Keyword;
import dmm.lang.Lib;
import dmm.lang.Node;
import dmm.lang.Options;
import dmm.lang.Printer;
import dmm.lang.Span;
import dmm.lang.Symbol;
import dmm.lang.SyntaxError;
import dmm.lang.Values;
import dmm.lang.Var;
import dmm.vvalue.VValue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The language surface of the machine: {@code defnet}, wiring forms, and network built-ins. */
public final class MachineLib extends Lib {
    private MachineLib(Interpreter interp) {
        super(interp);
    }

    /** Registers the machine's forms and built-ins in {@code interp}. */
    public static void install(Interpreter interp) {
        Values.addErrorTranslator(EngineErrors.TRANSLATOR);
        MachineLib lib = new MachineLib(interp);
        lib.forms();
        lib.builtins();
        lib.live();
    }

    /** The runners of {@code interp}. */
    public static Runner.Registry runners(Interpreter interp) {
        return interp.extension(Runner.Registry.class, Runner.Registry::new);
    }

    // ------------------------------------------------------------------ defnet

    private record NeuronSpec(String name, Form typeForm, Node typeNode, String typeKey, Span span) {}

    private void forms() {
        interp.defineSpecialForm("network", "(network name? sections...)", """
                A network value built from sections, exactly as in defnet, without binding a var; name
                (default network) is the name it prints with and is found by when it runs live. See
                (doc defnet) for the sections. Networks are immutable: step, run, link and with-matrix return
                new ones.
                  (network tiny (neurons a accum, b accum) (accumulators a) (links b.delta <- 0.5 a.single))
                  ;=> #<network tiny: 2 neurons, 1 soft links, 1 hard links, cycle 0>""", (a, l, s) -> {
            List<Form> xs = Analyzer.args(l);
            String name = "network";
            if (!xs.isEmpty() && xs.get(0) instanceof Form.SymbolForm sf) {
                name = sf.name();
                xs = xs.subList(1, xs.size());
            }
            return network(a, s, name, xs, l.span());
        });
        interp.defineSpecialForm("defnet", "(defnet name \"doc\"? sections...)", """
                Builds a network and binds it to the var name (with the docstring); returns #'name. The
                network is an immutable value: step, run, link and with-matrix return new networks. Sections,
                each optional, in any order (commas are whitespace):
                  (neurons name type, ...)
                      declares the neurons; a type is a neuron type name (defneuron, (require std)) or an
                      expression that makes one, e.g. (const {:x 1}) or (neuron [a] a)
                  (links to.field <- w? from.field ...)
                      the soft (trainable) matrix: input field `field` of neuron `to` receives w times output
                      field `field` of neuron `from`; w is optional (default 1) and may be any expression;
                      from.field.key reaches inside an output
                  (hard to.field <- w? from.field ...)
                      the hard (fixed, never trained) matrix, same syntax; it adds to the soft one
                  (accumulators [in <- out]? name ...)
                      for each name the weight-1 hard self-link name.in <- name.out, so the neuron keeps what
                      it accumulates (memory); the pair defaults to [accum <- single], std's accum
                  (self neuron field?)
                      makes the network self-referential: the soft matrix lives in that neuron's output field
                      (default single) and each down movement reads it from there, so fragments that reach
                      the neuron (e.g. on self.delta of an accum) rewire the network
                  (init name value, ...)
                      presets neurons' outputs (V-value maps) before the first cycle
                A cycle is the down movement (every input field is the weighted sum of the previous outputs,
                soft + hard) then the up movement (every neuron applies its type to its inputs).
                  (require std)
                  (defnet counter "counts the cycles since the first"
                    (neurons one (const {:x 1}), acc accum)
                    (accumulators acc)                 ; acc.accum <- acc.single: acc keeps its sum
                    (links acc.delta <- one.x))
                  (output (run counter 4) 'acc)   ;=> {:single 3}""", (a, l, s) -> {
            Analyzer.arity(l, 1, -1, "(defnet name \"doc\"? sections...)");
            List<Form> xs = Analyzer.args(l);
            String name = Analyzer.symbolName(xs.get(0), "the name in `defnet`");
            xs = xs.subList(1, xs.size());
            String doc = null;
            if (!xs.isEmpty() && xs.get(0) instanceof Form.StringForm d) {
                doc = d.value();
                xs = xs.subList(1, xs.size());
            }
            Node net = network(a, s, name, xs, l.span());
            Var v = interp.varFor(name);
            String docText = doc;
            String src = l.span().text();
            return Node.of(l.span(), f -> {
                Object n = net.eval(f);
                v.set(n);
                if (docText != null) v.setDoc(docText);
                v.setSource(src);
                return v;
            });
        });
        interp.defineSpecialForm("link", "(link net to.field <- w? from.field ...)", """
                The network with the links added to its soft matrix: additive, so linking an existing link
                adds w to its weight (as in the original DMM code). w is optional (default 1) and may be any
                expression; every neuron named must be declared. net is unchanged (networks are values).
                  (links (link net b.delta <- 0.5 a.single))   ;=> ["b.delta <- 0.5 a.single"]""", (a, l, s) -> wiringForm(a, l, s, "link", false, false));
        interp.defineSpecialForm("unlink", "(unlink net to.field <- from.field ...)", """
                The network without those soft links: each one is removed whatever its weight (a weight
                written in the spec is ignored). Removing a link that is not there is an error naming it.
                  (links (unlink (link net b.delta <- 0.5 a.single, a.delta <- b.single) b.delta <- a.single))
                  ;=> ["a.delta <- 1 b.single"]""", (a, l, s) -> wiringForm(a, l, s, "unlink", true, false));
        interp.defineSpecialForm("fragment", "(fragment net to.field <- w? from.field ...)", """
                A matrix fragment, not a network: the rank-6 V-value holding just these links, with the
                neuron types taken from net's declarations. Add it with add-to-matrix or send-fragment!, or
                emit it from a neuron into the self neuron of a self-referential network.
                  (fragment net b.delta <- 3 a.single)   ;=> {:accum {:b {:delta {:accum {:a {:single 3}}}}}}""", (a, l, s) -> wiringForm(a, l, s, "fragment", false, true));
        interp.defineSpecialForm("link!", "(link! target to.field <- w? from.field ...)", """
                link on something live. When a network with the target's name is running (target is its
                runner, the network or its name), the links are added at its next cycle boundary and the
                runner is returned; names and weights are checked at once. Otherwise target must be a var
                holding a network, which is rebound to the linked network (returned).
                  (link! net a.delta <- b.single)   ;=> #<network net: 2 neurons, 1 soft links, 0 hard links, cycle 0>""", (a, l, s) -> liveWiringForm(a, l, s, "link!", false));
        interp.defineSpecialForm("unlink!", "(unlink! target to.field <- from.field ...)", """
                unlink on something live. When a network with the target's name is running, the links are
                removed at its next cycle boundary and the runner is returned; otherwise target must be a var
                holding a network, which is rebound to the network without them (returned).
                  (link! net a.delta <- b.single)
                  (unlink! net a.delta <- b.single)   ;=> #<network net: 2 neurons, 0 soft links, 0 hard links, cycle 0>""", (a, l, s) -> liveWiringForm(a, l, s, "unlink!", true));
    }

    private Node network(Analyzer a, Analyzer.Scope s, String name, List<Form> sections, Span span) {
        List<NeuronSpec> neurons = new ArrayList<>();
        List<Wiring.Link> soft = new ArrayList<>(), hard = new ArrayList<>();
        List<Object[]> accumulators = new ArrayList<>(); // {neuron, inField, outField, span}
        List<Object[]> inits = new ArrayList<>(); // {neuron, Node, span}
        String[] self = null;
        Span selfSpan = null;
        for (Form sec : sections) {
            if (!(sec instanceof Form.ListForm l) || l.items().isEmpty() || !(l.items().get(0) instanceof Form.SymbolForm head))
                throw new SyntaxError("expected a section: (neurons ...), (links ...), (hard ...), (accumulators ...), (self ...) or (init ...)", sec.span());
            List<Form> xs = Analyzer.args(l);
            switch (head.name()) {
                case "neurons" -> {
                    if (xs.size() % 2 != 0)
                        throw new SyntaxError("(neurons ...) takes name/type pairs, e.g. (neurons timer timer, accum sum-dicts)", l.span());
                    for (int i = 0; i < xs.size(); i += 2) {
                        String n = Analyzer.symbolName(xs.get(i), "a neuron name");
                        if (n.contains(".")) throw new SyntaxError("a neuron name cannot contain `.` (it separates neuron and field in links)", xs.get(i).span());
                        Form tf = xs.get(i + 1);
                        String key;
                        Node typeNode = null;
                        if (tf instanceof Form.SymbolForm ts) key = ts.name();
                        else {
                            key = tf instanceof Form.ListForm tl && !tl.items().isEmpty() && tl.items().get(0) instanceof Form.SymbolForm h
                                    && !h.name().equals("neuron") ? h.name() : n;
                            typeNode = a.analyze(tf, s);
                        }
                        for (NeuronSpec ns : neurons)
                            if (ns.name.equals(n)) throw new SyntaxError("neuron `" + n + "` is declared twice", xs.get(i).span());
                        neurons.add(new NeuronSpec(n, tf, typeNode, key, xs.get(i).span()));
                    }
                }
                case "links" -> soft.addAll(Wiring.parse(xs, a, s));
                case "hard" -> hard.addAll(Wiring.parse(xs, a, s));
                case "accumulators" -> {
                    String in = "accum", out = "single";
                    List<Form> names = xs;
                    if (!xs.isEmpty() && xs.get(0) instanceof Form.VectorForm v) {
                        List<Form> p = v.items();
                        if (p.size() != 3 || !(p.get(1) instanceof Form.SymbolForm arrow) || !arrow.name().equals("<-"))
                            throw new SyntaxError("the field pair reads [memory-input <- output], e.g. [dict-1 <- dict]", v.span());
                        in = Analyzer.symbolName(p.get(0), "the memory input field");
                        out = Analyzer.symbolName(p.get(2), "the output field");
                        names = xs.subList(1, xs.size());
                    }
                    for (Form nf : names) accumulators.add(new Object[] {Analyzer.symbolName(nf, "an accumulator neuron"), in, out, nf.span()});
                }
                case "self" -> {
                    if (xs.isEmpty() || xs.size() > 2) throw new SyntaxError("usage: (self neuron field?) — the matrix lives in that output field (default single)", l.span());
                    self = new String[] {Analyzer.symbolName(xs.get(0), "the self neuron"), xs.size() > 1 ? Analyzer.symbolName(xs.get(1), "the self field") : "single"};
                    selfSpan = l.span();
                }
                case "init" -> {
                    if (xs.size() % 2 != 0) throw new SyntaxError("(init ...) takes neuron/value pairs: the neuron's initial outputs", l.span());
                    for (int i = 0; i < xs.size(); i += 2)
                        inits.add(new Object[] {Analyzer.symbolName(xs.get(i), "a neuron name"), a.analyze(xs.get(i + 1), s), xs.get(i).span()});
                }
                default -> throw new SyntaxError("unknown section `" + head.name()
                        + "` (expected neurons, links, hard, accumulators, self or init)", head.span());
            }
        }
        String[] selfSpec = self;
        Span selfAt = selfSpan;
        return Node.of(span, f -> {
            Network net = Network.empty(name);
            for (NeuronSpec ns : neurons) net = net.withNeuron(declare(ns, f));
            VValue h = VValue.ZERO;
            for (Object[] acc : accumulators) {
                String n = (String) acc[0];
                if (!net.neurons().containsKey(n))
                    throw new EvalError("accumulator `" + n + "` is not declared in (neurons ...)", (Span) acc[3]);
                List<String> path;
                try {
                    path = net.linkPath(n, (String) acc[1], n, List.of((String) acc[2]));
                } catch (MachineError e) {
                    throw EngineErrors.at(e, (Span) acc[3]);
                }
                h = h.add(VValue.ZERO.assocIn(path, VValue.ONE));
            }
            h = Wiring.apply(net, h, hard, f, false);
            VValue w = Wiring.apply(net, VValue.ZERO, soft, f, false);
            net = net.withHardMatrix(h).withSoftMatrix(w);
            if (selfSpec != null) {
                try {
                    net = net.withSelf(selfSpec[0], selfSpec[1]);
                } catch (MachineError e) {
                    throw EngineErrors.at(e, selfAt);
                }
            }
            for (Object[] in : inits) {
                String n = (String) in[0];
                Object v = ((Node) in[1]).eval(f);
                if (!Values.isVValue(v)) throw new EvalError("the initial outputs of `" + n + "` must be a V-value map", (Span) in[2]);
                try {
                    net = net.withOutput(n, Ops.primal(v));
                } catch (MachineError e) {
                    throw EngineErrors.at(e, (Span) in[2]);
                }
            }
            return net;
        });
    }

    private NeuronDecl declare(NeuronSpec ns, Frame f) {
        if (ns.typeNode == null) {
            Var t = interp.findNeuronType(ns.typeKey);
            if (t == null) {
                Var plain = interp.findVar(ns.typeKey);
                if (plain != null && plain.get() instanceof Fn) t = plain;
            }
            if (t == null)
                throw new EvalError("unknown neuron type `" + ns.typeKey + "` for neuron `" + ns.name
                        + "` (define it with defneuron, or (require std))", ns.typeForm.span());
            return new NeuronDecl(ns.name, ns.typeKey, LanguageNeurons.fromVar(t, ns.typeKey));
        }
        Object fn = ns.typeNode.eval(f);
        if (!(fn instanceof Fn g))
            throw new EvalError("the type of neuron `" + ns.name + "` must be a neuron function, got " + Printer.describe(fn), ns.typeForm.span());
        return NeuronDecl.fixed(ns.name, ns.typeKey, LanguageNeurons.of(g));
    }

    /** {@code (link net specs...)}, {@code (unlink net specs...)}, {@code (fragment net specs...)}. */
    private Node wiringForm(Analyzer a, Form.ListForm l, Analyzer.Scope s, String what, boolean remove, boolean fragmentOnly) {
        Analyzer.arity(l, 2, -1, "(" + what + " net to.field <- weight? from.field ...)");
        List<Form> xs = Analyzer.args(l);
        Node netNode = a.analyze(xs.get(0), s);
        List<Wiring.Link> links = Wiring.parse(xs.subList(1, xs.size()), a, s);
        return Node.of(l.span(), f -> {
            Network net = network(netNode.eval(f), what);
            if (fragmentOnly) return Wiring.apply(net, VValue.ZERO, links, f, false);
            VValue w = Ops.primal(net.softMatrix());
            return net.withSoftMatrix(Wiring.apply(net, w, links, f, remove));
        });
    }

    /** The value as a network, or an error naming {@code what}. */
    public static Network asNetwork(Object v, String what) {
        return network(v, what);
    }

    /**
     * {@code (link! target specs...)}: if a network with the target's name runs, the change is
     * queued for its next cycle boundary; otherwise, when the target is a var holding a network,
     * the var is rebound to the changed network.
     */
    private Node liveWiringForm(Analyzer a, Form.ListForm l, Analyzer.Scope s, String what, boolean remove) {
        Analyzer.arity(l, 2, -1, "(" + what + " net to.field <- weight? from.field ...)");
        List<Form> xs = Analyzer.args(l);
        Node target = a.analyze(xs.get(0), s);
        Var var = xs.get(0) instanceof Form.SymbolForm sf && !sf.name().contains(".") ? interp.varFor(sf.name()) : null;
        List<Wiring.Link> links = Wiring.parse(xs.subList(1, xs.size()), a, s);
        return Node.of(l.span(), f -> {
            Object t = target.eval(f);
            Runner r = t instanceof Runner rr ? rr : runners(interp).get(t instanceof Network n ? n.name() : nameArg(t));
            if (r != null && !r.isStopped()) {
                Network now = r.current();
                // evaluate weights and check names now, on this thread; apply at the cycle boundary
                VValue delta = Wiring.apply(now, VValue.ZERO, links, f, false);
                if (remove) {
                    VValue w = Ops.primal(now.softMatrix());
                    Wiring.apply(now, w, links, f, true);
                    r.edit(net -> net.withSoftMatrix(Wiring.apply(net, Ops.primal(net.softMatrix()), links, f, true)));
                } else r.edit(net -> net.withSoftMatrix(Ops.primal(net.softMatrix()).add(delta)));
                return r;
            }
            if (var == null || !(t instanceof Network net))
                throw new EvalError(what + " needs a running network or a var holding a network; got " + Printer.describe(t));
            Network changed = net.withSoftMatrix(Wiring.apply(net, Ops.primal(net.softMatrix()), links, f, remove));
            var.set(changed);
            return changed;
        });
    }

    static Network network(Object v, String what) {
        if (v instanceof Network n) return n;
        throw new EvalError(what + " expects a network, got " + Printer.describe(v));
    }

    // ------------------------------------------------------------------ built-ins

    private static String nameArg(Object v) {
        if (v instanceof Symbol s) return s.name();
        if (v instanceof Keyword k) return k.name();
        if (v instanceof String s) return s;
        throw new EvalError("expected a neuron name (a quoted symbol like 'output, or a string), got " + Printer.describe(v));
    }

    private static List<String> names(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) for (Object o : l) out.add(nameArg(o));
        else out.add(nameArg(v));
        return out;
    }

    private void builtins() {
        fn("step", "[net]", "The network after one cycle (down movement, then up movement).", 1, 1,
                a -> Engine.step(network(a[0], "step"), LanguageNeurons.context(interp)));
        fn("run", "[net n & options]", "The network after n cycles. Options: :watch [names] prints those neurons' outputs each cycle, :watch-inputs [names] their inputs, :every k prints every k-th cycle.", 2, -1, a -> {
            Network net = network(a[0], "run");
            long n = Values.toLong(a[1], "run");
            Options o = Options.parse("run", a, 2, List.of("watch", "watch-inputs", "every"));
            List<String> outs = o.has("watch") ? names(o.get("watch")) : List.of();
            List<String> ins = o.has("watch-inputs") ? names(o.get("watch-inputs")) : List.of();
            for (String x : outs) net.neuron(x);
            for (String x : ins) net.neuron(x);
            long every = Math.max(1, o.integer("every", 1));
            if (outs.isEmpty() && ins.isEmpty()) return Engine.run(net, n, LanguageNeurons.context(interp), null);
            return Engine.run(net, n, LanguageNeurons.context(interp), after -> {
                if (after.cycle() % every == 0) interp.out().println(LiveHost.line(after, outs, ins));
                return true;
            });
        });
        fn("observe", "[net n & options]", "Runs n cycles and returns a vector with one V-value per cycle: {name values} for the neurons given by :inputs [names] (their inputs) or :outputs [names] (their outputs). Differentiable: use it to write losses.", 2, -1, a -> {
            Network net = network(a[0], "observe");
            long n = Values.toLong(a[1], "observe");
            Options o = Options.parse("observe", a, 2, List.of("inputs", "outputs"));
            if (o.has("inputs") == o.has("outputs")) throw new EvalError("observe needs exactly one of :inputs [names] or :outputs [names]");
            boolean inputs = o.has("inputs");
            List<String> ns = names(o.get(inputs ? "inputs" : "outputs"));
            String[] keys = ns.toArray(String[]::new);
            for (String x : keys) net.neuron(x);
            List<Object> out = new ArrayList<>();
            Engine.run(net, n, LanguageNeurons.context(interp), after -> {
                Object[] vals = new Object[keys.length];
                for (int i = 0; i < keys.length; i++) vals[i] = inputs ? after.inputOf(keys[i]) : after.outputOf(keys[i]);
                out.add(Ops.makeMap(keys, vals));
                return true;
            });
            return Collections.unmodifiableList(out);
        });
        fn("matrix", "[net]", "The soft (trainable) matrix, rank 6: W[to-type][to-name][to-input][from-type][from-name][from-output].", 1, 1,
                a -> network(a[0], "matrix").softMatrix());
        fn("hard-matrix", "[net]", "The hard (fixed) matrix, rank 6.", 1, 1, a -> network(a[0], "hard-matrix").hardMatrix());
        fn("with-matrix", "[net w]", "The network with soft matrix w (rank 6). Rows naming declared neurons must use their declared types.", 2, 2, a -> {
            Network n = network(a[0], "with-matrix");
            Object w = Values.requireVValue(a[1], "with-matrix");
            n.checkTypes(Ops.primal(w));
            return n.withSoftMatrix(w);
        });
        fn("with-hard-matrix", "[net h]", "The network with hard matrix h (rank 6).", 2, 2, a -> {
            Network n = network(a[0], "with-hard-matrix");
            VValue h = Values.vvalue(a[1], "with-hard-matrix");
            n.checkTypes(h);
            return n.withHardMatrix(h);
        });
        fn("named-matrix", "[m net?]", "The rank-4 view W[to-name][to-input][from-name][from-output] of a rank-6 matrix (or of a network's soft matrix).", 1, 1, a -> {
            VValue m = a[0] instanceof Network n ? Ops.primal(n.softMatrix()) : Values.vvalue(a[0], "named-matrix");
            return Network.namedView(m);
        });
        fn("with-named-matrix", "[net w4]", "The network with the soft matrix given in the rank-4 view (types from the declarations), e.g. a matrix read from a published JSON file.", 2, 2, a -> {
            Network n = network(a[0], "with-named-matrix");
            return n.withSoftMatrix(n.fromNamedView(Values.vvalue(a[1], "with-named-matrix")));
        });
        fn("add-to-matrix", "[net delta]", "The network with W + delta (an additive fragment, rank 6).", 2, 2, a -> {
            Network n = network(a[0], "add-to-matrix");
            n.checkTypes(Values.vvalue(a[1], "add-to-matrix"));
            return n.withSoftMatrix(Ops.add(n.softMatrix(), Values.requireVValue(a[1], "add-to-matrix")));
        });
        fn("outputs", "[net]", "The output layer Y[type][name][field] of the last cycle.", 1, 1, a -> network(a[0], "outputs").outputs());
        fn("inputs", "[net]", "The input layer X[type][name][field] of the last cycle.", 1, 1, a -> network(a[0], "inputs").inputs());
        fn("output", "[net name]", "The outputs of one neuron.", 2, 2, a -> network(a[0], "output").outputOf(nameArg(a[1])));
        fn("input", "[net name]", "The inputs of one neuron in the last cycle.", 2, 2, a -> network(a[0], "input").inputOf(nameArg(a[1])));
        fn("set-output", "[net name v]", "The network with a neuron's outputs preset to v (inject a value).", 3, 3,
                a -> network(a[0], "set-output").withOutput(nameArg(a[1]), Values.requireVValue(a[2], "set-output")));
        fn("reset", "[net]", "The network back at cycle 0 with empty inputs and outputs.", 1, 1, a -> network(a[0], "reset").reset());
        fn("cycle", "[net]", "Cycles run since the last reset.", 1, 1, a -> VValue.of(network(a[0], "cycle").cycle()));
        fn("neuron-names", "[net]", "The declared neurons' names.", 1, 1, a -> List.copyOf(network(a[0], "neuron-names").neurons().keySet()));
        fn("add-neuron", "[net name type]", "The network with one more neuron; type is a neuron type name ('sum-dicts) or a neuron function.", 3, 3, a -> {
            Network n = network(a[0], "add-neuron");
            String name = nameArg(a[1]);
            NeuronDecl d;
            if (a[2] instanceof Fn f) d = NeuronDecl.fixed(name, f.name(), LanguageNeurons.of(f));
            else {
                String type = nameArg(a[2]);
                Var t = interp.findNeuronType(type);
                if (t == null) throw new EvalError("unknown neuron type `" + type + "`");
                d = new NeuronDecl(name, type, LanguageNeurons.fromVar(t, type));
            }
            return n.withNeuron(d);
        });
        fn("add-link", "[net to to-field from from-field w]", "The network with w added to the soft link to.to-field <- from.from-field (names as quoted symbols or strings).", 6, 6, a -> {
            Network n = network(a[0], "add-link");
            List<String> p = n.linkPath(nameArg(a[1]), nameArg(a[2]), nameArg(a[3]), Values.toPath(a[4], "add-link"));
            return n.withSoftMatrix(Wiring.addAt(Ops.primal(n.softMatrix()), p, Values.toDouble(a[5], "add-link")));
        });
        fn("add-hard-link", "[net to to-field from from-field w]", "The network with w added to the hard link to.to-field <- from.from-field.", 6, 6, a -> {
            Network n = network(a[0], "add-hard-link");
            List<String> p = n.linkPath(nameArg(a[1]), nameArg(a[2]), nameArg(a[3]), Values.toPath(a[4], "add-hard-link"));
            return n.withHardMatrix(Wiring.addAt(n.hardMatrix(), p, Values.toDouble(a[5], "add-hard-link")));
        });
        fn("replace-neuron", "[net name fn]", "The network with neuron name's function replaced by fn, keeping its type key (so the matrix stays valid): e.g. a new text driver.", 3, 3, a -> {
            Network n = network(a[0], "replace-neuron");
            String name = nameArg(a[1]);
            NeuronDecl old = n.neuron(name);
            if (!(a[2] instanceof Fn f)) throw new EvalError("replace-neuron expects a neuron function, got " + Printer.describe(a[2]));
            return n.withNeuron(NeuronDecl.fixed(name, old.type(), LanguageNeurons.of(f)));
        });
        fn("add-links", "[net links]", "The network with many soft links added at once; links is a vector of [to to-field from from-field w].", 2, 2, a -> {
            Network n = network(a[0], "add-links");
            dmm.vvalue.VBuilder b = dmm.vvalue.VBuilder.of(Ops.primal(n.softMatrix()));
            for (Object spec : Values.toSeq(a[1], "add-links")) {
                List<?> l = Values.toSeq(spec, "add-links");
                if (l.size() != 5) throw new EvalError("add-links: each link is [to to-field from from-field w], got " + Printer.print(spec));
                b.addAt(n.linkPath(nameArg(l.get(0)), nameArg(l.get(1)), nameArg(l.get(2)), Values.toPath(l.get(3), "add-links")),
                        Values.toDouble(l.get(4), "add-links"));
            }
            return n.withSoftMatrix(b.build());
        });
        fn("link-count", "[net]", "Number of soft links (non-zero soft weights).", 1, 1, a -> VValue.of(network(a[0], "link-count").softLinkCount()));
        fn("links", "[m]", "The links of a network's soft matrix (or of a rank-6 matrix) as sorted strings `to.field <- w from.field`.", 1, 1, a -> {
            VValue m = a[0] instanceof Network n ? Ops.primal(n.softMatrix()) : Values.vvalue(a[0], "links");
            return List.copyOf(Links.describe(m));
        });
        fn("print-links", "[net]", "Prints the soft links (then the hard ones) one per line, sorted.", 1, 1, a -> {
            Network n = network(a[0], "print-links");
            for (String s : Links.describe(Ops.primal(n.softMatrix()))) interp.out().println("  " + s);
            List<String> hard = Links.describe(n.hardMatrix());
            if (!hard.isEmpty()) {
                interp.out().println("  ; hard");
                for (String s : hard) interp.out().println("  " + s);
            }
            return null;
        });
        fn("to-dot", "[net]", "The network as a Graphviz DOT graph (soft links solid and labelled with weights, hard links dashed).", 1, 1,
                a -> Dot.render(network(a[0], "to-dot")));
        fn("save-matrix", "[net path & options]", "Writes the soft matrix as JSON, atomically: the rank-4 name-keyed layout of the published files by default, :rank 6 for the full layout.", 2, -1, a -> {
            Network n = network(a[0], "save-matrix");
            String path = Values.toKey(a[1], null);
            Options o = Options.parse("save-matrix", a, 2, List.of("rank"));
            long rank = o.integer("rank", 4);
            if (rank != 4 && rank != 6) throw new EvalError("save-matrix :rank must be 4 or 6");
            VValue w = Ops.primal(n.softMatrix());
            try {
                dmm.vvalue.VValueJson.writeFile(rank == 4 ? Network.namedView(w) : w, Path.of(path));
            } catch (IOException e) {
                throw new EvalError("cannot write " + path + ": " + Values.whyNotWritten(e, path));
            }
            return path;
        });
        fn("load-matrix", "[net path]", "The network with its soft matrix read from a JSON file in the rank-4 or the rank-6 layout (detected from the depth of the leaves); every neuron the file names must be declared.", 2, 2, a -> {
            Network n = network(a[0], "load-matrix");
            String path = Values.toKey(a[1], null);
            return n.withSoftMatrix(n.matrixFromFile(Values.readJsonFile(path), path));
        });
        fn("graph", "[net path]", "Writes the network as a Graphviz graph: DOT for a .dot path; for .svg or .png, renders it with Graphviz `dot` when it is installed. Returns the path.", 2, 2, a -> {
            Network n = network(a[0], "graph");
            String path = Values.toKey(a[1], null);
            String format = path.endsWith(".svg") ? "svg" : path.endsWith(".png") ? "png" : null;
            try {
                if (format == null) {
                    dmm.vvalue.VValueJson.writeAtomically(Path.of(path), Dot.render(n));
                    return path;
                }
                Dot.renderWithGraphviz(Dot.render(n), format, Path.of(path));
                return path;
            } catch (IOException e) {
                throw new EvalError("cannot write " + path + ": " + Values.whyNotWritten(e, path));
            }
        });
        fn("write-dot", "[net path]", "Writes the DOT graph to a file (atomically); returns the path. Render it with `dot -Tsvg`.", 2, 2, a -> {
            String path = Values.toKey(a[1], null);
            try {
                dmm.vvalue.VValueJson.writeAtomically(Path.of(path), Dot.render(network(a[0], "write-dot")));
            } catch (IOException e) {
                throw new EvalError("cannot write " + path + ": " + Values.whyNotWritten(e, path));
            }
            return path;
        });
    }

    private Runner runner(Object x, String what) {
        if (x instanceof Runner r) return r;
        String n = x instanceof Network net ? net.name() : nameArg(x);
        Runner r = runners(interp).get(n);
        if (r == null || r.isStopped()) throw new EvalError(what + ": no network named `" + n + "` is running (start it with (start! " + n + "))");
        return r;
    }

    private void live() {
        fn("start!", "[net & options]", "Runs the network live on a background thread. Options: :rate r (cycles per second; 0 = as fast as possible; default 10), :watch [names] / :watch-inputs [names] print those neurons every :every k cycles, :pause-at c pauses by itself after cycle c. Returns the runner, registered under the network's name.", 1, -1, a -> {
            Network net = network(a[0], "start!");
            Options o = Options.parse("start!", a, 1, List.of("rate", "watch", "watch-inputs", "every", "pause-at"));
            Runner.Watch w = null;
            if (o.has("watch") || o.has("watch-inputs")) {
                w = new Runner.Watch(o.has("watch") ? names(o.get("watch")) : List.of(),
                        o.has("watch-inputs") ? names(o.get("watch-inputs")) : List.of(), Math.max(1, o.integer("every", 1)));
                for (String n : w.outputs()) net.neuron(n);
                for (String n : w.inputs()) net.neuron(n);
            }
            return runners(interp).start(new LiveHost(interp), net, o.number("rate", 10), w, o.integer("pause-at", -1));
        });
        fn("stop!", "[runner]", "Stops a running network (by runner, network or name) at its next cycle boundary and returns its last state once its thread has ended; a cycle still running after a moment (a runaway neuron) is cancelled and discarded.", 1, 1, a -> {
            Runner r = runner(a[0], "stop!");
            r.stop();
            return r.current();
        });
        fn("pause!", "[runner]", "Pauses a running network at the next cycle boundary and returns once it has paused; a cycle still running after a moment (a runaway neuron) is cancelled and discarded, so the network keeps its last completed cycle.", 1, 1, a -> {
            Runner r = runner(a[0], "pause!");
            r.pause();
            return r;
        });
        fn("pause-at!", "[runner cycle]", "Makes a running network pause by itself after completing the given cycle (for scripted sessions).", 2, 2, a -> {
            Runner r = runner(a[0], "pause-at!");
            r.pauseAt(Values.toLong(a[1], "pause-at!"));
            return r;
        });
        fn("resume!", "[runner]", "Resumes a paused network (after an error: from the last good cycle).", 1, 1, a -> {
            Runner r = runner(a[0], "resume!");
            r.resume();
            return r;
        });
        fn("running", "[]", "The running (or paused) networks.", 0, 0, a -> List.copyOf(runners(interp).all()));
        fn("current", "[runner]", "The running network's state as of its last completed cycle (a network value).", 1, 1, a -> runner(a[0], "current").current());
        fn("set-rate!", "[runner r]", "Changes a running network's rate (cycles per second; 0 = as fast as possible).", 2, 2, a -> {
            Runner r = runner(a[0], "set-rate!");
            r.setRate(Values.toDouble(a[1], "set-rate!"));
            return r;
        });
        fn("watch", "[runner & names-and-options]", "Prints neurons of a running network above the prompt: (watch net 'acc 'norm) their outputs, or :outputs [names], :inputs [names], :every k.", 1, -1, a -> {
            Runner r = runner(a[0], "watch");
            int i = 1;
            List<String> outs = new ArrayList<>();
            while (i < a.length && !(a[i] instanceof Keyword)) outs.add(nameArg(a[i++]));
            Options o = Options.parse("watch", a, i, List.of("outputs", "inputs", "every"));
            if (o.has("outputs")) outs.addAll(names(o.get("outputs")));
            List<String> ins = o.has("inputs") ? names(o.get("inputs")) : List.of();
            for (String n : outs) r.current().neuron(n);
            for (String n : ins) r.current().neuron(n);
            r.setWatch(new Runner.Watch(List.copyOf(outs), ins, Math.max(1, o.integer("every", 1))));
            return r;
        });
        fn("unwatch", "[runner]", "Stops printing a running network.", 1, 1, a -> {
            Runner r = runner(a[0], "unwatch");
            r.setWatch(null);
            return r;
        });
        fn("await", "[runner cycle & timeout-seconds]", "Waits until the running network has completed the given cycle (or pauses); returns its state. Ctrl-C ends the wait; the network keeps running.", 2, 3, a -> {
            Runner r = runner(a[0], "await");
            long c = Values.toLong(a[1], "await");
            double timeout = a.length > 2 ? Values.toDouble(a[2], "await") : 60;
            try {
                if (!r.awaitCycle(c, (long) (timeout * 1000)) && !r.isPaused())
                    throw new EvalError("await: network `" + r.name() + "` did not reach cycle " + c + " within " + timeout + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new dmm.cancel.Cancelled();
            }
            return r.current();
        });
        fn("inject!", "[runner name v]", "Sets a neuron's outputs to v at the next cycle boundary of a running network.", 3, 3, a -> {
            Runner r = runner(a[0], "inject!");
            String n = nameArg(a[1]);
            VValue v = Values.vvalue(a[2], "inject!");
            r.current().checkOutputFields(n, v);
            r.edit(net -> net.withOutput(n, v));
            return r;
        });
        fn("set-matrix!", "[runner w]", "Replaces a running network's soft matrix at the next cycle boundary.", 2, 2, a -> {
            Runner r = runner(a[0], "set-matrix!");
            VValue w = Values.vvalue(a[1], "set-matrix!");
            r.current().checkTypes(w);
            r.edit(net -> net.withSoftMatrix(w));
            return r;
        });
        fn("send-fragment!", "[runner delta]", "Adds a matrix fragment (rank 6) to a running network's soft matrix at the next cycle boundary: new links start from the weight sent, removed links are sent as their negative.", 2, 2, a -> {
            Runner r = runner(a[0], "send-fragment!");
            VValue d = Values.vvalue(a[1], "send-fragment!");
            r.current().checkTypes(d);
            r.edit(net -> net.withSoftMatrix(Ops.primal(net.softMatrix()).add(d)));
            return r;
        });
        fn("edit!", "[runner f]", "Applies f (a function from network to network) to a running network at the next cycle boundary.", 2, 2, a -> {
            Runner r = runner(a[0], "edit!");
            Fn f = Values.toFn(a[1], "edit!");
            r.edit(net -> network(interp.call(f, net), "the function given to edit!"));
            return r;
        });
        fn("restore!", "[name]", "Brings back the previous definition of a neuron type (or of a var): the one-command undo after a bad redefinition.", 1, 1, a -> {
            String n = nameArg(a[0]);
            Var v = interp.findNeuronType(n);
            if (v == null) v = interp.findVar(n);
            if (v == null) throw new EvalError("restore!: nothing named `" + n + "` is defined");
            if (!v.restorePrevious()) throw new EvalError("restore!: `" + n + "` has no previous definition");
            interp.out().println("restored the previous definition of `" + n + "`");
            return null;
        });
    }
}
