package dmm.vvalue;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Prints V-values in the language's literal syntax: sorted keys, {@code :number} last among a
 * node's entries, keys that are not simple identifiers quoted, numbers shortest-round-trip.
 */
public final class VValuePrinter {
    private VValuePrinter() {}

    /** The literal text of {@code v}; a bare number prints as a number. */
    public static String print(VValue v) {
        StringBuilder sb = new StringBuilder();
        print(v, sb);
        return sb.toString();
    }

    /** Appends the literal text of {@code v}. */
    public static void print(VValue v, StringBuilder sb) {
        if (v.isScalar()) {
            sb.append(number(v.scalar));
            return;
        }
        String[] keys = v.ks();
        VValue[] children = v.cs();
        sb.append('{');
        for (int i = 0; i < keys.length; i++) {
            if (i > 0) sb.append(' ');
            key(keys[i], sb);
            sb.append(' ');
            print(children[i], sb);
        }
        if (v.scalar != 0) sb.append(" :number ").append(number(v.scalar));
        sb.append('}');
    }

    /** Appends a key: {@code :name} when it is a simple identifier, else a quoted string. */
    public static void key(String k, StringBuilder sb) {
        if (isSimpleKey(k)) sb.append(':').append(k);
        else quote(k, sb);
    }

    /** Appends {@code s} as a string literal with escapes. */
    public static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    /**
     * True when {@code k} can be written as a keyword: it must read back as the same keyword
     * token in the grammar (a symbol-start character, then symbol characters).
     */
    public static boolean isSimpleKey(String k) {
        if (k.isEmpty() || !isSymbolStart(k.charAt(0))) return false;
        for (int i = 1; i < k.length(); i++) if (!isSymbolChar(k.charAt(i))) return false;
        // a keyword that starts like a number would read as something else
        char c0 = k.charAt(0);
        if ((c0 == '-' || c0 == '+') && k.length() > 1 && (Character.isDigit(k.charAt(1)) || k.charAt(1) == '.')) return false;
        return true;
    }

    /** Characters that may start a symbol or keyword (mirrors grammar/dmm/lang/Dmm.g4). */
    public static boolean isSymbolStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || "*+!-_?<>=/&%$".indexOf(c) >= 0;
    }

    /** Characters that may continue a symbol or keyword (mirrors grammar/dmm/lang/Dmm.g4). */
    public static boolean isSymbolChar(char c) {
        return isSymbolStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '\'' || c == '#';
    }

    /**
     * Shortest text that reads back as exactly {@code x}: integers without a fraction
     * ({@code 1}, {@code -3}), plain decimals in [1e-3, 1e7) ({@code 2.5}), otherwise Java's
     * scientific form ({@code 1.0E-9}).
     */
    public static String number(double x) {
        if (x == 0) return "0";
        if (Double.isInfinite(x)) return x > 0 ? "##Inf" : "##-Inf";
        if (Double.isNaN(x)) return "##NaN";
        if (x == Math.rint(x) && Math.abs(x) < 1e15) return Long.toString((long) x);
        BigDecimal shortest = null;
        BigDecimal exact = new BigDecimal(x);
        for (int p = 1; p <= 17; p++) {
            BigDecimal r = exact.round(new MathContext(p));
            if (r.doubleValue() == x) {
                shortest = r.stripTrailingZeros();
                break;
            }
        }
        if (shortest == null) return Double.toString(x);
        double a = Math.abs(x);
        if (a >= 1e-3 && a < 1e7) return shortest.toPlainString();
        // scientific: d.dddE±n
        String digits = shortest.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - shortest.scale();
        StringBuilder sb = new StringBuilder();
        if (x < 0) sb.append('-');
        sb.append(digits.charAt(0)).append('.');
        sb.append(digits.length() > 1 ? digits.substring(1) : "0");
        sb.append('E').append(exp);
        return sb.toString();
    }
}
