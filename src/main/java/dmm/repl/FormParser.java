package dmm.repl;

import dmm.lang.DmmLexer;
import dmm.lang.Reader;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.Token;
import org.jline.reader.CompletingParsedLine;
import org.jline.reader.EOFError;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.SyntaxError;

/**
 * The REPL's line parser: Enter on an incomplete form (open bracket, string or block comment, as
 * the grammar's lexer sees it) continues it on a secondary prompt, indented by the open brackets except inside a string
 * (where indentation would change the string); for completion it splits the line into words at
 * whitespace and brackets, keeping {@code neuron.field} and {@code :keywords} whole.
 */
public final class FormParser implements Parser {
    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) throws SyntaxError {
        if (context == ParseContext.ACCEPT_LINE && !line.trim().startsWith(":") && !complete(line)) {
            Open s = Open.at(line);
            String missing = s.inString() ? "\"" : s.inComment() ? "|#" : ")";
            throw new EOFError(-1, cursor, s.inString() ? "open string" : s.inComment() ? "open block comment" : "open bracket",
                    missing, s.indentLevels(), missing);
        }
        return words(line, cursor);
    }

    /** Whether {@code text} is a complete input: it leaves no bracket, string or block comment open. */
    public static boolean complete(String text) {
        return Open.at(text).complete();
    }

    /**
     * What the end of a text leaves open, by the grammar's lexer (the reader's): the brackets
     * opened and not closed, and whether the text ends inside a string or a block comment.
     * Brackets inside strings and comments are not counted, since they are not tokens.
     */
    record Open(int depth, boolean inString, boolean inComment) {
        static Open at(String text) {
            int depth = 0;
            DmmLexer lexer = Reader.lexer(text);
            for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
                switch (t.getType()) {
                    case DmmLexer.LPAREN, DmmLexer.LBRACK, DmmLexer.LBRACE -> depth++;
                    case DmmLexer.RPAREN, DmmLexer.RBRACK, DmmLexer.RBRACE -> depth--;
                    case DmmLexer.UNTERMINATED_STRING -> {
                        return new Open(depth, true, false);
                    }
                    case DmmLexer.UNTERMINATED_COMMENT -> {
                        return new Open(depth, false, true);
                    }
                    case DmmLexer.BAD_ESCAPE -> {
                        // no more input can make the string right: the reader reports the escape now
                        return new Open(0, false, false);
                    }
                    default -> {}
                }
            }
            return new Open(depth, false, false);
        }

        boolean inStringOrComment() {
            return inString || inComment;
        }

        /** Complete: nothing left open. Too many closers counts as complete: the reader reports it. */
        boolean complete() {
            return !inStringOrComment() && depth <= 0;
        }

        /**
         * Indentation levels for the next line of an open form (the REPL indents each level by
         * {@code LineReader.INDENTATION} columns): one per open bracket, and none inside a string,
         * where the spaces would become part of the string's value.
         */
        int indentLevels() {
            return inString ? 0 : Math.max(0, depth);
        }
    }

    /** Characters that end a word for completion. */
    public static boolean separator(char c) {
        return Character.isWhitespace(c) || c == ',' || "()[]{}'\"".indexOf(c) >= 0;
    }

    static ParsedLine words(String line, int cursor) {
        List<String> words = new ArrayList<>();
        int wordIndex = -1, wordCursor = 0;
        int i = 0, n = line.length();
        while (i <= n) {
            while (i < n && separator(line.charAt(i))) {
                if (i == cursor && wordIndex < 0) {
                    wordIndex = words.size();
                    words.add("");
                    wordCursor = 0;
                }
                i++;
            }
            if (i >= n) {
                if (wordIndex < 0 && cursor >= n) {
                    wordIndex = words.size();
                    words.add("");
                    wordCursor = 0;
                }
                break;
            }
            int start = i;
            while (i < n && !separator(line.charAt(i))) i++;
            if (cursor >= start && cursor <= i && wordIndex < 0) {
                wordIndex = words.size();
                wordCursor = cursor - start;
            }
            words.add(line.substring(start, i));
        }
        if (wordIndex < 0) {
            wordIndex = words.size();
            words.add("");
        }
        return new Words(line, cursor, List.copyOf(words), wordIndex, wordCursor);
    }

    record Words(String line, int cursor, List<String> words, int wordIndex, int wordCursor) implements CompletingParsedLine {
        @Override
        public String word() {
            return words.get(wordIndex);
        }

        @Override
        public CharSequence escape(CharSequence candidate, boolean complete) {
            return candidate;
        }

        @Override
        public int rawWordCursor() {
            return wordCursor;
        }

        @Override
        public int rawWordLength() {
            return word().length();
        }
    }
}
