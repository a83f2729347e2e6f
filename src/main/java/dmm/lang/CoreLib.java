package dmm.lang;

import dmm.vvalue.VValue;
import dmm.vvalue.VValueJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Core built-ins: predicates, comparisons, sequences, strings, printing, randomness, files.
 *
 * <p>Long because it is the one list of the core language's built-ins (over 500 lines), each a
 * registration of a few lines with its doc text, grouped by kind; the network, training and
 * study built-ins live in their own packages' libraries.
 */
final class CoreLib extends Lib {
    private RandomGenerator random = generator(42, false);

    /**
     * {@code -Ddmm.random=legacy} (the launcher's {@code dmm --legacy-random}): {@code seed!}
     * seeds {@code java.util.Random} with the raw seed, the stream of the builds before
     * 2026-12-05 that some committed results were measured with.
     */
    static boolean legacyByDefault() {
        return "legacy".equals(System.getProperty("dmm.random"));
    }

    /**
     * The generator of seed {@code seed}: a {@link SplittableRandom} (SplitMix64: the seed goes
     * through a 64-bit mixing function, so adjacent seeds give independent streams), or with
     * {@code legacy} the old {@code java.util.Random}, whose first draws for adjacent seeds
     * nearly agree (0.73088 and 0.73115 for seeds 1 and 2).
     */
    static RandomGenerator generator(long seed, boolean legacy) {
        return legacy || legacyByDefault() ? new Random(seed) : new SplittableRandom(seed);
    }

    private CoreLib(Interpreter interp) {
        super(interp);
    }

    static void install(Interpreter interp) {
        CoreLib lib = new CoreLib(interp);
        lib.predicates();
        lib.numbers();
        lib.sequences();
        lib.strings();
        lib.printing();
        lib.misc();
        lib.specialForms();
    }

    private static List<Object> list(List<Object> l) {
        return Collections.unmodifiableList(l);
    }

    private static boolean truthy(Object o) {
        return Node.truthy(o);
    }

    private static final Pattern FORMAT_SPEC =
            Pattern.compile("%(\\d+\\$|<)?[-#+ 0,(]*\\d*(\\.\\d+)?[tT]?([a-zA-Z%])");

    /** Numbers arrive as doubles: those given to an integer conversion (%d, %x, %o) become longs when integral. */
    static void integersFor(String f, Object[] args) {
        Matcher m = FORMAT_SPEC.matcher(f);
        int next = 0, last = -1;
        while (m.find()) {
            char conv = m.group(3).charAt(0);
            if (conv == '%' || conv == 'n') continue;
            int i;
            if ("<".equals(m.group(1))) i = last;
            else if (m.group(1) != null) i = Integer.parseInt(m.group(1).substring(0, m.group(1).length() - 1)) - 1;
            else i = next++;
            last = i;
            if (i >= 0 && i < args.length && "dxXo".indexOf(conv) >= 0 && args[i] instanceof Double d && d == Math.rint(d))
                args[i] = d.longValue();
        }
    }

