package dmm.repl;

/**
 * Whether source text is a complete input: no open bracket, string or block comment.
 * Strings (with escapes), {@code ;} line comments and {@code #| ... |#} block comments are
 * skipped, so brackets inside them do not count.
 */
final class Balance {
    private Balance() {}

    /** Bracket depth at the end of the text and whether a string or a block comment is still open. */
    record State(int depth, boolean inString, boolean inComment) {
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

    static State scan(String text) {
        int depth = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '"') {
                i++;
                while (i < n && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\') i++;
                    i++;
                }
                if (i >= n) return new State(depth, true, false);
            } else if (c == ';') {
                while (i < n && text.charAt(i) != '\n') i++;
            } else if (c == '#' && i + 1 < n && text.charAt(i + 1) == '|') {
                int end = text.indexOf("|#", i + 2);
                if (end < 0) return new State(depth, false, true);
                i = end + 1;
            } else if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth--;
        }
        return new State(depth, false, false);
    }

    static boolean complete(String text) {
        return scan(text).complete();
    }
}
