package dmm.bind;

import dmm.lang.Analyzer;
import dmm.lang.EvalError;
import dmm.lang.Form;
import dmm.lang.Frame;
import dmm.lang.Node;
import dmm.lang.Span;
import dmm.lang.SyntaxError;
import dmm.lang.Values;
import dmm.machine.MachineError;
import dmm.machine.Network;
import dmm.machine.NeuronDecl;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The connection syntax {@code to.field <- [weight] from.field}, as written in {@code defnet}
 * sections and in {@code link}, {@code unlink} and {@code fragment}. The weight is optional
 * (default 1) and may be any expression; a source path may go deeper than a field
 * ({@code from.field.key}) to reach inside an output value.
 */
final class Wiring {
    private Wiring() {}

    /** One parsed link: evaluate the weight with {@link #weight(Frame)}. */
    record Link(String to, String toField, Node weightNode, String from, List<String> fromPath, Span span, Span toSpan, Span fromSpan) {
        double weight(Frame f) {
            return weightNode == null ? 1.0 : Values.toDouble(weightNode.eval(f), "the weight of link " + describe());
        }

        String describe() {
            return to + "." + toField + " <- " + from + "." + String.join(".", fromPath);
        }
    }

    static boolean isEndpoint(Form f) {
        return f instanceof Form.SymbolForm s && s.name().indexOf('.') > 0 && !s.name().endsWith(".");
    }

    private static boolean isArrow(Form f) {
        return f instanceof Form.SymbolForm s && s.name().equals("<-");
    }

    /** Parses a sequence of link specifications. */
    static List<Link> parse(List<Form> items, Analyzer analyzer, Analyzer.Scope scope) {
        List<Link> out = new ArrayList<>();
        int i = 0;
        while (i < items.size()) {
            Form to = items.get(i);
            if (!isEndpoint(to))
                throw new SyntaxError("expected a link target `neuron.field` (a link reads `to.field <- weight? from.field`)", to.span());
            if (i + 1 >= items.size() || !isArrow(items.get(i + 1)))
                throw new SyntaxError("expected `<-` after the link target `" + ((Form.SymbolForm) to).name() + "`",
                        i + 1 < items.size() ? items.get(i + 1).span() : to.span());
            if (i + 2 >= items.size()) throw new SyntaxError("the link has no source after `<-`", items.get(i + 1).span());
            Node weight = null;
            int j = i + 2;
            if (!isEndpoint(items.get(j))) {
                weight = analyzer.analyze(items.get(j), scope);
                j++;
                if (j >= items.size() || !isEndpoint(items.get(j)))
                    throw new SyntaxError("expected the link source `neuron.field` after the weight",
                            j < items.size() ? items.get(j).span() : items.get(j - 1).span());
            }
            List<String> t = split((Form.SymbolForm) to);
            if (t.size() != 2)
                throw new SyntaxError("a link target is `neuron.field` (one dot), got `" + ((Form.SymbolForm) to).name() + "`", to.span());
            List<String> s = split((Form.SymbolForm) items.get(j));
            out.add(new Link(t.get(0), t.get(1), weight, s.get(0), List.copyOf(s.subList(1, s.size())),
                    to.span().to(items.get(j).span()), to.span(), items.get(j).span()));
            i = j + 1;
        }
        return out;
    }

    private static List<String> split(Form.SymbolForm s) {
        return Arrays.asList(s.name().split("\\.", -1));
    }

    /** Applies links to a matrix of {@code net}: adds {@code sign·weight} at each link's path. */
    static VValue apply(Network net, VValue m, List<Link> links, Frame f, boolean remove) {
        if (remove) {
            VValue result = m;
            for (Link l : links) {
                List<String> p = pathOf(net, l);
                if (result.getIn(p).isZero()) throw new EvalError("there is no link " + l.describe() + " to remove", l.span());
                result = result.dissocIn(p);
            }
            return result;
        }
        if (links.size() <= 8) {
            // a few links: edit the paths (O(depth · log n) each), not a copy of the whole matrix
            VValue result = m;
            for (Link l : links) result = addAt(result, pathOf(net, l), l.weight(f));
            return result;
        }
        VBuilder b = VBuilder.of(m);
        for (Link l : links) b.addAt(pathOf(net, l), l.weight(f));
        return b.build();
    }

    /** {@code m} with {@code w} added at the leaf {@code path}, sharing everything off the path. */
    static VValue addAt(VValue m, List<String> path, double w) {
        VValue at = m.getIn(path);
        return m.assocIn(path, at.withScalar(at.scalarPart() + w));
    }

    /** The link's rank-6 path; an unknown neuron or field is an error at the endpoint that names it. */
    static List<String> pathOf(Network net, Link l) {
        NeuronDecl to = declared(net, l.to(), l.toSpan()), from = declared(net, l.from(), l.fromSpan());
        String problem = Network.fieldProblem(to, l.toField(), true);
        if (problem != null) throw new EvalError(problem, l.toSpan());
        problem = l.fromPath().isEmpty() ? null : Network.fieldProblem(from, l.fromPath().get(0), false);
        if (problem != null) throw new EvalError(problem, l.fromSpan());
        try {
            return net.linkPath(l.to(), l.toField(), l.from(), l.fromPath());
        } catch (MachineError e) {
            throw EngineErrors.at(e, l.span());
        }
    }

    private static NeuronDecl declared(Network net, String name, Span span) {
        try {
            return net.neuron(name);
        } catch (MachineError e) {
            throw EngineErrors.at(e, span);
        }
    }
}