    private void predicates() {
        fn("=", "[a b & more]", "True when all arguments are equal (V-values compare by value).", 1, -1, a -> {
            for (int i = 1; i < a.length; i++) if (!Values.equal(a[0], a[i])) return false;
            return true;
        });
        fn("not=", "[a b]", "True when the arguments are not all equal.", 1, -1, a -> {
            for (int i = 1; i < a.length; i++) if (!Values.equal(a[0], a[i])) return true;
            return false;
        });
        fn("not", "[x]", "True for nil and false, false otherwise.", 1, 1, a -> !truthy(a[0]));
        fn("nil?", "[x]", "True for nil.", 1, 1, a -> a[0] == null);
        fn("some?", "[x]", "True for anything but nil.", 1, 1, a -> a[0] != null);
        fn("number?", "[x]", "True for a V-value with no children (a bare number).", 1, 1,
                a -> Values.isVValue(a[0]) && Values.vvalue(a[0], "number?").isScalar());
        fn("vvalue?", "[x]", "True for V-values (numbers included).", 1, 1, a -> Values.isVValue(a[0]));
        fn("string?", "[x]", "True for strings.", 1, 1, a -> a[0] instanceof String);
        fn("keyword?", "[x]", "True for keywords.", 1, 1, a -> a[0] instanceof Keyword);
        fn("symbol?", "[x]", "True for symbols.", 1, 1, a -> a[0] instanceof Symbol);
        fn("fn?", "[x]", "True for functions.", 1, 1, a -> a[0] instanceof Fn);
        fn("vector?", "[x]", "True for vectors and lists.", 1, 1, a -> a[0] instanceof List);
        fn("zero?", "[x]", "True for the zero V-value.", 1, 1, a -> Values.vvalue(a[0], "zero?").isZero());
        fn("empty?", "[coll]", "True for an empty sequence, string or V-value.", 1, 1, a -> {
            if (Values.isVValue(a[0])) return Values.vvalue(a[0], "empty?").isZero();
            return Values.toSeq(a[0], "empty?").isEmpty();
        });
        compare("<", "less than", (x, y) -> x < y);
        compare(">", "greater than", (x, y) -> x > y);
        compare("<=", "at most", (x, y) -> x <= y);
        compare(">=", "at least", (x, y) -> x >= y);
    }

    private interface DoubleRel {
        boolean test(double x, double y);
    }

    private void compare(String name, String words, DoubleRel rel) {
        fn(name, "[a b & more]", "True when each number is " + words + " the next. Compares primal values (no gradient).",
                1, -1, a -> {
                    for (int i = 0; i + 1 < a.length; i++)
                        if (!rel.test(Values.toDouble(a[i], name), Values.toDouble(a[i + 1], name))) return false;
                    if (a.length == 1) Values.toDouble(a[0], name);
                    return true;
                });
    }

    private void numbers() {
        fn("inc", "[n]", "n + 1 (not differentiable: use + for gradients).", 1, 1, a -> VValue.of(Values.toDouble(a[0], "inc") + 1));
        fn("dec", "[n]", "n − 1 (not differentiable).", 1, 1, a -> VValue.of(Values.toDouble(a[0], "dec") - 1));
        fn("mod", "[n d]", "n modulo d, with the sign of d (not differentiable).", 2, 2, a -> {
            double n = Values.toDouble(a[0], "mod"), d = Values.toDouble(a[1], "mod");
            if (d == 0) throw new EvalError("mod: division by zero");
            double m = n % d;
            if (m != 0 && (m < 0) != (d < 0)) m += d;
            return VValue.of(m);
        });
        fn("quot", "[n d]", "Integer quotient of n by d, rounded toward zero.", 2, 2, a -> {
            double d = Values.toDouble(a[1], "quot");
            if (d == 0) throw new EvalError("quot: division by zero");
            double q = Values.toDouble(a[0], "quot") / d;
            return VValue.of(q < 0 ? Math.ceil(q) : Math.floor(q));
        });
        fn("floor", "[x]", "Largest integer ≤ x (not differentiable).", 1, 1, a -> VValue.of(Math.floor(Values.toDouble(a[0], "floor"))));
        fn("ceil", "[x]", "Smallest integer ≥ x (not differentiable).", 1, 1, a -> VValue.of(Math.ceil(Values.toDouble(a[0], "ceil"))));
        fn("round", "[x]", "Nearest integer, halves away from zero (not differentiable).", 1, 1,
                a -> VValue.of((double) Math.round(Values.toDouble(a[0], "round"))));
        fn("seed!", "[n & legacy]", """
                Seeds the random generator used by rand, rand-normal and rand-int (and so the network \
                initializers) with the integer n: a SplittableRandom (SplitMix64), whose streams for \
                adjacent seeds are independent. (seed! n :legacy), or the launcher's dmm --legacy-random \
                for every seed!, gives the stream of builds before 2026-12-05 (java.util.Random seeded \
                with n) that some committed results were measured with.""", 1, 2, a -> {
            boolean legacy = false;
            if (a.length == 2) {
                if (!(a[1] instanceof Keyword k && k.name().equals("legacy")))
                    throw new EvalError("seed!: the optional second argument is :legacy (java.util.Random); got " + Printer.describe(a[1]));
                legacy = true;
            }
            random = generator(Values.toLong(a[0], "seed!"), legacy);
            return null;
        });
        fn("rand", "[]", "A uniform random number in [0, 1).", 0, 0, a -> VValue.of(random.nextDouble()));
        fn("rand-normal", "[]", "A standard normal random number.", 0, 0, a -> VValue.of(random.nextGaussian()));
        fn("rand-int", "[n]", "A uniform random integer in [0, n).", 1, 1, a -> VValue.of(random.nextInt(Values.toInt(a[0], "rand-int"))));
        fn("nano-time", "[]", "The JVM's monotonic clock in nanoseconds.", 0, 0, a -> VValue.of((double) System.nanoTime()));
    }

