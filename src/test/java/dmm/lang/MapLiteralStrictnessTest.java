package dmm.lang;

import static org.junit.jupiter.api.Assertions.*;

import dmm.vvalue.VValue;
import org.junit.jupiter.api.Test;

/**
 * Map literals are strict as JSON is: a key given twice is an error at its second occurrence
 * (keys written literally when the form is analyzed, computed keys when it is evaluated), and a
 * node's own number (under {@code :number}) is a number, never a map.
 */
class MapLiteralStrictnessTest {
    private final Interpreter interp = new Interpreter();

    private DmmException error(String text) {
        return assertThrows(DmmException.class, () -> interp.eval("t.dmm", text));
    }

    @Test
    void aDuplicateKeyInAMapLiteralIsASyntaxErrorAtTheSecondOccurrence() {
        DmmException e = error("(def m\n  {:a 1 :b 2 :a 3})");
        assertInstanceOf(SyntaxError.class, e);
        assertEquals("t.dmm:2:14: duplicate key `:a` in a map literal (first given at 2:4)\n"
                + "      {:a 1 :b 2 :a 3})\n"
                + "                 ^", e.report());
    }

    @Test
    void duplicatesAreFoundInNestedQuotedAndPartlyComputedMaps() {
        assertEquals("t.dmm:1:11: duplicate key `:c` in a map literal (first given at 1:6)\n    {:x {:c 1 :c 2}}\n              ^",
                error("{:x {:c 1 :c 2}}").report());
        assertEquals("t.dmm:1:12: duplicate key `:c` in a map literal (first given at 1:7)\n    '{:x {:c 1 :c 2}}\n               ^",
                error("'{:x {:c 1 :c 2}}").report());
        assertEquals("t.dmm:1:18: duplicate key `:a` in a map literal (first given at 1:13)\n    (let [y 2] {:a y :a 1})\n                     ^",
                error("(let [y 2] {:a y :a 1})").report());
        // a keyword and a string name the same key; :number and "number" too
        assertEquals("t.dmm:1:7: duplicate key `\"a\"` in a map literal (first given at 1:2)\n    {:a 1 \"a\" 2}\n          ^",
                error("{:a 1 \"a\" 2}").report());
        assertEquals("t.dmm:1:12: duplicate key `\"number\"` in a map literal (first given at 1:2)\n    {:number 1 \"number\" 2}\n               ^",
                error("{:number 1 \"number\" 2}").report());
    }

    @Test
    void aComputedDuplicateKeyIsAnErrorAtItsPlace() {
        DmmException e = error("(let [k \"a\"] {k 1 :a 2})");
        assertInstanceOf(EvalError.class, e);
        assertEquals("t.dmm:1:19: duplicate key `a` in a map literal (first given at 1:15)", e.getMessage());
        // many computed keys (the hashed path)
        StringBuilder sb = new StringBuilder("(let [k \"k7\"] {");
        for (int i = 0; i < 20; i++) sb.append(":k").append(i).append(" (+ 1 ").append(i).append(") ");
        sb.append("k 5})");
        assertEquals("t.dmm:1:276: duplicate key `k7` in a map literal (first given at 1:100)", error(sb.toString()).getMessage());
    }

    @Test
    void aMapUnderNumberIsAnError() {
        DmmException e = error("{:number {:a 1}}");
        assertInstanceOf(SyntaxError.class, e);
        assertEquals("t.dmm:1:10: the value under :number (the node's own number) must be a number, not a map", e.getMessage());
        assertEquals("t.dmm:1:14: the value under :number (the node's own number) must be a number, not a map", error("{:x {:number {:a 1}}}").getMessage());
        EvalError computed = (EvalError) error("(let [m {:a 1}] {:number m})");
        assertEquals("t.dmm:1:26: the value under :number (the node's own number) must be a number, not the V-value {:a 1}",
                computed.getMessage());
    }

    @Test
    void numbersUnderNumberAndDistinctKeysStillWork() {
        assertEquals(VValue.ofPairs("a", 1, "number", 3), interp.eval("t.dmm", "{:number 3 :a 1}"));
        assertEquals(VValue.of(3), interp.eval("t.dmm", "(let [m 3] {:number m :b {:number {}}})"));
        assertEquals(VValue.ofPairs("a", 1, "b", 2), interp.eval("t.dmm", "(let [k \"b\"] {:a 1 k 2})"));
    }
}
