package dmm.lang;

import dmm.ad.AdException;
import dmm.ad.Ops;
import dmm.ad.Tracked;
import dmm.cancel.Cancelled;
import dmm.vvalue.TextFiles;
import dmm.vvalue.VValue;
import dmm.vvalue.VValueJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Conversions and checks on runtime values, with errors in the language's terms. */
public final class Values {
    private Values() {}

    /** True for V-values, including values tracked by the AD tape. */
    public static boolean isVValue(Object v) {
        return v instanceof VValue || v instanceof Tracked;
    }

    /** The value as a V-value (primal of a tracked value), or an error naming {@code what}. */
    public static VValue vvalue(Object v, String what) {
        if (v instanceof VValue x) return x;
        if (v instanceof Tracked t) return t.value();
        throw new EvalError(what + " expects a V-value, got " + Printer.describe(v));
    }

    /** Checks that {@code v} is a V-value (tracked or not) and returns it unchanged. */
    public static Object requireVValue(Object v, String what) {
        if (isVValue(v)) return v;
        throw new EvalError(what + " expects a V-value, got " + Printer.describe(v));
    }

    /** The value as a number: a V-value with no children. */
    public static double toDouble(Object v, String what) {
        VValue x = vvalue(v, what);
        if (!x.isScalar()) throw new EvalError(what + " expects a number, got " + Printer.describe(v));
        return x.scalarPart();
    }

    /** The value as an integer. */
    public static long toLong(Object v, String what) {
        double d = toDouble(v, what);
        if (d != Math.rint(d) || Double.isInfinite(d)) throw new EvalError(what + " expects an integer, got " + Printer.describe(v));
        return (long) d;
    }

    /** The value as an int index. */
    public static int toInt(Object v, String what) {
        long l = toLong(v, what);
        if (l > Integer.MAX_VALUE || l < Integer.MIN_VALUE) throw new EvalError(what + ": " + l + " is too large");
        return (int) l;
    }

    /**
     * The name a keyword, symbol or string stands for ({@code :out}, {@code 'out} and {@code "out"}
     * all give {@code out}); anything else is the error {@code "<expected>, got <what v is>"}.
     */
    public static String name(Object v, String expected) {
        return name(v, expected, null);
    }

    /** {@link #name(Object, String)}, with the error placed at {@code span}. */
    public static String name(Object v, String expected, Span span) {
        if (v instanceof Keyword k) return k.name();
        if (v instanceof String s) return s;
        if (v instanceof Symbol s) return s.name();
        throw new EvalError(expected + ", got " + Printer.describe(v), span);
    }

    /** A V-value key from a keyword, string or symbol. */
    public static String toKey(Object v, Span span) {
        return name(v, "a key must be a keyword or a string", span);
    }

    /** A key path from one key or a sequence of keys. */
    public static List<String> toPath(Object v, String what) {
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            for (Object o : l) out.add(toKey(o, null));
        } else out.add(toKey(v, null));
        return out;
    }

    private static final String[] LATIN1 = new String[256];

    static {
        for (int c = 0; c < 256; c++) LATIN1[c] = String.valueOf((char) c).intern();
    }

    /** The one-character string of code point {@code cp} (shared for Latin-1, so keys made from characters are the same objects). */
    public static String character(int cp) {
        return cp < 256 ? LATIN1[cp] : new String(Character.toChars(cp));
    }

    /** The value as a sequence: lists and vectors, nil (empty), strings (characters). */
    public static List<?> toSeq(Object v, String what) {
        if (v instanceof List<?> l) return l;
        if (v == null) return List.of();
        if (v instanceof String s) {
            List<Object> out = new ArrayList<>(s.length());
            s.codePoints().forEach(cp -> out.add(character(cp)));
            return out;
        }
        throw new EvalError(what + " expects a sequence, got " + Printer.describe(v));
    }

    /** The value as a function. */
    public static Fn toFn(Object v, String what) {
        if (v instanceof Fn f) return f;
        throw new EvalError(what + " expects a function, got " + Printer.describe(v));
    }

    /**
     * Reads a V-value JSON file, with errors that name the file and say why (no such file,
     * permission denied, is a directory, invalid UTF-8) or where ({@code file:line:col: ...}).
     */
    public static VValue readJsonFile(String path) {
        Path file = Path.of(path);
        try {
            return VValueJson.readFile(file);
        } catch (IOException e) {
            throw new EvalError("cannot read " + path + ": " + TextFiles.why(e, file));
        } catch (VValueJson.JsonFormatException e) {
            throw new EvalError(e.describe(path));
        }
    }

    /** Why writing {@code path} failed, in words ("permission denied", "is a directory", ...). */
    public static String whyNotWritten(IOException e, String path) {
        return TextFiles.why(e, Path.of(path));
    }

    /**
     * Wraps a Java exception from a built-in into an error at {@code span}: the generic rules, for
     * exceptions no translator of the interpreter knows ({@link Interpreter#wrap} asks those first).
     */
    static EvalError wrap(RuntimeException e, Span span, String fnName) {
        if (e instanceof Cancelled c) throw c;
        String msg = e.getMessage();
        if (e instanceof ArithmeticException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof AdException || e instanceof UnsupportedOperationException) {
            if (msg == null) msg = e.getClass().getSimpleName();
        } else if (e instanceof IndexOutOfBoundsException) {
            msg = "index out of range" + (msg == null ? "" : ": " + msg);
        } else if (e instanceof VValueJson.JsonFormatException j) {
            msg = "bad JSON at line " + j.line() + ", column " + j.column() + ": " + j.reason()
                    + ("$".equals(j.jsonPath()) ? "" : "; at " + j.jsonPath());
        } else if (e instanceof UncheckedIOException u) {
            msg = "I/O error: " + u.getCause().getMessage();
        } else {
            msg = "internal error (" + e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg) + ")"
                    + (fnName == null ? "" : " in `" + fnName + "`") + "; run with --debug for the Java stack trace";
        }
        return new EvalError(msg, span, e);
    }

    /** Structural equality of runtime values (V-values compare by value, tracked or not). */
    public static boolean equal(Object a, Object b) {
        if (isVValue(a) && isVValue(b)) return Ops.primal(a).equals(Ops.primal(b));
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!equal(x.get(i), y.get(i))) return false;
            return true;
        }
        return Objects.equals(a, b);
    }
}
