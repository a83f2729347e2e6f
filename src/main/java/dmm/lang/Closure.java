package dmm.lang;

import dmm.ad.Ops;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A function written in the language: an analyzed body, its parameters (with an optional
 * {@code & rest}), and the values it captured when it was created (closures copy their free
 * variables, which is exact because locals never change).
 */
public final class Closure implements Fn {
    /** What the analyzer knows of a {@code fn} form; shared by all closures made from it. */
    static final class Template {
        String name;
        int required;
        boolean rest;
        int frameSize;
        Node body;
        String paramText;
        /** For neuron functions: the input field bound to each parameter slot, or null. */
        String[] neuronFields;
        boolean neuronWhole;
        /** Whose cancellation a call checks (every call and every {@code recur} is a cancellation point). */
        Interpreter interp;
        /** For neuron functions: the output fields the body's map literal declares, or null when computed. */
        String[] neuronOutputs;
    }

    /**
     * A native body a binding may attach to one closure object (never to a name: a redefinition
     * is another closure, without it). It is called with the arguments before the interpreted
     * body and must compute exactly what the body computes (values and, under a recording tape,
     * gradients); for anything it does not handle exactly — other arguments, a redefined global
     * the body calls, a setting — it returns {@link #DECLINE} and the body runs as written, so
     * errors and semantics stay the interpreter's.
     */
    @FunctionalInterface
    public interface Intrinsic {
        /** The result that lets the interpreted body run. */
        Object DECLINE = new Object() {
            @Override
            public String toString() {
                return "#<decline>";
            }
        };

        /** The call's result, or {@link #DECLINE}. */
        Object apply(Object[] args);
    }

    final Template template;
    final Object[] captured;
    private volatile Intrinsic intrinsic;

    Closure(Template template, Object[] captured) {
        this.template = template;
        this.captured = captured;
    }

    @Override
    public Object invoke(Object[] args) {
        Template t = template;
        t.interp.checkCancelled();
        Intrinsic fast = intrinsic;
        if (fast != null) {
            Object r = fast.apply(args);
            if (r != Intrinsic.DECLINE) return r;
        }
        Frame f = new Frame(t.frameSize, this);
        if (t.neuronFields != null || t.neuronWhole) {
            if (args.length != 1)
                throw new EvalError("wrong number of arguments to neuron function `" + name() + "`: got " + args.length
                        + ", expected 1 (the input map)");
            Object in = args[0];
            if (t.neuronWhole) f.slots[0] = in;
            else System.arraycopy(Ops.fields(in, t.neuronFields), 0, f.slots, 0, t.neuronFields.length);
        } else {
            int n = args.length;
            if (n < t.required || (!t.rest && n > t.required))
                throw new EvalError("wrong number of arguments to `" + name() + "`: got " + n + ", expected "
                        + (t.rest ? "at least " + t.required : String.valueOf(t.required)) + " " + t.paramText);
            System.arraycopy(args, 0, f.slots, 0, t.required);
            if (t.rest) {
                f.slots[t.required] = n > t.required
                        ? Collections.unmodifiableList(new ArrayList<>(Arrays.asList(args).subList(t.required, n)))
                        : List.of();
            }
        }
        Object r;
        while ((r = t.body.eval(f)) == Node.RECUR) t.interp.checkCancelled();
        return r;
    }

    /** Attaches a native body to this closure (null removes it); see {@link Intrinsic}. */
    public void setIntrinsic(Intrinsic intrinsic) {
        this.intrinsic = intrinsic;
    }

    /** The native body attached to this closure, or null. */
    public Intrinsic intrinsic() {
        return intrinsic;
    }

    /**
     * The body as a compiler reads it ({@link Body}), with this closure's captured values as
     * constants. Parameters are slots 0.. in order (a neuron's input fields in
     * {@link #neuronFields()} order, or its whole input map in slot 0).
     */
    public Body body() {
        return template.body.view(captured);
    }

    /** The number of required parameters (for a neuron: its input fields, or 1 for the whole map). */
    public int requiredParameters() {
        if (template.neuronWhole) return 1;
        if (template.neuronFields != null) return template.neuronFields.length;
        return template.required;
    }

    /** True when the parameters end with {@code & rest}. */
    public boolean hasRestParameter() {
        return template.rest;
    }

    /** True for a neuron function that binds its whole input map to one symbol. */
    public boolean takesWholeInputMap() {
        return template.neuronWhole;
    }

    /** The interpreter this closure belongs to (its vars, its cancellation). */
    public Interpreter interpreter() {
        return template.interp;
    }

    /** True for functions made by {@code neuron} / {@code defneuron}. */
    public boolean isNeuron() {
        return template.neuronFields != null || template.neuronWhole;
    }

    /** The input fields a neuron function names, or null for a whole-map neuron or a plain function. */
    public List<String> neuronFields() {
        return template.neuronFields == null ? null : List.of(template.neuronFields);
    }

    /**
     * The output fields a neuron function declares (the keys of the map literal its body
     * returns), or null when they are computed or this is not a neuron function.
     */
    public List<String> neuronOutputs() {
        return isNeuron() && template.neuronOutputs != null ? List.of(template.neuronOutputs) : null;
    }

    @Override
    public String name() {
        return template.name == null ? "anonymous fn" : template.name;
    }

    /** The parameter list as written, e.g. {@code [x & more]}. */
    public String params() {
        return template.paramText;
    }

    @Override
    public String toString() {
        return "#<" + (isNeuron() ? "neuron " : "fn ") + name() + ">";
    }
}
