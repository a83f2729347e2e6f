package dmm.repl;

import java.util.ArrayList;
import java.util.List;
import org.jline.reader.CompletingParsedLine;
import org.jline.reader.EOFError;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.SyntaxError;

/**
 * The REPL's line parser: Enter on an incomplete form (open bracket, string or block comment)
 * continues it on a secondary prompt, indented by the open brackets except inside a string
 * (where indentation would change the string); for completion it splits the line into words at
 * whitespace and brackets, keeping {@code neuron.field} and {@code :keywords} whole.
 */
final class FormParser implements Parser {
    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) throws SyntaxError {
        if (context == ParseContext.ACCEPT_LINE && !line.trim().startsWith(":") && !Balance.complete(line)) {
            Balance.State s = Balance.scan(line);
            String missing = s.inString() ? "\"" : s.inComment() ? "|#" : ")";
            throw new EOFError(-1, cursor, s.inString() ? "open string" : s.inComment() ? "open block comment" : "open bracket",
                    missing, s.indentLevels(), missing);
        }
        return words(line, cursor);
    }

    /** Characters that end a word for completion. */
    static boolean separator(char c) {
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
