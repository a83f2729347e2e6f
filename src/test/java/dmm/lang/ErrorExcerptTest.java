package dmm.lang;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** An error's excerpt shows the line with a caret; a very long line is cut to a window around the column. */
class ErrorExcerptTest {
    @Test
    void aSyntaxErrorOnAVeryLongLineShowsAWindowWithTheCaretInPlace() {
        StringBuilder sb = new StringBuilder("(def v [");
        for (int i = 0; i < 40_000; i++) sb.append(i % 10).append(' ');
        int col = sb.length() + 1;
        sb.append("#x ");
        for (int i = 0; i < 40_000; i++) sb.append("1 ");
        sb.append("])");
        SyntaxError e = assertThrows(SyntaxError.class, () -> Reader.read("long.dmm", sb.toString()));
        String[] lines = e.report().split("\n");
        assertEquals("long.dmm:1:" + col + ": unexpected `#` (only `#_` and `#| ... |#` are allowed)", lines[0]);
        assertEquals(3, lines.length);
        // the window: half the excerpt width on each side of the column, marked as cut on both ends
        int half = Span.EXCERPT_WIDTH / 2;
        assertEquals("    ..." + sb.substring(col - 1 - half, col - 1 + half) + "...", lines[1]);
        assertEquals(" ".repeat(4 + 3 + half) + "^", lines[2]);
        assertTrue(lines[1].length() <= 4 + 3 + Span.EXCERPT_WIDTH + 3, "a window, not the whole line: " + lines[1].length());
        int caret = lines[2].indexOf('^');
        assertEquals('#', lines[1].charAt(caret), lines[1] + "\n" + lines[2]);
        assertEquals('x', lines[1].charAt(caret + 1));
    }

    @Test
    void aShortLineIsShownWhole() {
        SyntaxError e = assertThrows(SyntaxError.class, () -> Reader.read("s.dmm", "(+ 1 #x)"));
        assertEquals("s.dmm:1:6: unexpected `#` (only `#_` and `#| ... |#` are allowed)\n    (+ 1 #x)\n         ^", e.report());
    }
}
