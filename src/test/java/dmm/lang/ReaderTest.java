package dmm.lang;

import static org.junit.jupiter.api.Assertions.*;

import dmm.lang.Form.*;
import dmm.vvalue.RandomVValues;
import dmm.vvalue.VValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReaderTest {
    private static List<Form> read(String text) {
        return Reader.read("t.dmm", text);
    }

    private static Form one(String text) {
        List<Form> fs = read(text);
        assertEquals(1, fs.size(), () -> "forms of " + text);
        return fs.get(0);
    }

    private static String error(String text) {
        SyntaxError e = assertThrows(SyntaxError.class, () -> read(text));
        return e.report();
    }

    @Test
    void readsEveryTokenKind() {
        ListForm l = (ListForm) one("(f [1 -2.5 +3e2 .5] {:a \"s\\n\\t\\\"\\\\\\u0041\"} 'x accum-1-2 link! <- -> + a.b :dict-1)");
        List<Form> it = l.items();
        assertEquals("f", ((SymbolForm) it.get(0)).name());
        VectorForm v = (VectorForm) it.get(1);
        assertEquals(List.of(1.0, -2.5, 300.0, 0.5), v.items().stream().map(f -> ((NumberForm) f).value()).toList());
        MapForm m = (MapForm) it.get(2);
        assertEquals("a", ((KeywordForm) m.items().get(0)).name());
        assertEquals("s\n\t\"\\A", ((StringForm) m.items().get(1)).value());
        assertEquals("x", ((SymbolForm) ((QuoteForm) it.get(3)).form()).name());
        assertEquals(List.of("accum-1-2", "link!", "<-", "->", "+", "a.b"),
                it.subList(4, 10).stream().map(f -> ((SymbolForm) f).name()).toList());
        assertEquals("dict-1", ((KeywordForm) it.get(10)).name());
    }

    @Test
    void commentsAndDiscardAndCommasAreSkipped() {
        List<Form> fs = read("; line\n#| block\n comment |# (a, b #_ c #_ #_ d e) #_ (ignored)");
        assertEquals(1, fs.size());
        assertEquals(2, ((ListForm) fs.get(0)).items().size());
    }

    @Test
    void spansNameLineColumnAndEnd() {
        ListForm l = (ListForm) one("\n  (foo\n   bar)");
        assertEquals(2, l.span().line());
        assertEquals(3, l.span().column());
        assertEquals("(foo\n   bar)", l.span().text());
        Form bar = l.items().get(1);
        assertEquals("t.dmm:3:4", bar.span().where());
    }

    @Test
    void unclosedParenNamesWhereItOpened() {
        assertEquals("t.dmm:3:5: unclosed `(` opened at 3:5 (expected `)` before the end of input)\n"
                + "        (defn f [x]\n"
                + "        ^", error("(do)\n\n    (defn f [x]\n  (+ x 1)"));
    }

    @Test
    void unexpectedCloser() {
        assertEquals("t.dmm:1:6: unexpected `)` (nothing to close)\n    (a b))\n         ^", error("(a b))"));
    }

    @Test
    void mismatchedCloser() {
        assertEquals("t.dmm:1:8: mismatched `)`: `[` opened at 1:4 expects `]`\n    (a [b c)]\n           ^", error("(a [b c)]"));
    }

    @Test
    void unterminatedString() {
        assertEquals("t.dmm:1:4: unterminated string (no closing `\"`)\n    (a \"bc\n       ^", error("(a \"bc"));
    }

    @Test
    void invalidEscape() {
        assertEquals("t.dmm:1:3: invalid escape `\\q` in string (allowed: \\\" \\\\ \\n \\t \\r \\b \\f \\/ \\uXXXX)\n    \"a\\qb\"\n      ^",
                error("\"a\\qb\""));
        assertEquals("t.dmm:1:2: invalid unicode escape in string (expected \\u and four hex digits)\n    \"\\u12G4\"\n     ^", error("\"\\u12G4\""));
    }

    @Test
    void otherLexicalErrors() {
        assertEquals("t.dmm:1:4: unexpected character `@`\n    (a @b)\n       ^", error("(a @b)"));
        assertEquals("t.dmm:1:1: unexpected `#` (only `#_` and `#| ... |#` are allowed)\n    #{1}\n    ^", error("#{1}"));
        assertEquals("t.dmm:1:1: unterminated block comment (no closing `|#`)\n    #| never closed\n    ^", error("#| never closed"));
        assertEquals("t.dmm:1:2: a keyword needs a name after `:`\n    (: a)\n     ^", error("(: a)"));
        assertEquals("t.dmm:1:4: `'` must be followed by a form\n    (a ')\n       ^", error("(a ')"));
        assertEquals("t.dmm:1:1: `#_` must be followed by a form\n    #_\n    ^", error("#_"));
        assertEquals("t.dmm:1:1: invalid number `1abc`\n    1abc\n    ^", error("1abc"));
        assertEquals("t.dmm:1:1: number out of range: 1e999\n    1e999\n    ^", error("1e999"));
    }

    @Test
    void deepNestingIsASyntaxErrorNotACrash() {
        String deep = "(".repeat(5000) + ")".repeat(5000);
        assertEquals("t.dmm:1:513: nesting deeper than 512 levels", error(deep).split("\n")[0], "at the first bracket too deep");
    }

    @Test
    void constantMapLiteralsAreVValues() {
        Interpreter interp = new Interpreter();
        Object v = interp.eval("t", "{:a 1 :b {:c 2.5 :number 3} \"hello world\" 2}");
        assertEquals(VValue.ofPairs("a", 1, "b", VValue.ofPairs("c", 2.5, "number", 3), "hello world", 2), v);
    }

    @Test
    void printingAndReadingRoundTrip() {
        Interpreter interp = new Interpreter();
        RandomVValues gen = new RandomVValues(11);
        for (int i = 0; i < 300; i++) {
            VValue v = gen.next(4);
            assertEquals(v, interp.eval("t", v.toString()), v::toString);
        }
    }
}
