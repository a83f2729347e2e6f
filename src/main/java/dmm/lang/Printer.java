package dmm.lang;

import dmm.ad.Tracked;
import dmm.vvalue.VValue;
import dmm.vvalue.VValuePrinter;
import java.util.List;

/**
 * Prints runtime values. V-values always print in literal syntax, so output can be pasted back
 * as input; sequences print as vectors {@code [a b]}; strings print quoted when {@code readably}.
 */
public final class Printer {
    private Printer() {}

    /** The readable text of a value ({@code pr}): strings quoted. */
    public static String print(Object v) {
        StringBuilder sb = new StringBuilder();
        print(v, true, sb);
        return sb.toString();
    }

    /** The display text of a value ({@code print}, {@code str}): strings bare. */
    public static String display(Object v) {
        if (v instanceof String s) return s;
        StringBuilder sb = new StringBuilder();
        print(v, false, sb);
        return sb.toString();
    }

    static void print(Object v, boolean readably, StringBuilder sb) {
        if (v == null) sb.append("nil");
        else if (v instanceof VValue x) VValuePrinter.print(x, sb);
        else if (v instanceof Tracked t) VValuePrinter.print(t.value(), sb);
        else if (v instanceof String s) {
            if (readably) VValuePrinter.quote(s, sb);
            else sb.append(s);
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(' ');
                print(l.get(i), readably, sb);
            }
            sb.append(']');
        } else sb.append(v);
    }

    /** A short description for error messages: the kind of value and an abbreviation of it. */
    public static String describe(Object v) {
        if (v == null) return "nil";
        String kind;
        if (v instanceof VValue x) kind = x.isScalar() ? "the number" : "the V-value";
        else if (v instanceof Tracked t) kind = t.value().isScalar() ? "the number" : "the V-value";
        else if (v instanceof String) kind = "the string";
        else if (v instanceof Keyword) kind = "the keyword";
        else if (v instanceof Symbol) kind = "the symbol";
        else if (v instanceof Boolean) kind = "the boolean";
        else if (v instanceof List) kind = "the vector";
        else if (v instanceof Fn) return print(v);
        else kind = "the " + v.getClass().getSimpleName();
        String text = print(v);
        if (text.length() > 60) text = text.substring(0, 57) + "...";
        return kind + " " + text;
    }
}
