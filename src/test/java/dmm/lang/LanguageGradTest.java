package dmm.lang;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** Gradients through everything the language does, written in .dmm. */
class LanguageGradTest {
    private final Interpreter interp = new Interpreter();

    LanguageGradTest() {
        interp.setOut(new PrintStream(new ByteArrayOutputStream()));
    }

    private String eval(String text) {
        return Printer.print(interp.eval("t.dmm", text));
    }

    private double worstError(String f, String x) {
        return Values.toDouble(interp.eval("t.dmm", "(check-grad " + f + " " + x + " :quiet true)"), "test");
    }

    @Test
    void fanOutThroughArithmeticLetAndDictionaries() {
        assertEquals("5", eval("(grad (fn [x] (+ (* 2 x) (* 3 x))) 1)"));
        assertEquals("5", eval("(grad (fn [x] (let [a (* 2 x) b (* 3 x)] (+ a b))) 1)"));
        assertEquals("5", eval("(grad (fn [x] (let [m {:a (* 2 x) :b (* 3 x)}] (+ (get m :a) (get m :b)))) 1)"));
        assertEquals("{:p 5}", eval("(grad (fn [x] (let [m {:a (* 2 x) :b (* 3 x)}] (sum (+ (get m :a) (get m :b))))) {:p 1})"));
    }

    @Test
    void copiedOrAssocedValuesKeepTheirGradient() {
        assertEquals("{:a 4 :b 6}", eval("(grad (fn [x] (let [y (assoc x :c 1) z {:k y}] (sum (square (get-in z [:k]))))) {:a 2 :b 3})"));
        assertEquals("{:a 1}", eval("(grad (fn [x] (sum (get (assoc-in {} [:w] x) :w))) {:a 2})"));
    }

    @Test
    void getOrPassesTheGradientOfAPresentKey() {
        // get-or used to read the primal value and silently drop the gradient (0 here)
        assertEquals("{:a 3}", eval("(grad (fn [f] (* 3 (get-or f :a 7))) {:a 2 :b 3})"));
        assertEquals("{:a {:x 2}}", eval("(grad (fn [f] (sum (* 2 (get-or f \"a\" 0)))) {:a {:x 5} :b 3})"));
        assertEquals("0", eval("(grad (fn [f] (num (get-or f :c 7))) {:a 2})"), "the default carries no gradient");
        assertEquals("7", eval("(get-or {:a 2} :c 7)"));
    }

    @Test
    void branchesLoopsRecursionAndHigherOrderFunctions() {
        assertEquals("6", eval("(grad (fn [x] (if (> x 0) (* x x) (- x))) 3)"));
        assertEquals("-1", eval("(grad (fn [x] (cond (> x 0) (* x x) :else (- x))) -3)"));
        assertEquals("12", eval("(grad (fn [x] (loop [i 0 acc 0] (if (< i 4) (recur (+ i 1) (+ acc (* 3 x))) acc))) 7)"));
        eval("(defn p [x n] (if (= n 0) 1 (* x (p x (- n 1)))))");
        assertEquals("32", eval("(grad (fn [x] (p x 4)) 2)"), "d/dx x^4 = 4x^3 at 2, via recursion");
        assertEquals("{:a 2 :b 4}", eval("(grad (fn [x] (reduce + (map (fn [k] (square (get x k))) [:a :b]))) {:a 1 :b 2})"));
        assertEquals("{:a 2 :b 4}", eval("(grad (fn [x] (sum (map-leaves (fn [v] (* v v)) x))) {:a 1 :b 2})"));
        assertEquals("{:a 1}", eval("(grad (fn [x] (let [f (fn [y] (* y x))] (sum (f 1)))) {:a 5})"));
    }

    @Test
    void severalArgumentsGiveAVectorOfGradients() {
        assertEquals("[3 2]", eval("(grad (fn [x y] (* x y)) 2 3)"));
        assertEquals("[6 [3 2]]", eval("(value-and-grad (fn [x y] (* x y)) 2 3)"));
        assertEquals("[9 6]", eval("(value-and-grad (fn [x] (* x x)) 3)"));
    }

    @Test
    void stopGradientInTheLanguage() {
        assertEquals("3", eval("(grad (fn [x] (* (stop-gradient x) x)) 3)"));
    }

    @Test
    void gradientKeySetIsTheArgumentsKeySet() {
        assertEquals("{:a 1}", eval("(grad (fn [x] (sum (+ x {:zzz 5}))) {:a 2})"));
        assertEquals("{:a 0.5}", eval("(grad (fn [x] (dot x {:a 0.5 :other 9})) {:a 2 :b {:c 1}})"),
                "leaves with zero gradient are absent; no keys outside x");
    }

    @Test
    void recurrentComputationOver100StepsMatchesFiniteDifferences() {
        eval("""
            (defn rnn-loss [w]
              (loop [t 0 h {:a 0.1 :b -0.2}]
                (if (< t 100)
                  (recur (+ t 1)
                         (tanh (+ (* (num (get w :decay)) h)
                                  (lincomb (get w :mix) {:h h})
                                  {:a (* 0.01 t)})))
                  (dot h h))))""");
        double err = worstError("rnn-loss", "{:decay 0.9 :mix {:h {:a 0.05 :b -0.03}}}");
        assertTrue(err <= 1e-6, "worst relative error " + err);
    }

    @Test
    void nestedGradIsAClearError() {
        DmmException e = assertThrows(DmmException.class, () -> interp.eval("t", "(grad (fn [x] (grad (fn [y] (* x y)) 1)) 2)"));
        assertEquals("""
            t:1:15: nested grad is not supported: a gradient is already being computed on this thread (the function passed to grad calls grad again)
                (grad (fn [x] (grad (fn [y] (* x y)) 1)) 2)
                              ^
              in grad called at t:1:1""", e.report());
    }

    @Test
    void gradOfNonNumberIsAClearError() {
        DmmException e = assertThrows(DmmException.class, () -> interp.eval("t", "(grad (fn [x] \"s\") 2)"));
        assertEquals("t:1:1: the function given to grad must return a number, got the string \"s\"\n    (grad (fn [x] \"s\") 2)\n    ^", e.report());
    }
}
