package dmm.lang;

/**
 * A place in a source: 1-based line and column of the first character, the last line and
 * column, and the character offsets {@code [start, stop)}.
 */
public record Span(Source source, int line, int column, int endLine, int endColumn, int start, int stop) {

    /** {@code file:line:col}. */
    public String where() {
        return source.name() + ":" + line + ":" + column;
    }

    /** The source text the span covers. */
    public String text() {
        String t = source.text();
        return t.substring(Math.max(0, Math.min(start, t.length())), Math.max(0, Math.min(stop, t.length())));
    }

    /**
     * The offending source line and a caret under the column, each indented by four spaces
     * (tabs before the column are kept so the caret lines up).
     */
    public String excerpt() {
        String l = source.line(line);
        if (l.isEmpty() && line > 1 && column == 1) return "";
        StringBuilder caret = new StringBuilder("    ");
        for (int i = 0; i < column - 1 && i < l.length(); i++) caret.append(l.charAt(i) == '\t' ? '\t' : ' ');
        caret.append('^');
        return "    " + l + "\n" + caret;
    }

    /** A span covering from this one to {@code other}. */
    public Span to(Span other) {
        return new Span(source, line, column, other.endLine, other.endColumn, start, other.stop);
    }

    @Override
    public String toString() {
        return where();
    }
}
