package dmm.lang;

import dmm.lang.Form.*;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.IntStream;
import org.antlr.v4.runtime.LexerNoViableAltException;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.Interval;

/**
 * Reads source text into forms with spans. Lexing uses the ANTLR grammar's lexer
 * ({@code grammar/dmm/lang/Dmm.g4}) directly over the source string; the forms are built in the
 * same single pass with an explicit stack of open brackets, so no token list or parse tree is
 * kept and a file needs a small constant number of bytes per character beyond its forms.
 * Mismatched brackets become one error each, in words ("unclosed `(` opened at 3:5",
 * "unexpected `)`"); unterminated strings and block comments and malformed escapes are tokens of
 * the grammar, so no text is scanned here by hand. Every problem is reported as a
 * {@link SyntaxError}; nothing else escapes.
 */
public final class Reader {
    /** Deeper nesting than this is rejected (it would only come from generated or corrupt input). */
    public static final int MAX_DEPTH = 512;

    private final Source source;
    /** One copy of each symbol and keyword name (a big file repeats a few names many times). */
    private final Map<String, String> names = new HashMap<>();

    private Reader(Source source) {
        this.source = source;
    }

    /** Reads all forms of {@code source}. */
    public static List<Form> read(Source source) {
        return new Reader(source).readAll();
    }

    /** Reads all forms of a string. */
    public static List<Form> read(String name, String text) {
        return read(Source.of(name, text));
    }

    /** An open bracket (or the top level) with the items read so far and its pending prefixes. */
    private static final class Open {
        final int type;
        final int start;
        final String text;
        final ArrayList<Form> items = new ArrayList<>();
        /** Pending {@code '} and {@code #_} prefixes: token type and start offset, innermost last. */
        int[] prefixes = new int[4];
        int prefixCount;

        Open(int type, int start, String text) {
            this.type = type;
            this.start = start;
            this.text = text;
        }
    }

    private List<Form> readAll() {
        DmmLexer lexer = lexer();
        Deque<Open> stack = new ArrayDeque<>();
        Open top = new Open(Token.EOF, 0, "");
        Open cur = top;
        Token prev = null;
        for (Token t = lexer.nextToken();; t = lexer.nextToken()) {
            if (t.getChannel() != Token.DEFAULT_CHANNEL) continue; // comments
            int type = t.getType();
            if (prev != null && prev.getType() == DmmLexer.NUMBER && t.getStartIndex() == prev.getStopIndex() + 1
                    && (type == DmmLexer.SYMBOL || type == DmmLexer.NUMBER || type == DmmLexer.KEYWORD || type == DmmLexer.STRING))
                throw new SyntaxError("invalid number `" + prev.getText() + t.getText() + "`", spanOf(prev));
            if (type == Token.EOF) break;
            switch (type) {
                case DmmLexer.LPAREN, DmmLexer.LBRACK, DmmLexer.LBRACE -> {
                    stack.push(cur);
                    cur = new Open(type, t.getStartIndex(), t.getText());
                    if (stack.size() > MAX_DEPTH)
                        throw new SyntaxError("nesting deeper than " + MAX_DEPTH + " levels", spanOf(t));
                }
                case DmmLexer.RPAREN, DmmLexer.RBRACK, DmmLexer.RBRACE -> {
                    if (stack.isEmpty()) throw new SyntaxError("unexpected `" + t.getText() + "` (nothing to close)", spanOf(t));
                    String want = closerOf(cur.type);
                    if (!want.equals(t.getText()))
                        throw new SyntaxError("mismatched `" + t.getText() + "`: `" + cur.text + "` opened at "
                                + where(cur.start) + " expects `" + want + "`", spanOf(t));
                    if (cur.prefixCount > 0) throw prefixWithoutForm(cur);
                    int start = cur.start, stop = t.getStopIndex() + 1;
                    List<Form> items = List.copyOf(cur.items);
                    Form f = switch (cur.type) {
                        case DmmLexer.LPAREN -> new ListForm(items, source, start, stop);
                        case DmmLexer.LBRACK -> new VectorForm(items, source, start, stop);
                        default -> new MapForm(items, source, start, stop);
                    };
                    cur = stack.pop();
                    deliver(cur, f);
                }
                case DmmLexer.QUOTE, DmmLexer.DISCARD -> {
                    if (cur.prefixCount == cur.prefixes.length) cur.prefixes = Arrays.copyOf(cur.prefixes, 2 * cur.prefixCount);
                    cur.prefixes[cur.prefixCount++] = type;
                    cur.prefixes[cur.prefixCount++] = t.getStartIndex();
                }
                case DmmLexer.NUMBER -> deliver(cur, number(t));
                case DmmLexer.STRING -> deliver(cur, new StringForm(unescape(t.getText()), source, t.getStartIndex(), t.getStopIndex() + 1));
                case DmmLexer.KEYWORD -> deliver(cur, new KeywordForm(name(t.getText().substring(1)), source, t.getStartIndex(), t.getStopIndex() + 1));
                case DmmLexer.SYMBOL -> deliver(cur, new SymbolForm(name(t.getText()), source, t.getStartIndex(), t.getStopIndex() + 1));
                case DmmLexer.UNTERMINATED_STRING -> throw new SyntaxError("unterminated string (no closing `\"`)", spanAt(t.getStartIndex()));
                case DmmLexer.BAD_ESCAPE -> throw badEscape(t);
                case DmmLexer.UNTERMINATED_COMMENT ->
                    throw new SyntaxError("unterminated block comment (no closing `|#`)", spanAt(t.getStartIndex()));
                default -> throw new SyntaxError("unexpected " + describe(t), spanOf(t));
            }
            prev = t;
        }
        if (!stack.isEmpty()) {
            // report the innermost unclosed bracket: that is where the missing closer belongs
            throw new SyntaxError("unclosed `" + cur.text + "` opened at " + where(cur.start)
                    + " (expected `" + closerOf(cur.type) + "` before the end of input)", new Span(source, cur.start, cur.start + 1));
        }
        if (top.prefixCount > 0) throw prefixWithoutForm(top);
        top.items.trimToSize();
        return top.items;
    }

