package dmm.lang;

import java.util.function.Function;

/** A function implemented in Java, with a docstring and an arity check. */
public final class Builtin implements Fn {
    private final String name;
    private final String params;
    private final String doc;
    private final int minArgs;
    private final int maxArgs;
    private final Function<Object[], Object> body;

    /**
     * @param params the parameter list as shown by {@code doc}, e.g. {@code "[a b]"}
     * @param maxArgs -1 for variadic
     */
    public Builtin(String name, String params, String doc, int minArgs, int maxArgs, Function<Object[], Object> body) {
        this.name = name;
        this.params = params;
        this.doc = doc;
        this.minArgs = minArgs;
        this.maxArgs = maxArgs;
        this.body = body;
    }

    @Override
    public Object invoke(Object[] args) {
        if (args.length < minArgs || (maxArgs >= 0 && args.length > maxArgs))
            throw new EvalError("wrong number of arguments to `" + name + "`: got " + args.length + ", expected "
                    + arityText() + " " + params);
        return body.apply(args);
    }

    private String arityText() {
        if (maxArgs == minArgs) return String.valueOf(minArgs);
        if (maxArgs < 0) return "at least " + minArgs;
        return minArgs + " to " + maxArgs;
    }

    @Override
    public String name() {
        return name;
    }

    public String params() {
        return params;
    }

    public String doc() {
        return doc;
    }

    @Override
    public String toString() {
        return "#<builtin " + name + ">";
    }
}
