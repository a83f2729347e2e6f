package dmm.vvalue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * V-values as JSON: nested objects with number leaves, the layout of the published DMM
 * experiment files. The scalar of a node is written under the key {@code ":number"} (the
 * published convention); {@code "number"} is read as the scalar too.
 *
 * <p>Reading is strict (our own small reader, so messages are ours): arrays, strings, booleans,
 * null, non-finite numbers, duplicate keys and an object under the scalar key are errors that
 * name the JSON path and the line and column. Files are UTF-8 (see {@link TextFiles}). Writing
 * to a file is atomic.
 */
public final class VValueJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    /** The key under which scalars are written. */
    public static final String SCALAR_KEY = ":number";

    private VValueJson() {}

    /** A JSON input that is not a V-value. */
    public static final class JsonFormatException extends RuntimeException {
        private final String jsonPath;
        private final int line;
        private final int column;

        private final String reason;

        JsonFormatException(String message, String jsonPath, int line, int column) {
            super(jsonPath + " (line " + line + ", column " + column + "): " + message);
            this.reason = message;
            this.jsonPath = jsonPath;
            this.line = line;
            this.column = column;
        }

        /** What is wrong, without the place. */
        public String reason() {
            return reason;
        }

        /**
         * The error for people reading {@code name} (a file name): {@code name:line:col: reason},
         * with the JSON path when the value is not the whole document.
         */
        public String describe(String name) {
            return name + ":" + line + ":" + column + ": " + reason + ("$".equals(jsonPath) ? "" : "; at " + jsonPath);
        }

        /** The JSON path of the offending value, e.g. {@code $.a.b}. */
        public String jsonPath() {
            return jsonPath;
        }

        /** 1-based line. */
        public int line() {
            return line;
        }

        /** 1-based column. */
        public int column() {
            return column;
        }
    }

    /** Parses JSON text into a V-value. */
    public static VValue read(String json) {
        return new JsonReader(json).document();
    }

    /** Reads a JSON file (UTF-8; a byte-order mark is skipped) into a V-value. */
    public static VValue readFile(Path file) throws IOException {
        return read(TextFiles.read(file));
    }

    /**
     * A strict reader of V-value JSON over a string: objects with number leaves, nothing else.
     * Every error names the JSON path of the offending value and its line and column, in our
     * own words (no parser-library messages).
     */
    private static final class JsonReader {
        /** Deeper nesting than this is rejected (it would only come from generated or corrupt input). */
        static final int MAX_DEPTH = 1000;

        final String text;
        int pos;
        final Deque<String> path = new ArrayDeque<>();

        JsonReader(String text) {
            this.text = text;
        }

        VValue document() {
            skipSpace();
            if (pos >= text.length()) throw error(pos, "empty input: expected a JSON object or number");
            VValue v = value(0);
            skipSpace();
            if (pos < text.length()) throw error(pos, "unexpected content after the value: " + shown(pos));
            return v;
        }

        VValue value(int depth) {
            int start = pos;
            if (pos >= text.length()) throw error(pos, "malformed JSON: unexpected end of input (expected a number or an object)");
            char c = text.charAt(pos);
            if (c == '{') return object(depth + 1);
            if (c == '-' || (c >= '0' && c <= '9')) return number();
            if (c == '[') throw error(start, "arrays are not V-values (expected an object or a number)");
            if (c == '"') throw error(start, "strings are not V-values (expected an object or a number)");
            if (text.startsWith("true", pos) || text.startsWith("false", pos))
                throw error(start, "booleans are not V-values (expected an object or a number)");
            if (text.startsWith("null", pos)) throw error(start, "null is not a V-value (expected an object or a number)");
            throw error(start, "malformed JSON: unexpected " + shown(start) + " (expected a number or an object)");
        }

        VValue object(int depth) {
            int open = pos++;
            if (depth > MAX_DEPTH) throw error(open, "nesting deeper than " + MAX_DEPTH + " levels");
            VBuilder b = new VBuilder();
            Map<String, Integer> seen = new HashMap<>();
            String scalarSpelling = null;
            skipSpace();
            if (peek() == '}') {
                pos++;
                return b.build();
            }
            while (true) {
                skipSpace();
                int keyAt = pos;
                if (peek() != '"')
                    throw error(pos, "malformed JSON: expected a key in double quotes, found " + shown(pos));
                String key = string();
                String canonical = key.equals(SCALAR_KEY) ? VValue.NUMBER : key;
                Integer first = seen.putIfAbsent(canonical, keyAt);
                path.addLast(key);
                if (first != null) {
                    boolean sameSpelling = !canonical.equals(VValue.NUMBER) || key.equals(scalarSpelling);
                    throw error(keyAt, "duplicate key " + quoted(key) + " (" + (sameSpelling ? "first given" : quoted(scalarSpelling)
                            + ", the same scalar key, given") + " at " + place(first) + ")");
                }
                if (canonical.equals(VValue.NUMBER)) scalarSpelling = key;
                skipSpace();
                if (peek() != ':') throw error(pos, "malformed JSON: expected `:` after the key " + quoted(key) + ", found " + shown(pos));
                pos++;
                skipSpace();
                int valueAt = pos;
                VValue child = value(depth);
                if (canonical.equals(VValue.NUMBER) && !child.isScalar())
                    throw error(valueAt, "the scalar key " + quoted(key) + " must hold a number (the node's own number), not an object");
                path.removeLast();
                b.addScaled(canonical, 1.0, child);
                skipSpace();
                char c = peek();
                if (c == ',') {
                    pos++;
                    continue;
                }
                if (c == '}') {
                    pos++;
                    return b.build();
                }
                if (pos >= text.length())
                    throw error(pos, "malformed JSON: unexpected end of input (the object opened at " + place(open) + " is not closed)");
                throw error(pos, "malformed JSON: expected `,` or `}` after a value, found " + shown(pos));
            }
        }

        VValue number() {
            int start = pos;
            if (peek() == '-') pos++;
            if (peek() == '0') pos++;
            else if (!digits()) throw error(start, "malformed JSON: invalid number `" + numberLike(start) + "`");
            if (peek() == '.') {
                pos++;
                if (!digits()) throw error(start, "malformed JSON: invalid number `" + text.substring(start, pos) + "` (digits must follow `.`)");
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') pos++;
                if (!digits()) throw error(start, "malformed JSON: invalid number `" + text.substring(start, pos) + "` (digits must follow the exponent)");
            }
            if (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '.'))
                throw error(start, "malformed JSON: invalid number `" + numberLike(start) + "`");
            String literal = text.substring(start, pos);
            double d = Double.parseDouble(literal);
            if (!Double.isFinite(d)) throw error(start, "number out of range: " + literal);
            return VValue.of(d);
        }

        /** The run of characters that could belong to a number, from {@code start} (for messages). */
        private String numberLike(int start) {
            int e = start;
            while (e < text.length() && e - start < 40 && (Character.isLetterOrDigit(text.charAt(e)) || "+-.".indexOf(text.charAt(e)) >= 0)) e++;
            return text.substring(start, Math.max(e, start + 1));
        }

        private boolean digits() {
            int s = pos;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') pos++;
            return pos > s;
        }

        String string() {
            int open = pos++;
            StringBuilder sb = null;
            int run = pos;
            while (true) {
                if (pos >= text.length()) throw error(open, "malformed JSON: unterminated string (no closing `\"`)");
                char c = text.charAt(pos);
                if (c == '"') {
                    String s = sb == null ? text.substring(run, pos) : sb.append(text, run, pos).toString();
                    pos++;
                    return s;
                }
                if (c < 0x20) throw error(pos, "malformed JSON: control character " + String.format("U+%04X", (int) c) + " in a string (write it as an escape such as \\n)");
                if (c != '\\') {
                    pos++;
                    continue;
                }
                if (sb == null) sb = new StringBuilder();
                sb.append(text, run, pos);
                if (pos + 1 >= text.length()) throw error(open, "malformed JSON: unterminated string (no closing `\"`)");
                char e = text.charAt(pos + 1);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        int v = 0;
                        for (int k = 2; k <= 5; k++) {
                            int d = pos + k < text.length() ? Character.digit(text.charAt(pos + k), 16) : -1;
                            if (d < 0) throw error(pos, "malformed JSON: invalid escape (expected \\u and four hex digits)");
                            v = 16 * v + d;
                        }
                        sb.append((char) v);
                        pos += 4;
                    }
                    default -> throw error(pos, "malformed JSON: invalid escape `\\" + e + "` in a string");
                }
                pos += 2;
                run = pos;
            }
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private void skipSpace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
                pos++;
            }
        }

        /** The character at {@code at} for a message: {@code `x`}, or "end of input". */
        private String shown(int at) {
            if (at >= text.length()) return "end of input";
            int cp = text.codePointAt(at);
            if (cp < 0x20 || cp == 0x7f || Character.getType(cp) == Character.FORMAT) return String.format("U+%04X", cp);
            return "`" + new String(Character.toChars(cp)) + "`";
        }

        private static String quoted(String key) {
            StringBuilder sb = new StringBuilder();
            VValuePrinter.quote(key, sb);
            return sb.toString();
        }

        /** {@code line:column} of an offset (1-based; columns count characters). */
        private String place(int offset) {
            int[] lc = lineColumn(offset);
            return lc[0] + ":" + lc[1];
        }

        private int[] lineColumn(int offset) {
            int line = 1, lineStart = 0;
            for (int i = 0; i < offset && i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            return new int[] {line, text.codePointCount(lineStart, Math.min(offset, text.length())) + 1};
        }

        private JsonFormatException error(int offset, String message) {
            int[] lc = lineColumn(offset);
            return new JsonFormatException(message, pathString("$", path), lc[0], lc[1]);
        }
    }

    private static String pathString(String base, Deque<String> path) {
        StringBuilder sb = new StringBuilder(base);
        for (String k : path) {
            if (k.matches("[A-Za-z_][A-Za-z0-9_-]*")) sb.append('.').append(k);
            else {
                sb.append('[');
                VValuePrinter.quote(k, sb);
                sb.append(']');
            }
        }
        return sb.toString();
    }

    /** The JSON text of {@code v}, pretty-printed with sorted keys. */
    public static String write(VValue v) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            write(v, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** Writes {@code v} with a generator (used by checkpoints). */
    public static void write(VValue v, JsonGenerator g) throws IOException {
        if (v.isScalar()) {
            writeNumber(v.scalar, g);
            return;
        }
        g.writeStartObject();
        String[] keys = v.ks();
        VValue[] children = v.cs();
        for (int i = 0; i < keys.length; i++) {
            g.writeFieldName(keys[i]);
            write(children[i], g);
        }
        if (v.scalar != 0) {
            g.writeFieldName(SCALAR_KEY);
            writeNumber(v.scalar, g);
        }
        g.writeEndObject();
    }

    private static void writeNumber(double x, JsonGenerator g) throws IOException {
        if (!Double.isFinite(x)) throw new IllegalArgumentException("non-finite number cannot be written as JSON: " + x);
        if (x == Math.rint(x) && Math.abs(x) < 1e15) g.writeNumber((long) x);
        else g.writeNumber(x);
    }

    /** Writes {@code v} to {@code file} atomically (temp file in the same folder, then rename). */
    public static void writeFile(VValue v, Path file) throws IOException {
        writeAtomically(file, write(v) + "\n");
    }

    /**
     * Writes text to {@code file} atomically: a reader never sees a half-written file; a
     * symbolic link stays a link, and a non-regular file is refused (see {@link AtomicFile}).
     */
    public static void writeAtomically(Path file, String text) throws IOException {
        AtomicFile.write(file, text);
    }
}
