package dmm.bind;

import static dmm.bind.MachineLib.*;
import dmm.machine.MachineError;
import dmm.machine.Network;
import dmm.machine.NeuronDecl;
import dmm.machine.Runner;
import dmm.ad.Ops;
import dmm.lang.Analyzer;
import dmm.lang.EvalError;
import dmm.lang.Fn;
import dmm.lang.Form;
import dmm.lang.Frame;
import dmm.lang.Interpreter;
import dmm.lang.Lib;
import dmm.lang.Node;
import dmm.lang.Printer;
import dmm.lang.Span;
import dmm.lang.SyntaxError;
import dmm.lang.Values;
import dmm.lang.Var;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.List;

/** The special forms of networks: {@code defnet}/{@code network} (with their sections), and the wiring forms {@code link}, {@code unlink}, {@code fragment}, {@code link!}, {@code unlink!}. */
final class NetworkForms extends Lib {
    NetworkForms(Interpreter interp) {
        super(interp);
    }

    void install() {
        forms();
    }

    /** An accumulator section entry: the hard self-link {@code neuron.in <- 1 neuron.out}. */
    private record Accumulator(String neuron, String in, String out, Span span) {}

    /** An init section entry: the neuron's initial outputs, evaluated when the network is made. */
    private record Init(String neuron, Node value, Span span) {}

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
            return Node.of(l.span(), interp, f -> {
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
        List<Accumulator> accumulators = new ArrayList<>();
        List<Init> inits = new ArrayList<>();
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
                    for (Form nf : names) accumulators.add(new Accumulator(Analyzer.symbolName(nf, "an accumulator neuron"), in, out, nf.span()));
                }
                case "self" -> {
                    if (xs.isEmpty() || xs.size() > 2) throw new SyntaxError("usage: (self neuron field?) — the matrix lives in that output field (default single)", l.span());
                    self = new String[] {Analyzer.symbolName(xs.get(0), "the self neuron"), xs.size() > 1 ? Analyzer.symbolName(xs.get(1), "the self field") : "single"};
                    selfSpan = l.span();
                }
                case "init" -> {
                    if (xs.size() % 2 != 0) throw new SyntaxError("(init ...) takes neuron/value pairs: the neuron's initial outputs", l.span());
                    for (int i = 0; i < xs.size(); i += 2)
                        inits.add(new Init(Analyzer.symbolName(xs.get(i), "a neuron name"), a.analyze(xs.get(i + 1), s), xs.get(i).span()));
                }
                default -> throw new SyntaxError("unknown section `" + head.name()
                        + "` (expected neurons, links, hard, accumulators, self or init)", head.span());
            }
        }
        String[] selfSpec = self;
        Span selfAt = selfSpan;
        return Node.of(span, interp, f -> {
            Network net = Network.empty(name);
            for (NeuronSpec ns : neurons) net = net.withNeuron(declare(ns, f));
            VValue h = VValue.ZERO;
            for (Accumulator acc : accumulators) {
                String n = acc.neuron();
                if (!net.neurons().containsKey(n))
                    throw new EvalError("accumulator `" + n + "` is not declared in (neurons ...)", acc.span());
                List<String> path;
                try {
                    path = net.linkPath(n, acc.in(), n, List.of(acc.out()));
                } catch (MachineError e) {
                    throw EngineErrors.at(e, acc.span());
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
            for (Init in : inits) {
                String n = in.neuron();
                Object v = in.value().eval(f);
                if (!Values.isVValue(v)) throw new EvalError("the initial outputs of `" + n + "` must be a V-value map", in.span());
                try {
                    net = net.withOutput(n, Ops.primal(v));
                } catch (MachineError e) {
                    throw EngineErrors.at(e, in.span());
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
        return Node.of(l.span(), interp, f -> {
            Network net = MachineLib.network(netNode.eval(f), what);
            if (fragmentOnly) return Wiring.apply(net, VValue.ZERO, links, f, false);
            VValue w = Ops.primal(net.softMatrix());
            return net.withSoftMatrix(Wiring.apply(net, w, links, f, remove));
        });
    }

    /** The value as a network, or an error naming {@code what}. */

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
        return Node.of(l.span(), interp, f -> {
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
}