    private void sequences() {
        fn("list", "[& items]", "A sequence of the arguments (printed as a vector).", 0, -1, CoreLib::listOf);
        fn("vector", "[& items]", "A vector of the arguments.", 0, -1, CoreLib::listOf);
        fn("count", "[coll]", "Number of items of a sequence, characters of a string, or top-level keys of a V-value.", 1, 1, a -> {
            if (Values.isVValue(a[0])) return VValue.of(Values.vvalue(a[0], "count").childCount());
            if (a[0] instanceof String s) return VValue.of(s.codePointCount(0, s.length()));
            return VValue.of(Values.toSeq(a[0], "count").size());
        });
        fn("first", "[coll]", "The first item, or nil.", 1, 1, a -> {
            List<?> l = Values.toSeq(a[0], "first");
            return l.isEmpty() ? null : l.get(0);
        });
        fn("second", "[coll]", "The second item, or nil.", 1, 1, a -> {
            List<?> l = Values.toSeq(a[0], "second");
            return l.size() < 2 ? null : l.get(1);
        });
        fn("last", "[coll]", "The last item, or nil.", 1, 1, a -> {
            List<?> l = Values.toSeq(a[0], "last");
            return l.isEmpty() ? null : l.get(l.size() - 1);
        });
        fn("rest", "[coll]", "All items but the first.", 1, 1, a -> {
            List<?> l = Values.toSeq(a[0], "rest");
            return l.isEmpty() ? List.of() : list(new ArrayList<>(l.subList(1, l.size())));
        });
        fn("nth", "[coll i]", "The item at index i (0-based); of a string, the character at i.", 2, 2, a -> {
            int i = Values.toInt(a[1], "nth");
            if (a[0] instanceof String str) {
                int n = str.codePointCount(0, str.length());
                if (i < 0 || i >= n) throw new EvalError("nth: index " + i + " out of range for a string of " + n + " characters");
                return Values.character(str.codePointAt(str.offsetByCodePoints(0, i)));
            }
            List<?> l = Values.toSeq(a[0], "nth");
            if (i < 0 || i >= l.size()) throw new EvalError("nth: index " + i + " out of range for a sequence of " + l.size());
            return l.get(i);
        });
        fn("cons", "[x coll]", "A sequence with x before the items of coll.", 2, 2, a -> {
            List<Object> out = new ArrayList<>();
            out.add(a[0]);
            out.addAll(Values.toSeq(a[1], "cons"));
            return list(out);
        });
        fn("conj", "[coll & xs]", "A sequence with xs appended.", 1, -1, a -> {
            List<Object> out = new ArrayList<>(Values.toSeq(a[0], "conj"));
            for (int i = 1; i < a.length; i++) out.add(a[i]);
            return list(out);
        });
        fn("concat", "[& colls]", "The items of all sequences, in order.", 0, -1, a -> {
            List<Object> out = new ArrayList<>();
            for (Object x : a) out.addAll(Values.toSeq(x, "concat"));
            return list(out);
        });
        fn("reverse", "[coll]", "The items in reverse order.", 1, 1, a -> {
            List<Object> out = new ArrayList<>(Values.toSeq(a[0], "reverse"));
            Collections.reverse(out);
            return list(out);
        });
        fn("take", "[n coll]", "The first n items.", 2, 2, a -> {
            List<?> l = Values.toSeq(a[1], "take");
            return list(new ArrayList<>(l.subList(0, Math.max(0, Math.min(l.size(), Values.toInt(a[0], "take"))))));
        });
        fn("drop", "[n coll]", "All but the first n items.", 2, 2, a -> {
            List<?> l = Values.toSeq(a[1], "drop");
            return list(new ArrayList<>(l.subList(Math.max(0, Math.min(l.size(), Values.toInt(a[0], "drop"))), l.size())));
        });
        fn("sort", "[coll]", "Items sorted: numbers by value, strings alphabetically.", 1, 1, a -> {
            List<Object> out = new ArrayList<>(Values.toSeq(a[0], "sort"));
            out.sort(CoreLib::compareValues);
            return list(out);
        });
        fn("sort-by", "[f coll]", "Items sorted by the value of f on each.", 2, 2, a -> {
            Fn f = Values.toFn(a[0], "sort-by");
            List<Object[]> keyed = new ArrayList<>();
            for (Object x : Values.toSeq(a[1], "sort-by")) keyed.add(new Object[] {interp.call(f, x), x});
            keyed.sort(Comparator.comparing((Object[] p) -> p[0], CoreLib::compareValues));
            List<Object> out = new ArrayList<>();
            for (Object[] p : keyed) out.add(p[1]);
            return list(out);
        });
        fn("range", "[end] or [start end] or [start end step]", "Numbers from start (default 0) below end, by step (default 1).", 1, 3, a -> {
            double start = 0, end, step = 1;
            if (a.length == 1) end = Values.toDouble(a[0], "range");
            else {
                start = Values.toDouble(a[0], "range");
                end = Values.toDouble(a[1], "range");
                if (a.length == 3) step = Values.toDouble(a[2], "range");
            }
            if (step == 0) throw new EvalError("range: step must not be zero");
            List<Object> out = new ArrayList<>();
            for (long i = 0; ; i++) {
                double x = start + i * step;
                if (step > 0 ? x >= end : x <= end) break;
                if (out.size() > 50_000_000) throw new EvalError("range: too many items");
                if ((i & 0xFFFF) == 0) interp.checkCancelled();
                out.add(VValue.of(x));
            }
            return list(out);
        });
        fn("map", "[f coll & colls]", "The sequence of f applied to the items (to items at the same index of several sequences).", 2, -1, a -> {
            Fn f = Values.toFn(a[0], "map");
            List<List<?>> seqs = new ArrayList<>();
            int n = Integer.MAX_VALUE;
            for (int i = 1; i < a.length; i++) {
                List<?> s = Values.toSeq(a[i], "map");
                seqs.add(s);
                n = Math.min(n, s.size());
            }
            List<Object> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Object[] args = new Object[seqs.size()];
                for (int j = 0; j < args.length; j++) args[j] = seqs.get(j).get(i);
                out.add(interp.call(f, args));
            }
            return list(out);
        });
        fn("mapcat", "[f coll]", "The concatenation of the sequences f returns for each item.", 2, 2, a -> {
            Fn f = Values.toFn(a[0], "mapcat");
            List<Object> out = new ArrayList<>();
            for (Object x : Values.toSeq(a[1], "mapcat")) out.addAll(Values.toSeq(interp.call(f, x), "mapcat result"));
            return list(out);
        });
        fn("filter", "[pred coll]", "The items for which pred is truthy.", 2, 2, a -> {
            Fn f = Values.toFn(a[0], "filter");
            List<Object> out = new ArrayList<>();
            for (Object x : Values.toSeq(a[1], "filter")) if (truthy(interp.call(f, x))) out.add(x);
            return list(out);
        });
        fn("remove", "[pred coll]", "The items for which pred is falsy.", 2, 2, a -> {
            Fn f = Values.toFn(a[0], "remove");
            List<Object> out = new ArrayList<>();
            for (Object x : Values.toSeq(a[1], "remove")) if (!truthy(interp.call(f, x))) out.add(x);
            return list(out);
        });
        fn("reduce", "[f init coll] or [f coll]", "Folds f over the items from the left, starting with init (or the first item).", 2, 3, a -> {
            Fn f = Values.toFn(a[0], "reduce");
            List<?> l = Values.toSeq(a[a.length - 1], "reduce");
            Object acc;
            int start = 0;
            if (a.length == 3) acc = a[1];
            else {
                if (l.isEmpty()) throw new EvalError("reduce of an empty sequence with no initial value");
                acc = l.get(0);
                start = 1;
            }
            for (int i = start; i < l.size(); i++) acc = interp.call(f, acc, l.get(i));
            return acc;
        });
        fn("some", "[pred coll]", "The first truthy value of pred on the items, or nil.", 2, 2, a -> {
            Fn f = Values.toFn(a[0], "some");
            for (Object x : Values.toSeq(a[1], "some")) {
                Object r = interp.call(f, x);
                if (truthy(r)) return r;
            }
            return null;
        });
        fn("every?", "[pred coll]", "True when pred is truthy on every item.", 2, 2, a -> {
            Fn f = Values.toFn(a[0], "every?");
            for (Object x : Values.toSeq(a[1], "every?")) if (!truthy(interp.call(f, x))) return false;
            return true;
        });
        fn("apply", "[f & args coll]", "Calls f with the args followed by the items of coll.", 2, -1, a -> {
            Fn f = Values.toFn(a[0], "apply");
            List<Object> args = new ArrayList<>();
            for (int i = 1; i < a.length - 1; i++) args.add(a[i]);
            args.addAll(Values.toSeq(a[a.length - 1], "apply"));
            return interp.call(f, args.toArray());
        });
        fn("identity", "[x]", "Returns x.", 1, 1, a -> a[0]);
        fn("neuron-type", "[name]", "The neuron function defined by (defneuron name ...).", 1, 1, a -> {
            String n = Values.toKey(a[0], null);
            Var v = interp.findNeuronType(n);
            if (v == null) throw new EvalError("unknown neuron type `" + n + "`");
            return v.get();
        });
    }

    private static Object listOf(Object[] a) {
        return Collections.unmodifiableList(new ArrayList<>(Arrays.asList(a)));
    }

    static int compareValues(Object x, Object y) {
        if (Values.isVValue(x) && Values.isVValue(y))
            return Double.compare(Values.toDouble(x, "sort"), Values.toDouble(y, "sort"));
        if (x instanceof String s && y instanceof String t) return s.compareTo(t);
        return Printer.print(x).compareTo(Printer.print(y));
    }

    private void strings() {
        fn("str", "[& xs]", "Concatenates the display text of the arguments (nil is empty).", 0, -1, a -> {
            StringBuilder sb = new StringBuilder();
            for (Object x : a) if (x != null) sb.append(Printer.display(x));
            return sb.toString();
        });
        fn("pr-str", "[& xs]", "The readable text of the arguments, separated by spaces.", 0, -1, a -> join(a, Printer::print));
        fn("format", "[fmt & args]", "Java-style formatting: (format \"%.3f\" x); numbers format as doubles, and as integers where %d, %x or %o takes an integral one: (format \"%d of %.1f\" 3 4) is \"3 of 4.0\".", 1, -1, a -> {
            if (!(a[0] instanceof String f)) throw new EvalError("format expects a format string first");
            Object[] args = new Object[a.length - 1];
            for (int i = 1; i < a.length; i++) {
                Object x = a[i];
                if (Values.isVValue(x) && Values.vvalue(x, "format").isScalar()) {
                    double d = Values.vvalue(x, "format").scalarPart();
                    args[i - 1] = d;
                } else args[i - 1] = x instanceof String ? x : Printer.display(x);
            }
            integersFor(f, args);
            try {
                return String.format(Locale.ROOT, f, args);
            } catch (IllegalFormatException e) {
                throw new EvalError("format: " + e.getMessage());
            }
        });
        fn("subs", "[s start end?]", "The substring from start (inclusive) to end (exclusive).", 2, 3, a -> {
            if (!(a[0] instanceof String s)) throw new EvalError("subs expects a string, got " + Printer.describe(a[0]));
            int st = Values.toInt(a[1], "subs"), en = a.length > 2 ? Values.toInt(a[2], "subs") : s.length();
            if (st < 0 || en > s.length() || st > en) throw new EvalError("subs: range " + st + ".." + en + " out of bounds for length " + s.length());
            return s.substring(st, en);
        });
        fn("parse-number", "[s]", "The number written in the string s (e.g. a command-line argument), or an error.", 1, 1, a -> {
            if (!(a[0] instanceof String s)) throw new EvalError("parse-number expects a string, got " + Printer.describe(a[0]));
            try {
                return VValue.of(Double.parseDouble(s.trim()));
            } catch (NumberFormatException e) {
                throw new EvalError("not a number: \"" + s + "\"");
            }
        });
        fn("keyword", "[name]", "The keyword with this name.", 1, 1, a -> new Keyword(Values.toKey(a[0], null)));
        fn("name", "[x]", "The name of a keyword or symbol, or the string itself.", 1, 1, a -> Values.toKey(a[0], null));
        fn("symbol", "[name]", "The symbol with this name.", 1, 1, a -> new Symbol(Values.toKey(a[0], null)));
    }

    /** The arguments' texts ({@link Printer#print} readable, {@link Printer#display} for people), separated by spaces. */
    private static String join(Object[] a, Function<Object, String> text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            if (i > 0) sb.append(' ');
            sb.append(text.apply(a[i]));
        }
        return sb.toString();
    }

    private void printing() {
        fn("print", "[& xs]", "Prints the display text of the arguments, separated by spaces.", 0, -1, a -> {
            interp.out().print(join(a, Printer::display));
            interp.out().flush();
            return null;
        });
        fn("println", "[& xs]", "Prints the display text of the arguments and a newline.", 0, -1, a -> {
            interp.out().println(join(a, Printer::display));
            return null;
        });
        fn("prn", "[& xs]", "Prints the readable text of the arguments and a newline.", 0, -1, a -> {
            interp.out().println(join(a, Printer::print));
            return null;
        });
    }

    private void misc() {
        fn("error", "[& message-parts]", "Raises an error with the given message.", 0, -1, a -> {
            throw new EvalError(join(a, Printer::display));
        });
        fn("read-json", "[path]", "Reads a V-value from a JSON file (nested objects with number leaves).", 1, 1, a -> {
            return Values.readJsonFile(Values.toKey(a[0], null));
        });
        fn("file-exists?", "[path]", "True when path names a regular file (relative paths from the working directory).", 1, 1,
                a -> Files.isRegularFile(Path.of(Values.toKey(a[0], null))));
        fn("write-json", "[path v]", "Writes a V-value to a JSON file atomically (temp file, then rename).", 2, 2, a -> {
            try {
                VValueJson.writeFile(Values.vvalue(a[1], "write-json"), Path.of(Values.toKey(a[0], null)));
                return null;
            } catch (IOException e) {
                throw new EvalError("cannot write " + a[0] + ": " + Values.whyNotWritten(e, Values.toKey(a[0], null)));
            }
        });
        fn("to-json", "[v]", "The JSON text of a V-value.", 1, 1, a -> VValueJson.write(Values.vvalue(a[0], "to-json")));
        fn("from-json", "[text]", "The V-value of a JSON text.", 1, 1, a -> VValueJson.read(Values.toKey(a[0], null)));
        fn("type", "[x]", "The kind of a value, as a keyword.", 1, 1, a -> {
            Object x = a[0];
            String k = x == null ? "nil" : Values.isVValue(x) ? (Values.vvalue(x, "type").isScalar() ? "number" : "vvalue")
                    : x instanceof String ? "string" : x instanceof Keyword ? "keyword" : x instanceof Symbol ? "symbol"
                    : x instanceof Boolean ? "boolean" : x instanceof List ? "vector" : x instanceof Fn ? "fn"
                    : x.getClass().getSimpleName().toLowerCase(Locale.ROOT);
            return new Keyword(k);
        });
    }

    private void specialForms() {
        interp.defineSpecialForm("doc", "(doc name)", """
                Prints the documentation of a function, var, neuron type or special form: how it is called and
                its docstring. Returns nil. The REPL's :doc name prints the same.
                  (doc defnet)""", (an, l, s) -> {
            Analyzer.arity(l, 1, 1, "(doc name)");
            String name = Analyzer.symbolName(l.items().get(1), "the argument of `doc`");
            return Node.of(l.span(), interp, f -> {
                interp.out().println(docText(interp, name));
                return null;
            });
        });
        interp.defineSpecialForm("time", "(time expr)", """
                Evaluates expr, prints the wall-clock time it took (elapsed: 1.234 ms) and returns its value.
                  (time (reduce + (range 1000)))   ;=> 499500""", (an, l, s) -> {
            Analyzer.arity(l, 1, 1, "(time expr)");
            Node body = an.analyze(l.items().get(1), s);
            return Node.of(l.span(), interp, f -> {
                long t0 = System.nanoTime();
                Object r = body.eval(f);
                interp.out().printf(Locale.ROOT, "elapsed: %.3f ms%n", (System.nanoTime() - t0) / 1e6);
                return r;
            });
        });
        interp.defineSpecialForm("assert", "(assert test \"message\"?)", """
                Returns nil when test is truthy; otherwise stops with the error
                "assertion failed: <the test as written> — message".
                  (assert (= (+ 1 1) 2) "arithmetic")   ;=> nil""", (an, l, s) -> {
            Analyzer.arity(l, 1, 2, "(assert test \"message\"?)");
            Node test = an.analyze(l.items().get(1), s);
            Node msg = l.items().size() > 2 ? an.analyze(l.items().get(2), s) : null;
            String text = l.items().get(1).span().text();
            return Node.of(l.span(), interp, f -> {
                if (!Node.truthy(test.eval(f)))
                    throw new EvalError("assertion failed: " + text + (msg == null ? "" : " — " + Printer.display(msg.eval(f))));
                return null;
            });
        });
    }

    /** The text {@code (doc name)} prints: name, parameters, docstring. */
    static String docText(Interpreter interp, String name) {
        SpecialForm.Doc sf = interp.specialFormDoc(name);
        if (sf != null) return name + " — special form\n  " + sf.usage() + "\n  " + sf.text().replace("\n", "\n  ");
        Var v = interp.findVar(name);
        Var nt = interp.findNeuronType(name);
        if ((v == null || !v.isBound()) && nt == null) return "no definition for `" + name + "`";
        if (v == null || !v.isBound()) return describeVar(nt, "neuron type ");
        String text = describeVar(v, "");
        return nt == null ? text : text + "\n" + describeVar(nt, "neuron type ");
    }

    private static String describeVar(Var v, String prefix) {
        String name = v.name();
        Object val = v.get();
        String params = val instanceof Builtin b ? " " + b.params() : val instanceof Closure c ? " " + c.params() : "";
        String kind = val instanceof Closure c && c.isNeuron() ? " (neuron)" : "";
        return prefix + name + params + kind + "\n  " + (v.doc() == null ? "(no docstring)" : v.doc().replace("\n", "\n  "));
    }
}
