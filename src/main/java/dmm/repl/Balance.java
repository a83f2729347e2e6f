package dmm.repl;

/**
 * Whether source text is a complete input: no open bracket, string or block comment.
 * Strings (with escapes), {@code ;} line comments and {@code #| ... |#} block comments are
 * skipped, so brackets inside them do not count.
 */
final class Balance {
    private Balance() {}

    /** Bracket depth at the end of the text and whether a string or block comment is still open. */
    record State(int depth, boolean inStringOrComment) {
        /** Complete: nothing left open. Too many closers counts as complete: the reader reports it. */
        boolean complete() {
            return !inStringOrComment && depth <= 0;
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
                if (i >= n) return new State(depth, true);
            } else if (c == ';') {
                while (i < n && text.charAt(i) != '\n') i++;
            } else if (c == '#' && i + 1 < n && text.charAt(i + 1) == '|') {
                int end = text.indexOf("|#", i + 2);
                if (end < 0) return new State(depth, true);
                i = end + 1;
            } else if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth--;
        }
        return new State(depth, false);
    }

    static boolean complete(String text) {
        return scan(text).complete();
    }
}
