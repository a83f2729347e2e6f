package dmm.bind;

import static dmm.bind.MachineLib.*;
import dmm.ad.Ops;
import dmm.lang.EvalError;
import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.lang.Lib;
import dmm.lang.Options;
import dmm.lang.Printer;
import dmm.lang.Values;
import dmm.lang.Var;
import dmm.machine.Engine;
import dmm.machine.Links;
import dmm.machine.Network;
import dmm.machine.NeuronDecl;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The built-ins of network values: running and observing them, reading and replacing matrices, inputs and outputs, adding neurons and links. */
final class NetworkBuiltins extends Lib {
    NetworkBuiltins(Interpreter interp) {
        super(interp);
    }

    void install() {
        builtins();
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
        fn("observe", "[net n & options]", "Runs n cycles and returns a vector with one V-value per cycle: {name values} for the neurons given by :inputs [names] (their inputs) or :outputs [names] (their outputs). Differentiable: use it to write losses. Only the observed neurons and those they read, directly or not, are computed (neurons whose types have no compiled kernel, such as language neurons that print, always run): a pruned network's loss skips its disconnected neurons, with the same values and gradients.", 2, -1, a -> {
            Network net = network(a[0], "observe");
            long n = Values.toLong(a[1], "observe");
            Options o = Options.parse("observe", a, 2, List.of("inputs", "outputs"));
            if (o.has("inputs") == o.has("outputs")) throw new EvalError("observe needs exactly one of :inputs [names] or :outputs [names]");
            boolean inputs = o.has("inputs");
            List<String> ns = names(o.get(inputs ? "inputs" : "outputs"));
            String[] keys = ns.toArray(String[]::new);
            for (String x : keys) net.neuron(x);
            List<Object> out = new ArrayList<>();
            // only the observed neurons and what they depend on run (the same values and gradients)
            Engine.runObserving(net, n, LanguageNeurons.context(interp), ns, after -> {
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
            VBuilder b = VBuilder.of(Ops.primal(n.softMatrix()));
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
    }
}
