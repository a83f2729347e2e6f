package dmm.lang;

import static org.junit.jupiter.api.Assertions.*;

import dmm.cancel.Cancelled;
import dmm.vvalue.VValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
    private final Interpreter interp = new Interpreter();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    EvaluatorTest() {
        interp.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    private String eval(String text) {
        return Printer.print(interp.eval("t.dmm", text));
    }

    private String output() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private String error(String text) {
        DmmException e = assertThrows(DmmException.class, () -> interp.eval("t.dmm", text));
        return e.report();
    }

    @Test
    void arithmeticOnVValues() {
        assertEquals("{:a 3 :b 3}", eval("(+ {:a 1} {:a 2 :b 3})"));
        assertEquals("{:a -1 :b -3}", eval("(- {:a 1} {:a 2 :b 3})"));
        assertEquals("{:a 2 :b 4}", eval("(* 2 {:a 1 :b 2})"));
        assertEquals("{:a 2}", eval("(* {:a 1 :b 2} {:a 2 :c 5})"));
        assertEquals("{:a 0.5}", eval("(/ {:a 1} 2)"));
        assertEquals("{:a 1 :number 3}", eval("(+ 3 {:a 1})"));
        assertEquals("0", eval("(+)"));
        assertEquals("-4", eval("(- 4)"));
        assertEquals("{:b 2}", eval("(- {:a 1 :b 2} {:a 1})"));
    }

    @Test
    void computedMapLiteralsAndKeys() {
        assertEquals("{:a 6 :b {:c 1}}", eval("(let [x 3 k \"c\"] {:a (* 2 x) :b {k 1}})"));
        assertEquals("{\"hello world\" 1}", eval("(let [k \"hello world\"] {k 1})"));
        assertEquals("2", eval("(get {:x 2 :y 3} :x)"));
        assertEquals("3", eval("(get-in {:a {:b 3}} [:a :b])"));
        assertEquals("{:a {:b 3 :c 4}}", eval("(assoc-in {:a {:b 3}} [:a :c] 4)"));
        assertEquals("[\"a\" \"b\"]", eval("(keys {:b 1 :a {:c 2} :number 4})"));
        assertEquals("7", eval("(num {:number 7 :a 1})"));
    }

    @Test
    void specialForms() {
        assertEquals("2", eval("(if true 2 3)"));
        assertEquals("nil", eval("(if false 2)"));
        assertEquals("3", eval("(if nil 2 3)"));
        assertEquals("1", eval("(when 0 1)"));
        assertEquals(":b", eval("(cond (< 2 1) :a (= 1 1) :b :else :c)"));
        assertEquals(":c", eval("(cond false :a :else :c)"));
        assertEquals("3", eval("(do 1 2 3)"));
        assertEquals("false", eval("(and 1 false 3)"));
        assertEquals("3", eval("(and 1 2 3)"));
        assertEquals("2", eval("(or nil 2 3)"));
        assertEquals("[a 1 :k]", eval("'(a 1 :k)"));
        assertEquals("x", eval("(quote x)"));
        assertEquals("3", eval("(let [a 1 b (+ a 1)] (+ a b))"));
        assertEquals("#'sq", eval("(def sq (fn [x] (* x x)))"));
        assertEquals("9", eval("(sq 3)"));
        assertEquals("[1 [2 3]]", eval("((fn [a & more] [a more]) 1 2 3)"));
        assertEquals("[1 []]", eval("((fn [a & more] [a more]) 1)"));
        assertEquals("120", eval("((fn fact [n] (if (< n 2) 1 (* n (fact (- n 1))))) 5)"));
        eval("(dotimes [i 3] (print i))");
        eval("(doseq [x [:a :b]] (print x))");
        assertEquals("012:a:b", output());
    }

    @Test
    void closuresCaptureValuesAtCreation() {
        eval("(defn adder [n] (fn [x] (+ x n)))");
        assertEquals("7", eval("((adder 5) 2)"));
        assertEquals("[0 1 2]", eval("(map (fn [f] (f)) (map (fn [i] (fn [] i)) (range 3)))"));
        assertEquals("[10 11 12]",
                eval("(loop [i 0 fs []] (if (< i 3) (recur (+ i 1) (conj fs (fn [x] (+ x i)))) (map (fn [f] (f 10)) fs)))"));
    }

    @Test
    void loopRecurIteratesWithoutGrowingTheStack() {
        assertEquals("4999950000", eval("(loop [i 0 s 0] (if (< i 100000) (recur (+ i 1) (+ s i)) s))"));
        assertEquals("100000", eval("(defn count-up [i] (if (< i 100000) (recur (+ i 1)) i)) (count-up 0)"));
    }

    @Test
    void varRedefinitionIsSeenByExistingCallers() {
        eval("(defn g [x] (+ x 1)) (defn f [x] (* 10 (g x)))");
        assertEquals("20", eval("(f 1)"));
        eval("(defn g [x] (+ x 2))");
        assertEquals("30", eval("(f 1)"));
    }

    @Test
    void higherOrderFunctions() {
        assertEquals("[2 4 6]", eval("(map (fn [x] (* 2 x)) [1 2 3])"));
        assertEquals("[5 7 9]", eval("(map + [1 2 3] [4 5 6])"));
        assertEquals("[2]", eval("(filter (fn [x] (> x 1)) [1 2])"));
        assertEquals("10", eval("(reduce + [1 2 3 4])"));
        assertEquals("{:a 3}", eval("(reduce + {} [{:a 1} {:a 2}])"));
        assertEquals("6", eval("(apply + 1 [2 3])"));
        assertEquals("[0 2 4]", eval("(range 0 6 2)"));
        assertEquals("3", eval("(count [1 2 3])"));
        assertEquals("\"a1b\"", eval("(str \"a\" 1 \"b\" nil)"));
        assertEquals("\"0.500\"", eval("(format \"%.3f\" 0.5)"));
        assertEquals("\"7\"", eval("(format \"%d\" 7)"));
        // integral numbers become integers only where an integer conversion takes them
        assertEquals("\"3 of 100.0, ff 00007 3\"", eval("(format \"%d of %.1f, %x %05d %1$s\" 3 100 255 7)"));
    }

    @Test
    void printingJoinsTheArgumentsWithSpaces() {
        eval("(print \"a\" 1 :k) (println \"b\" {:x 2}) (prn \"s\" :k nil)");
        assertEquals("a 1 :kb {:x 2}\n\"s\" :k nil\n", output(), "display text for print/println, readable text for prn");
        assertEquals("\"\\\"s\\\" 1 :k\"", eval("(pr-str \"s\" 1 :k)"));
        assertEquals("t.dmm:1:1: stopped at step 3 of 5", assertThrows(DmmException.class, () -> interp.eval("t.dmm", "(error \"stopped at step\" 3 \"of\" 5)"))
                .getMessage());
    }

    @Test
    void docstringsAndDoc() {
        eval("(defn twice \"Doubles x.\" [x] (* 2 x))");
        eval("(doc twice)");
        eval("(doc dot)");
        assertEquals("twice [x]\n  Doubles x.\ndot [a b]\n  Dot product: Σ over common leaf paths of a_p · b_p (a number).\n", output());
        for (var e : interp.boundVars().entrySet())
            if (e.getValue().get() instanceof Builtin)
                assertFalse(e.getValue().doc() == null || e.getValue().doc().isBlank(), "built-in without docstring: " + e.getKey());
    }

    @Test
    void unknownNameErrorShowsPlaceAndCaret() {
        assertEquals("t.dmm:1:8: unknown name `y`\n    (+ 1 2 y)\n           ^", error("(+ 1 2 y)"));
    }

    @Test
    void wrongArityNamesTheFunctionAndTheCallChain() {
        String r = error("(defn f [x y] x)\n(defn g [] (f 1))\n(g)");
        assertEquals("t.dmm:2:12: wrong number of arguments to `f`: got 1, expected 2 [x y]\n"
                + "    (defn g [] (f 1))\n"
                + "               ^\n"
                + "  in g called at t.dmm:3:1", r);
    }

    @Test
    void typeMismatchAndDivisionByZero() {
        assertEquals("t.dmm:1:1: + expects a V-value, got the string \"s\"\n    (+ {:a 1} \"s\")\n    ^", error("(+ {:a 1} \"s\")"));
        assertEquals("t.dmm:1:1: division by zero\n    (/ {:a 1} 0)\n    ^", error("(/ {:a 1} 0)"));
        assertEquals("t.dmm:1:1: cannot call the number 1: it is not a function\n    (1 2)\n    ^", error("(1 2)"));
        assertEquals("t.dmm:1:1: < expects a number, got the V-value {:a 1}\n    (< {:a 1} 2)\n    ^", error("(< {:a 1} 2)"));
    }

    @Test
    void syntaxErrorsInSpecialForms() {
        assertEquals("t.dmm:1:6: the bindings need name/value pairs; usage: (let [name value ...] body...)\n    (let [x] x)\n         ^",
                error("(let [x] x)"));
        assertEquals("t.dmm:1:6: `recur` must be in tail position of a `loop` or `fn` body\n    (+ 1 (recur 2))\n         ^", error("(+ 1 (recur 2))"));
        assertEquals("t.dmm:1:1: a map literal needs an even number of forms (key value pairs); this one has 3\n    {:a 1 :b}\n    ^", error("{:a 1 :b}"));
        assertEquals("t.dmm:1:1: wrong number of forms in `def`; usage: (def name \"doc\"? value)\n    (def)\n    ^", error("(def)"));
        assertEquals("t.dmm:1:13: `recur` expects 1 argument(s) here, got 2\n    (loop [i 0] (recur 1 2))\n                ^",
                error("(loop [i 0] (recur 1 2))"));
    }

    @Test
    void deepNonTailRecursionIsAnErrorNotACrash() {
        String r = error("(defn down [n] (if (= n 0) 0 (+ 1 (down (- n 1))))) (down 100000000)");
        String[] lines = r.split("\n");
        assertEquals(5, lines.length, r);
        assertEquals("t.dmm:1:35: stack overflow (recursion too deep) in `down`; use loop/recur to iterate", lines[0]);
        assertEquals("    (defn down [n] (if (= n 0) 0 (+ 1 (down (- n 1))))) (down 100000000)", lines[1]);
        assertEquals(" ".repeat(38) + "^", lines[2]);
        // how deep the JVM's stack lets it go varies; the chain folds the repeats into one line
        assertTrue(lines[3].matches("  in down called at t\\.dmm:1:35 \\(repeated \\d+ times\\)"), lines[3]);
        assertEquals("  in down called at t.dmm:1:53", lines[4]);
        assertEquals("3", eval("(+ 1 2)"), "the interpreter still works afterwards");
    }

    @Test
    void loadIsRelativeToTheLoadingFileAndRequireLoadsOnce(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/helper.dmm"), "(def helper-value 41)");
        Files.writeString(dir.resolve("main.dmm"), "(load \"sub/helper.dmm\") (+ helper-value 1)");
        assertEquals(VValue.of(42), interp.loadFile(dir.resolve("main.dmm")));
        Files.writeString(dir.resolve("mylib.dmm"), "(println \"loading mylib\") (def mylib-x 1)");
        interp.libraryPath().add(0, dir);
        assertEquals("true", eval("(require mylib)"));
        assertEquals("false", eval("(require mylib)"));
        assertEquals(1, output().split("loading mylib", -1).length - 1);
        assertEquals("t.dmm:1:1: library `no-such-lib` not found (looked in [" + dir + "] and the built-in lib-dmm)\n    (require no-such-lib)\n    ^",
                error("(require no-such-lib)"));
    }

    @Test
    void requireFindsTheBuiltInStandardLibrary() {
        eval("(require std)");
        assertEquals("{:dict 3}", eval("((neuron-type 'sum-dicts) {:dict-1 1 :dict-2 2})"));
    }

    @Test
    void neuronFunctionsBindInputFields() {
        eval("(defneuron acc \"An accumulator.\" [dict-1 dict-2] {:dict (+ dict-1 dict-2)})");
        assertEquals("{:dict {:a 1 :b 2}}", eval("((neuron-type 'acc) {:dict-1 {:a 1} :dict-2 {:b 2} :ignored 5})"));
        eval("(def whole (neuron inputs {:seen inputs}))");
        assertEquals("{:seen {:x 1}}", eval("(whole {:x 1})"));
        assertEquals("t.dmm:1:1: wrong number of arguments to neuron function `whole`: got 2, expected 1 (the input map)\n    (whole 1 2)\n    ^",
                error("(whole 1 2)"));
    }

    @Test
    void cancellationStopsLoopsAtTheNextIteration() {
        interp.requestCancel();
        Cancelled e = assertThrows(Cancelled.class, () -> interp.eval("t", "(loop [i 0] (recur (+ i 1)))"));
        assertEquals("interrupted", e.getMessage());
        assertEquals("2", eval("(+ 1 1)"));
    }
}
