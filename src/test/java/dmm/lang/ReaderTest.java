package dmm.lang;

import static org.junit.jupiter.api.Assertions.*;

import dmm.lang.Form.*;
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
        assertEquals(3, l.span().endLine());
        assertEquals(7, l.span().endColumn());
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
        assertTrue(error("\"a\\qb\"").startsWith("t.dmm:1:3: invalid escape `\\q` in string"));
        assertTrue(error("\"\\u12G4\"").startsWith("t.dmm:1:2: invalid unicode escape"));
    }

    @Test
    void otherLexicalErrors() {
        assertTrue(error("(a @b)").startsWith("t.dmm:1:4: unexpected character `@`"));
        assertTrue(error("#{1}").startsWith("t.dmm:1:1: unexpected `#`"));
        assertTrue(error("#| never closed").startsWith("t.dmm:1:1: unterminated block comment"));
        assertTrue(error("(: a)").startsWith("t.dmm:1:2: a keyword needs a name"));
        assertTrue(error("(a ')").startsWith("t.dmm:1:4: `'` must be followed by a form"));
        assertTrue(error("#_").startsWith("t.dmm:1:1: `#_` must be followed by a form"));
        assertTrue(error("1abc").startsWith("t.dmm:1:1: invalid number `1abc`"));
        assertTrue(error("1e999").startsWith("t.dmm:1:1: number out of range"));
    }

    @Test
    void deepNestingIsASyntaxErrorNotACrash() {
        String deep = "(".repeat(5000) + ")".repeat(5000);
        assertTrue(error(deep).contains("nesting deeper than"));
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
        dmm.vvalue.RandomVValues gen = new dmm.vvalue.RandomVValues(11);
        for (int i = 0; i < 300; i++) {
            VValue v = gen.next(4);
            assertEquals(v, interp.eval("t", v.toString()), v::toString);
        }
    }
}
