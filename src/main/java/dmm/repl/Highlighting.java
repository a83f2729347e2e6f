package dmm.repl;

import dmm.lang.DmmLexer;
import dmm.lang.Interpreter;
import dmm.lang.Reader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.Token;
import org.jline.reader.Highlighter;
import org.jline.reader.LineReader;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Syntax highlighting with the grammar's own lexer: brackets, strings, numbers, keywords,
 * comments, special forms, known names and unknown names (red), malformed escapes (red).
 */
final class Highlighting implements Highlighter {
    static final AttributedStyle BRACKET = AttributedStyle.BOLD;
    static final AttributedStyle STRING = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
    static final AttributedStyle NUMBER = AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
    static final AttributedStyle KEYWORD = AttributedStyle.DEFAULT.foreground(AttributedStyle.MAGENTA);
    static final AttributedStyle COMMENT = AttributedStyle.DEFAULT.foreground(AttributedStyle.BRIGHT).faint();
    static final AttributedStyle SPECIAL = AttributedStyle.BOLD.foreground(AttributedStyle.BLUE);
    static final AttributedStyle KNOWN = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
    static final AttributedStyle UNKNOWN = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);

    private final Interpreter interp;

    Highlighting(Interpreter interp) {
        this.interp = interp;
    }

    @Override
    public AttributedString highlight(LineReader reader, String buffer) {
        return highlight(buffer);
    }

    AttributedString highlight(String buffer) {
        if (buffer.trim().startsWith(":")) return new AttributedString(buffer, KEYWORD);
        try {
            return styled(buffer);
        } catch (RuntimeException e) {
            return new AttributedString(buffer); // highlighting never gets in the way of typing
        }
    }

    private AttributedString styled(String buffer) {
        AttributedStringBuilder sb = new AttributedStringBuilder();
        Set<String> specials = interp.specialForms();
        List<Token> tokens = tokens(buffer);
        Set<String> locals = localNames(tokens);
        int at = 0;
        for (Token t : tokens) {
            // between tokens: whitespace, or characters the lexer could not take (the reader reports them)
            if (t.getStartIndex() > at) sb.append(buffer.substring(at, t.getStartIndex()));
            String text = t.getText();
            AttributedStyle style = switch (t.getType()) {
                case DmmLexer.LPAREN, DmmLexer.RPAREN, DmmLexer.LBRACK, DmmLexer.RBRACK, DmmLexer.LBRACE, DmmLexer.RBRACE -> BRACKET;
                case DmmLexer.STRING, DmmLexer.UNTERMINATED_STRING -> STRING;
                case DmmLexer.BAD_ESCAPE -> UNKNOWN;
                case DmmLexer.NUMBER -> NUMBER;
                case DmmLexer.KEYWORD -> KEYWORD;
                case DmmLexer.LINE_COMMENT, DmmLexer.BLOCK_COMMENT, DmmLexer.UNTERMINATED_COMMENT -> COMMENT;
                case DmmLexer.SYMBOL -> locals.contains(text) ? AttributedStyle.DEFAULT : symbolStyle(text, specials);
                default -> AttributedStyle.DEFAULT;
            };
            sb.styled(style, text);
            at = t.getStopIndex() + 1;
        }
        if (at < buffer.length()) sb.append(buffer.substring(at));
        return sb.toAttributedString();
    }

    /** The grammar's tokens of the buffer, comments included. */
    private static List<Token> tokens(String buffer) {
        List<Token> out = new ArrayList<>();
        DmmLexer lexer = Reader.lexer(buffer);
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) out.add(t);
        return out;
    }

    /**
     * Symbols written inside [...] (parameters and let/loop bindings), and the whole-map symbol of
     * {@code (defneuron name "doc"? inputs body)} and {@code (neuron "doc"? inputs body)}: local
     * names, not unknown ones.
     */
    private static Set<String> localNames(List<Token> all) {
        List<Token> tokens = all.stream().filter(t -> t.getChannel() == Token.DEFAULT_CHANNEL).toList();
        Set<String> out = new HashSet<>();
        int depth = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.getType() == DmmLexer.LBRACK) depth++;
            else if (t.getType() == DmmLexer.RBRACK) depth = Math.max(0, depth - 1);
            else if (depth > 0 && t.getType() == DmmLexer.SYMBOL) out.add(t.getText());
            else if (t.getType() == DmmLexer.LPAREN) {
                int j = i + 1;
                if (symbol(tokens, j, "defneuron") && symbol(tokens, j + 1, null)) j += 2;
                else if (symbol(tokens, j, "neuron")) j += 1;
                else continue;
                if (j < tokens.size() && tokens.get(j).getType() == DmmLexer.STRING) j++; // the docstring
                if (symbol(tokens, j, null)) out.add(tokens.get(j).getText());
            }
        }
        return out;
    }

    /** Whether token {@code i} is a symbol (named {@code name} unless that is null). */
    private static boolean symbol(List<Token> tokens, int i, String name) {
        return i < tokens.size() && tokens.get(i).getType() == DmmLexer.SYMBOL && (name == null || name.equals(tokens.get(i).getText()));
    }

    private AttributedStyle symbolStyle(String name, Set<String> specials) {
        if (specials.contains(name)) return SPECIAL;
        if (name.equals("nil") || name.equals("true") || name.equals("false") || name.equals("<-") || name.equals("&")) return KEYWORD;
        var v = interp.findVar(name);
        if (v != null && v.isBound()) return KNOWN;
        if (interp.findNeuronType(name) != null) return KNOWN;
        if (name.indexOf('.') > 0) return AttributedStyle.DEFAULT; // neuron.field in wiring
        return UNKNOWN;
    }
}