    /** Adds a complete form to {@code open}, applying its pending prefixes (quote wraps, discard drops). */
    private void deliver(Open open, Form f) {
        while (open.prefixCount > 0) {
            int start = open.prefixes[open.prefixCount - 1];
            int type = open.prefixes[open.prefixCount - 2];
            open.prefixCount -= 2;
            if (type == DmmLexer.QUOTE) {
                f = new QuoteForm(f, source, start, f.stop());
                continue;
            }
            // #_ drops the form; a quote cannot take a discarded form as its operand
            if (open.prefixCount > 0 && open.prefixes[open.prefixCount - 2] == DmmLexer.QUOTE) throw prefixWithoutForm(open);
            return;
        }
        open.items.add(f);
    }

    private SyntaxError prefixWithoutForm(Open open) {
        int start = open.prefixes[open.prefixCount - 1];
        String text = open.prefixes[open.prefixCount - 2] == DmmLexer.QUOTE ? "'" : "#_";
        return new SyntaxError("`" + text + "` must be followed by a form", new Span(source, start, start + text.length()));
    }

    private String name(String text) {
        String n = names.putIfAbsent(text, text);
        return n == null ? text : n;
    }

    private String where(int offset) {
        return source.lineOf(offset) + ":" + source.columnOf(offset);
    }

    // ------------------------------------------------------------------ lexing

    /**
     * The grammar's lexer over {@code text}, for tools that look at unfinished input (the REPL's
     * line continuation and highlighting): token offsets are string offsets, comments come on the
     * hidden channel, and characters the lexer cannot take are skipped silently (reading the
     * text reports them).
     */
    public static DmmLexer lexer(String text) {
        DmmLexer lexer = new DmmLexer(new StringCharStream(text, "<input>"));
        lexer.removeErrorListeners();
        return lexer;
    }

