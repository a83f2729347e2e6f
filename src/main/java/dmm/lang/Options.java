package dmm.lang;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Trailing keyword options of a built-in call: {@code (run net 140 :watch [output] :quiet true)}. */
public final class Options {
    private final String fnName;
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Options(String fnName) {
        this.fnName = fnName;
    }

    /**
     * Parses {@code args[from..]} as {@code :key value} pairs, rejecting keys outside {@code allowed}
     * with an error that lists the allowed ones.
     */
    public static Options parse(String fnName, Object[] args, int from, List<String> allowed) {
        Options o = new Options(fnName);
        for (int i = from; i < args.length; i += 2) {
            if (!(args[i] instanceof Keyword k))
                throw new EvalError("`" + fnName + "`: expected an option keyword (one of " + keys(allowed) + ") at argument "
                        + (i + 1) + ", got " + Printer.describe(args[i]));
            if (!allowed.contains(k.name()))
                throw new EvalError("`" + fnName + "`: unknown option :" + k.name() + " (allowed: " + keys(allowed) + ")");
            if (i + 1 >= args.length) throw new EvalError("`" + fnName + "`: option :" + k.name() + " needs a value");
            o.values.put(k.name(), args[i + 1]);
        }
        return o;
    }

    private static String keys(List<String> allowed) {
        StringBuilder sb = new StringBuilder();
        for (String a : allowed) sb.append(sb.length() == 0 ? ":" : " :").append(a);
        return sb.toString();
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Object get(String key) {
        return values.get(key);
    }

    public double number(String key, double dflt) {
        return has(key) ? Values.toDouble(values.get(key), fnName + " :" + key) : dflt;
    }

    public long integer(String key, long dflt) {
        return has(key) ? Values.toLong(values.get(key), fnName + " :" + key) : dflt;
    }

    public boolean flag(String key, boolean dflt) {
        return has(key) ? Node.truthy(values.get(key)) : dflt;
    }

    public String string(String key, String dflt) {
        return has(key) ? Values.name(values.get(key), fnName + " :" + key + " expects a string") : dflt;
    }
}
