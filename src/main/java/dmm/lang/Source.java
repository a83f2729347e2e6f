package dmm.lang;

import java.nio.file.Path;

/** A named source text (a file, a REPL line, an {@code eval} argument). */
public final class Source {
    private final String name;
    private final String text;
    private final Path path;
    private int[] lineStarts;

    public Source(String name, String text, Path path) {
        this.name = name;
        this.text = text;
        this.path = path;
    }

    /** A source that is not a file. */
    public static Source of(String name, String text) {
        return new Source(name, text, null);
    }

    public String name() {
        return name;
    }

    public String text() {
        return text;
    }

    /** The file this source was read from, or null. */
    public Path path() {
        return path;
    }

    /** The text of 1-based line {@code n} without its line terminator ("" when out of range). */
    public String line(int n) {
        int[] starts = lineStarts();
        if (n < 1 || n > starts.length) return "";
        int s = starts[n - 1];
        int e = n < starts.length ? starts[n] : text.length();
        while (e > s && (text.charAt(e - 1) == '\n' || text.charAt(e - 1) == '\r')) e--;
        return text.substring(s, e);
    }

    private int[] lineStarts() {
        if (lineStarts == null) {
            int count = 1;
            for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') count++;
            int[] starts = new int[count];
            int k = 1;
            for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') starts[k++] = i + 1;
            lineStarts = starts;
        }
        return lineStarts;
    }

    @Override
    public String toString() {
        return name;
    }
}
