package dmm.lang;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** The scalar built-ins at 0, as a researcher types them. */
class MathAtZeroTest {
    private final Interpreter interp = new Interpreter();

    MathAtZeroTest() {
        interp.setOut(new PrintStream(new ByteArrayOutputStream()));
    }

    private String eval(String text) {
        return Printer.print(interp.eval("t.dmm", text));
    }

    private String error(String text) {
        return assertThrows(DmmException.class, () -> interp.eval("t.dmm", text)).report();
    }

    @Test
    void scalarFunctionsOfZeroAreTheirMathematicalValues() {
        assertEquals("[1 0.5 0 0 1 1 0]", eval("[(exp 0) (sigmoid 0) (tanh 0) (sqrt 0) (pow 0 0) (clamp 0 1 2) (square 0)]"));
        assertEquals("[1 0.25 1 0 2 1]", eval("[(grad exp 0) (grad sigmoid 0) (grad tanh 0) (grad square 0) (grad (fn [x] (* 2 x)) 0) (grad (fn [x] (sum x)) 0)]"));
        double worst = Values.toDouble(interp.eval("t.dmm", "(check-grad (fn [x] (+ (exp x) (sigmoid x) (tanh x))) 0 :quiet true)"), "test");
        assertTrue(worst < 1e-6, "check-grad at 0: " + worst);
    }

    @Test
    void onMapsOnlyPresentLeavesAreMapped() {
        assertEquals("{:a 2}", eval("(exp {:a (log 2) :b 0})"), "no :number 1, no :b 1: absent leaves stay absent");
        assertEquals("[[\"a\" \"b\"] 0]", eval("(let [s (sigmoid {:a 1 :b {:c 2}})] [(keys s) (num s)])"));
        assertEquals("1", eval("(exp {:a 0})"), "a map whose leaves are all 0 is the number 0");
        assertEquals("{:a 2}", eval("(grad (fn [v] (sum (exp v))) {:a (log 2)})"));
    }

    @Test
    void logOfZeroIsAnErrorAtTheCall() {
        assertEquals("t.dmm:1:1: log of 0\n    (log 0)\n    ^", error("(log 0)"));
        assertEquals("t.dmm:1:1: log of a negative number: -2\n    (log -2)\n    ^", error("(log -2)"));
        assertEquals("t.dmm:1:1: log of a negative number: -3\n    (log {:a 1 :b 0.5 :c -3})\n    ^", error("(log {:a 1 :b 0.5 :c -3})"));
        assertEquals("t.dmm:1:1: 0 to the negative power -1\n    (pow 0 -1)\n    ^", error("(pow 0 -1)"));
    }
}
