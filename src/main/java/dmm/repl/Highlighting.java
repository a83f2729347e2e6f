package dmm.repl;

import dmm.lang.DmmLexer;
import dmm.lang.Interpreter;
import java.util.Set;
import java.util.regex.Pattern;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.jline.reader.Highlighter;
import org.jline.reader.LineReader;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Syntax highlighting with the grammar's own lexer: brackets, strings, numbers, keywords,
 * comments (the text between tokens), special forms, known names and unknown names (red).
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
        AttributedStringBuilder sb = new AttributedStringBuilder();
        if (buffer.trim().startsWith(":")) return new AttributedString(buffer, KEYWORD);
        DmmLexer lexer = new DmmLexer(CharStreams.fromString(buffer));
        lexer.removeErrorListeners();
        Set<String> specials = interp.specialForms();
        Set<String> locals = localNames(buffer);
        int at = 0;
        try {
            for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
                if (t.getStartIndex() > at) gap(buffer.substring(at, t.getStartIndex()), sb);
                String text = t.getText();
                AttributedStyle style = switch (t.getType()) {
                    case DmmLexer.LPAREN, DmmLexer.RPAREN, DmmLexer.LBRACK, DmmLexer.RBRACK, DmmLexer.LBRACE, DmmLexer.RBRACE -> BRACKET;
                    case DmmLexer.STRING -> STRING;
                    case DmmLexer.NUMBER -> NUMBER;
                    case DmmLexer.KEYWORD -> KEYWORD;
                    case DmmLexer.SYMBOL -> locals.contains(text) ? AttributedStyle.DEFAULT : symbolStyle(text, specials);
                    default -> AttributedStyle.DEFAULT;
                };
                sb.styled(style, text);
                at = t.getStopIndex() + 1;
            }
        } catch (RuntimeException e) {
            // highlighting never gets in the way of typing
        }
        if (at < buffer.length()) gap(buffer.substring(at), sb);
        return sb.toAttributedString();
    }

    private static final Pattern COMMENT_START = Pattern.compile("[;#]");

    private static void gap(String text, AttributedStringBuilder sb) {
        // whitespace, comments, or an unterminated string the lexer could not take
        int c = indexOfComment(text);
        if (c < 0) {
            sb.styled(text.contains("\"") ? STRING : AttributedStyle.DEFAULT, text);
            return;
        }
        sb.append(text.substring(0, c));
        sb.styled(COMMENT, text.substring(c));
    }

    private static int indexOfComment(String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == ';') return i;
            if (ch == '#' && i + 1 < text.length() && text.charAt(i + 1) == '|') return i;
            if (ch == '"') return -1;
        }
        return -1;
    }

    /** Symbols written inside [...] (parameters and let/loop bindings): local names, not unknown ones. */
    private static Set<String> localNames(String buffer) {
        Set<String> out = new java.util.HashSet<>();
        DmmLexer lexer = new DmmLexer(CharStreams.fromString(buffer));
        lexer.removeErrorListeners();
        int depth = 0;
        try {
            for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
                if (t.getType() == DmmLexer.LBRACK) depth++;
                else if (t.getType() == DmmLexer.RBRACK) depth = Math.max(0, depth - 1);
                else if (depth > 0 && t.getType() == DmmLexer.SYMBOL) out.add(t.getText());
            }
        } catch (RuntimeException e) {
            // partial input
        }
        // (defneuron name inputs body) and (neuron inputs body) bind a whole-map symbol too
        java.util.regex.Matcher m = Pattern.compile("\\((?:defneuron\\s+\\S+|neuron)\\s+(?:\"[^\"]*\"\\s+)?([^\\s\\[()]+)").matcher(buffer);
        while (m.find()) out.add(m.group(1));
        return out;
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
