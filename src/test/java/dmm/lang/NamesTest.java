package dmm.lang;

import static org.junit.jupiter.api.Assertions.*;

import dmm.vvalue.VValue;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One conversion from keyword, symbol or string to a name, with the caller's wording for anything else. */
class NamesTest {
    @Test
    void keywordsSymbolsAndStringsNameTheSameThing() {
        assertEquals(List.of("out", "out", "out"), List.of(Values.name(new Keyword("out"), "x"), Values.name(new Symbol("out"), "x"),
                Values.name("out", "x")));
        assertEquals("dict-1", Values.toKey(new Keyword("dict-1"), null));
    }

    @Test
    void anythingElseIsAnErrorInTheCallersWords() {
        EvalError e = assertThrows(EvalError.class, () -> Values.name(VValue.of(1), "expected a neuron name"));
        assertEquals("expected a neuron name, got the number 1", e.getMessage());
        assertNull(e.span());
        assertEquals("a key must be a keyword or a string, got nil", assertThrows(EvalError.class, () -> Values.toKey(null, null)).getMessage());
        Options o = Options.parse("f", new Object[] {new Keyword("log"), VValue.of(5), new Keyword("name"), new Symbol("run")}, 0, List.of("log", "name"));
        assertEquals("run", o.string("name", null));
        assertEquals("fallback", o.string("missing", "fallback"));
        assertEquals("f :log expects a string, got the number 5", assertThrows(EvalError.class, () -> o.string("log", null)).getMessage());
    }

    @Test
    void inTheLanguageTheErrorIsAtTheCall() {
        Interpreter interp = new Interpreter();
        assertEquals("t.dmm:1:1: a key must be a keyword or a string, got the number 1\n    (get {:a 2} 1)\n    ^",
                assertThrows(DmmException.class, () -> interp.eval("t.dmm", "(get {:a 2} 1)")).report());
        assertEquals("[2 2 2]", Printer.print(interp.eval("t.dmm", "[(get {:a 2} :a) (get {:a 2} \"a\") (get {:a 2} 'a)]")));
    }
}
