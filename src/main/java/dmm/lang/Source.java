package dmm.lang;

import java.nio.file.Path;
import java.util.Arrays;

/** A named source text (a file, a REPL line, an {@code eval} argument). */
public final class Source {
    private final String name;
    private final String text;
    private final Path path;
    private volatile int[] lineStarts;

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

    /** Offset of the first character of 1-based line {@code n} (clamped to the text). */
    int lineStart(int n) {
        int[] starts = lineStarts();
        return starts[Math.max(0, Math.min(n, starts.length) - 1)];
    }

    /** Offset after the last character of 1-based line {@code n}, before its line terminator. */
    int lineEnd(int n) {
        int[] starts = lineStarts();
        n = Math.max(1, Math.min(n, starts.length));
        int e = n < starts.length ? starts[n] : text.length();
        int s = starts[n - 1];
        while (e > s && (text.charAt(e - 1) == '\n' || text.charAt(e - 1) == '\r')) e--;
        return e;
    }

    /** The 1-based line of character offset {@code offset} (binary search in the line table). */
    public int lineOf(int offset) {
        int[] starts = lineStarts();
        int i = Arrays.binarySearch(starts, Math.max(0, Math.min(offset, text.length())));
        return i >= 0 ? i + 1 : -i - 1;
    }

    /** The 1-based column of character offset {@code offset}, counting characters (code points). */
    public int columnOf(int offset) {
        int o = Math.max(0, Math.min(offset, text.length()));
        int s = lineStart(lineOf(o));
        return text.codePointCount(s, o) + 1;
    }

    private int[] lineStarts() {
        int[] starts = lineStarts;
        if (starts == null) {
            int count = 1;
            for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') count++;
            starts = new int[count];
            int k = 1;
            for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') starts[k++] = i + 1;
            lineStarts = starts;
        }
        return starts;
    }

    @Override
    public String toString() {
        return name;
    }
}
