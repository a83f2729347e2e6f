package dmm.lang;

/**
 * A place in a source: the character offsets {@code [start, stop)}. Lines and columns (1-based)
 * are computed on demand from the source's line table, so a span costs two ints: a big file's
 * forms stay small (see {@link Reader}).
 */
public final class Span {
    /** The widest excerpt shown for a long line: about this many characters around the column. */
    static final int EXCERPT_WIDTH = 100;

    private final Source source;
    private final int start;
    private final int stop;

    public Span(Source source, int start, int stop) {
        this.source = source;
        this.start = start;
        this.stop = Math.max(start, stop);
    }

    public Source source() {
        return source;
    }

    /** Offset of the first character. */
    public int start() {
        return start;
    }

    /** 1-based line of the first character. */
    public int line() {
        return source.lineOf(start);
    }

    /** 1-based column (in characters as people count them) of the first character. */
    public int column() {
        return source.columnOf(start);
    }

    /** {@code file:line:col}. */
    public String where() {
        return source.name() + ":" + line() + ":" + column();
    }

    /** The source text the span covers. */
    public String text() {
        String t = source.text();
        return t.substring(Math.max(0, Math.min(start, t.length())), Math.max(0, Math.min(stop, t.length())));
    }

    /**
     * The offending source line and a caret under the column, each indented by four spaces
     * (tabs before the column are kept so the caret lines up). A long line is cut to a window of
     * about {@value #EXCERPT_WIDTH} characters around the column, marked with {@code ...}.
     */
    public String excerpt() {
        int line = line();
        String text = source.text();
        int ls = source.lineStart(line), le = source.lineEnd(line);
        int at = Math.max(ls, Math.min(start, le));
        if (ls == le && line > 1 && at == ls) return "";
        int from = ls, to = le;
        if (le - ls > EXCERPT_WIDTH) {
            from = Math.max(ls, Math.min(at - EXCERPT_WIDTH / 2, le - EXCERPT_WIDTH));
            to = Math.min(le, from + EXCERPT_WIDTH);
            // never cut a surrogate pair
            if (from > ls && Character.isLowSurrogate(text.charAt(from))) from--;
            if (to < le && Character.isLowSurrogate(text.charAt(to))) to++;
        }
        String head = from > ls ? "..." : "", tail = to < le ? "..." : "";
        StringBuilder caret = new StringBuilder("    ").append(" ".repeat(head.length()));
        for (int i = from; i < at; i++) {
            char c = text.charAt(i);
            if (Character.isLowSurrogate(c)) continue;
            caret.append(c == '\t' ? '\t' : ' ');
        }
        caret.append('^');
        return "    " + head + text.substring(from, to) + tail + "\n" + caret;
    }

    /** A span covering from this one to {@code other}. */
    public Span to(Span other) {
        return new Span(source, start, other.stop);
    }

    @Override
    public String toString() {
        return where();
    }
}