    private DmmLexer lexer() {
        DmmLexer lexer = new DmmLexer(new StringCharStream(source.text(), source.name()));
        lexer.removeErrorListeners();
        lexer.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> r, Object sym, int line, int col, String msg, RecognitionException e) {
                int start = e instanceof LexerNoViableAltException lx ? lx.getStartIndex() : offsetOf(line, col);
                throw lexError(start);
            }
        });
        return lexer;
    }

    /**
     * The source string as the lexer's input, one UTF-16 unit per symbol: no copy of the text,
     * and token offsets are string offsets. (Outside strings the grammar only admits ASCII, so a
     * supplementary character there is an error either way; inside strings any unit is allowed.)
     */
    private static final class StringCharStream implements CharStream {
        private final String text;
        private final String name;
        private int p;

        StringCharStream(String text, String name) {
            this.text = text;
            this.name = name;
        }

        @Override
        public String getText(Interval interval) {
            int a = Math.max(0, interval.a), b = Math.min(interval.b, text.length() - 1);
            return a > b ? "" : text.substring(a, b + 1);
        }

        @Override
        public void consume() {
            if (p >= text.length()) throw new IllegalStateException("cannot consume EOF");
            p++;
        }

        @Override
        public int LA(int i) {
            if (i == 0) return 0;
            int at = i < 0 ? p + i : p + i - 1;
            return at < 0 || at >= text.length() ? IntStream.EOF : text.charAt(at);
        }

        @Override
        public int mark() {
            return -1;
        }

        @Override
        public void release(int marker) {}

        @Override
        public int index() {
            return p;
        }

        @Override
        public void seek(int index) {
            p = Math.max(0, Math.min(index, text.length()));
        }

        @Override
        public int size() {
            return text.length();
        }

        @Override
        public String getSourceName() {
            return name;
        }
    }

    private int offsetOf(int line, int col) {
        String text = source.text();
        int l = 1, i = 0;
        while (i < text.length() && l < line) if (text.charAt(i++) == '\n') l++;
        return Math.min(text.length(), i + col);
    }

    private SyntaxError lexError(int start) {
        String text = source.text();
        if (start >= text.length()) return new SyntaxError("unexpected end of input", spanAt(text.length()));
        char c = text.charAt(start);
        if (c == '#') return new SyntaxError("unexpected `#` (only `#_` and `#| ... |#` are allowed)", spanAt(start));
        if (c == ':') return new SyntaxError("a keyword needs a name after `:`", spanAt(start));
        int cp = text.codePointAt(start);
        String shown = Character.isSupplementaryCodePoint(cp) ? new String(Character.toChars(cp)) : printable(c);
        return new SyntaxError("unexpected character `" + shown + "`", spanAt(start));
    }

    /**
     * A {@link DmmLexer#BAD_ESCAPE} token: a string up to its first malformed escape, which ends the
     * token (a backslash and a character, or a backslash, {@code u} and fewer than four hex digits).
     */
    private SyntaxError badEscape(Token t) {
        String text = t.getText();
        int at = text.lastIndexOf('\\');
        Span where = spanAt(t.getStartIndex() + at);
        char e = text.charAt(at + 1);
        if (e == 'u') return new SyntaxError("invalid unicode escape in string (expected \\u and four hex digits)", where);
        return new SyntaxError("invalid escape `\\" + printable(e) + "` in string (allowed: \\\" \\\\ \\n \\t \\r \\b \\f \\/ \\uXXXX)", where);
    }

    private static String printable(char c) {
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && Character.isISOControl(c))) return String.format("\\u%04x", (int) c);
        if (Character.isSurrogate(c) || Character.getType(c) == Character.FORMAT) return String.format("\\u%04x", (int) c);
        return String.valueOf(c);
    }

    private static String closerOf(int openType) {
        return switch (openType) {
            case DmmLexer.LPAREN -> ")";
            case DmmLexer.LBRACK -> "]";
            default -> "}";
        };
    }

    private static String describe(Token t) {
        return t.getType() == Token.EOF ? "end of input" : "`" + t.getText() + "`";
    }

    // ------------------------------------------------------------------ atoms

    private Form number(Token t) {
        String text = t.getText();
        double v = switch (text) {
            case "##Inf" -> Double.POSITIVE_INFINITY;
            case "##-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
        if (Double.isInfinite(v) && !text.startsWith("##"))
            throw new SyntaxError("number out of range: " + text, spanOf(t));
        return new NumberForm(v, source, t.getStartIndex(), t.getStopIndex() + 1);
    }

    static String unescape(String quoted) {
        StringBuilder sb = new StringBuilder(quoted.length());
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = quoted.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(quoted.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ spans

    private Span spanOf(Token t) {
        return new Span(source, t.getStartIndex(), t.getStopIndex() + 1);
    }

    private Span spanAt(int offset) {
        int n = source.text().length();
        return new Span(source, Math.min(offset, n), Math.min(offset + 1, n));
    }
}
