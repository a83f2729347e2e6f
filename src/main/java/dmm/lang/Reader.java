package dmm.lang;

import dmm.lang.Form.*;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.LexerNoViableAltException;
import org.antlr.v4.runtime.ListTokenSource;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Reads source text into forms with spans. Lexing and parsing use the ANTLR grammar in
 * {@code grammar/dmm/lang/Dmm.g4}; before parsing, a bracket check over the tokens turns
 * mismatches into one error each, in words ("unclosed `(` opened at 3:5", "unexpected `)`").
 * Every problem is reported as a {@link SyntaxError}; nothing else escapes.
 */
public final class Reader {
    /** Deeper nesting than this is rejected (it would only come from generated or corrupt input). */
    public static final int MAX_DEPTH = 512;

    private final Source source;

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

    private List<Form> readAll() {
        List<Token> tokens = lex();
        checkStructure(tokens);
        DmmParser parser = new DmmParser(new CommonTokenStream(new ListTokenSource(tokens)));
        parser.removeErrorListeners();
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> r, Object sym, int line, int col, String msg, RecognitionException e) {
                Token t = (Token) sym;
                throw new SyntaxError("unexpected " + describe(t), spanOf(t));
            }
        });
        DmmParser.FileContext file = parser.file();
        List<Form> forms = new ArrayList<>();
        for (DmmParser.ItemContext item : file.item()) addItem(item, forms);
        return forms;
    }

    // ------------------------------------------------------------------ lexing

    private List<Token> lex() {
        DmmLexer lexer = new DmmLexer(CharStreams.fromString(source.text(), source.name()));
        lexer.removeErrorListeners();
        lexer.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> r, Object sym, int line, int col, String msg, RecognitionException e) {
                int start = e instanceof LexerNoViableAltException lx ? lx.getStartIndex() : offsetOf(line, col);
                throw lexError(start);
            }
        });
        List<Token> tokens = new ArrayList<>();
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) tokens.add(t);
        return tokens;
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
        if (c == '"') {
            for (int i = start + 1; i < text.length(); i++) {
                char d = text.charAt(i);
                if (d == '"') break;
                if (d == '\\') {
                    if (i + 1 >= text.length()) break;
                    char e = text.charAt(i + 1);
                    if ("\"\\/nrtbf".indexOf(e) >= 0) {
                        i++;
                        continue;
                    }
                    if (e == 'u') {
                        boolean ok = i + 5 < text.length();
                        for (int k = 2; ok && k <= 5; k++) ok = Character.digit(text.charAt(i + k), 16) >= 0;
                        if (ok) {
                            i += 5;
                            continue;
                        }
                        return new SyntaxError("invalid unicode escape in string (expected \\u and four hex digits)", spanAt(i));
                    }
                    return new SyntaxError("invalid escape `\\" + printable(e) + "` in string (allowed: \\\" \\\\ \\n \\t \\r \\b \\f \\/ \\uXXXX)", spanAt(i));
                }
            }
            return new SyntaxError("unterminated string (no closing `\"`)", spanAt(start));
        }
        if (c == '#') {
            if (start + 1 < text.length() && text.charAt(start + 1) == '|')
                return new SyntaxError("unterminated block comment (no closing `|#`)", spanAt(start));
            return new SyntaxError("unexpected `#` (only `#_` and `#| ... |#` are allowed)", spanAt(start));
        }
        if (c == ':') return new SyntaxError("a keyword needs a name after `:`", spanAt(start));
        return new SyntaxError("unexpected character `" + printable(c) + "`", spanAt(start));
    }

    private static String printable(char c) {
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && Character.isISOControl(c))) return String.format("\\u%04x", (int) c);
        if (Character.isSurrogate(c)) return String.format("\\u%04x", (int) c);
        return String.valueOf(c);
    }

    // ------------------------------------------------------------------ structure check

    private void checkStructure(List<Token> tokens) {
        Deque<Token> open = new ArrayDeque<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            switch (t.getType()) {
                case DmmLexer.LPAREN, DmmLexer.LBRACK, DmmLexer.LBRACE -> {
                    open.push(t);
                    if (open.size() > MAX_DEPTH)
                        throw new SyntaxError("nesting deeper than " + MAX_DEPTH + " levels", spanOf(t));
                }
                case DmmLexer.RPAREN, DmmLexer.RBRACK, DmmLexer.RBRACE -> {
                    if (open.isEmpty()) throw new SyntaxError("unexpected `" + t.getText() + "` (nothing to close)", spanOf(t));
                    Token o = open.pop();
                    String want = closerOf(o);
                    if (!want.equals(t.getText()))
                        throw new SyntaxError("mismatched `" + t.getText() + "`: `" + o.getText() + "` opened at "
                                + o.getLine() + ":" + (o.getCharPositionInLine() + 1) + " expects `" + want + "`", spanOf(t));
                }
                case DmmLexer.QUOTE, DmmLexer.DISCARD -> {
                    Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
                    if (next == null || isCloser(next))
                        throw new SyntaxError("`" + t.getText() + "` must be followed by a form", spanOf(t));
                }
                case DmmLexer.NUMBER -> {
                    Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
                    if (next != null && next.getStartIndex() == t.getStopIndex() + 1
                            && (next.getType() == DmmLexer.SYMBOL || next.getType() == DmmLexer.NUMBER
                                || next.getType() == DmmLexer.KEYWORD || next.getType() == DmmLexer.STRING))
                        throw new SyntaxError("invalid number `" + t.getText() + next.getText() + "`", spanOf(t));
                }
                default -> {}
            }
        }
        if (!open.isEmpty()) {
            // report the innermost unclosed bracket: that is where the missing closer belongs
            Token o = open.peek();
            throw new SyntaxError("unclosed `" + o.getText() + "` opened at " + o.getLine() + ":"
                    + (o.getCharPositionInLine() + 1) + " (expected `" + closerOf(o) + "` before the end of input)", spanOf(o));
        }
    }

    private static boolean isCloser(Token t) {
        int k = t.getType();
        return k == DmmLexer.RPAREN || k == DmmLexer.RBRACK || k == DmmLexer.RBRACE;
    }

    private static String closerOf(Token open) {
        return switch (open.getType()) {
            case DmmLexer.LPAREN -> ")";
            case DmmLexer.LBRACK -> "]";
            default -> "}";
        };
    }

    private static String describe(Token t) {
        return t.getType() == Token.EOF ? "end of input" : "`" + t.getText() + "`";
    }

    // ------------------------------------------------------------------ parse tree → forms

    private void addItem(DmmParser.ItemContext item, List<Form> out) {
        if (item.form() != null) out.add(toForm(item.form()));
        // a discarded item (#_ form) contributes nothing
    }

    private Form toForm(DmmParser.FormContext ctx) {
        Span span = spanOf(ctx.getStart(), ctx.getStop());
        if (ctx instanceof DmmParser.ListContext c) return new ListForm(items(c.item()), span);
        if (ctx instanceof DmmParser.VectorContext c) return new VectorForm(items(c.item()), span);
        if (ctx instanceof DmmParser.MapContext c) return new MapForm(items(c.item()), span);
        if (ctx instanceof DmmParser.QuoteContext c) {
            List<Form> inner = new ArrayList<>();
            addItem(c.item(), inner);
            if (inner.isEmpty()) throw new SyntaxError("`'` must be followed by a form", span);
            return new QuoteForm(inner.get(0), span);
        }
        if (ctx instanceof DmmParser.NumberContext c) return number(c.NUMBER(), span);
        if (ctx instanceof DmmParser.StringContext c) return new StringForm(unescape(c.STRING().getText()), span);
        if (ctx instanceof DmmParser.KeywordContext c) return new KeywordForm(c.KEYWORD().getText().substring(1), span);
        if (ctx instanceof DmmParser.SymbolContext c) return new SymbolForm(c.SYMBOL().getText(), span);
        throw new SyntaxError("unexpected form", span);
    }

    private List<Form> items(List<DmmParser.ItemContext> items) {
        List<Form> out = new ArrayList<>(items.size());
        for (DmmParser.ItemContext i : items) addItem(i, out);
        return List.copyOf(out);
    }

    private Form number(TerminalNode n, Span span) {
        String text = n.getText();
        double v = switch (text) {
            case "##Inf" -> Double.POSITIVE_INFINITY;
            case "##-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
        if (Double.isInfinite(v) && !text.startsWith("##"))
            throw new SyntaxError("number out of range: " + text, span);
        return new NumberForm(v, span);
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
        return spanOf(t, t);
    }

    private Span spanOf(Token first, Token last) {
        if (last == null || last.getType() == Token.EOF) last = first;
        String lt = last.getText() == null ? "" : last.getText();
        int endLine = last.getLine();
        int endCol = last.getCharPositionInLine() + 1;
        int nl = lt.lastIndexOf('\n');
        if (nl >= 0) {
            endLine += (int) lt.chars().filter(ch -> ch == '\n').count();
            endCol = lt.length() - nl;
        } else endCol += Math.max(0, lt.length() - 1);
        return new Span(source, first.getLine(), first.getCharPositionInLine() + 1, endLine, endCol,
                first.getStartIndex(), last.getStopIndex() + 1);
    }

    private Span spanAt(int offset) {
        String text = source.text();
        int line = 1, col = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else col++;
        }
        return new Span(source, line, col, line, col, offset, Math.min(offset + 1, text.length()));
    }
}
