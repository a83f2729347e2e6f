package dmm.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dmm.lang.DmmException;
import dmm.lang.Interpreter;
import dmm.lang.Printer;
import dmm.lang.Values;
import org.junit.jupiter.api.Test;

/**
 * lib-dmm/repair.dmm: a circuit written into a network, and each damage operation, on small
 * networks whose matrices are checked exactly; the handcrafted detector written into the
 * feedforward network is the handcrafted detector.
 */
class RepairLibTest {
    private final Interpreter interp = TestInterpreters.quiet("""
            (require repair)
            (require detector)
            (def small (network small (neurons a identity, b identity, c identity)
                         (links a.x <- 2 b.y, a.x <- 3 c.z, b.y <- -1 c.z)))
            (def l1 ["a" "x" "b" "y"])
            (def dense (feedforward "x." {:seed 1}))
            """);

    private String matrixAfter(String expr) {
        return Printer.print(interp.eval("t.dmm", "(named-matrix " + expr + ")"));
    }

    private String eval(String text) {
        return Printer.print(interp.eval("t.dmm", text));
    }

    @Test
    void deleteLinkRemovesExactlyThatLink() {
        assertEquals("{:a {:x {:c {:z 3}}} :b {:y {:c {:z -1}}}}", matrixAfter("(delete-link small l1)"));
    }

    @Test
    void flipAndScaleChangeExactlyOneWeight() {
        assertEquals("{:a {:x {:b {:y -2} :c {:z 3}}} :b {:y {:c {:z -1}}}}", matrixAfter("(flip-link small l1)"));
        assertEquals("{:a {:x {:b {:y 1} :c {:z 3}}} :b {:y {:c {:z -1}}}}", matrixAfter("(scale-link small l1 0.5)"));
    }

    @Test
    void scaleLinksScalesEveryWeight() {
        assertEquals("{:a {:x {:b {:y 4} :c {:z 6}}} :b {:y {:c {:z -2}}}}", matrixAfter("(scale-links small 2)"));
    }

    @Test
    void addNoiseDrawsOneNormalPerLinkOfTheTemplateInItsOrder() {
        // the template's links, in the matrix's order: a.x <- b.y, a.x <- c.z, b.y <- c.z, c.w <- a.x (new)
        interp.eval("t.dmm", """
                (def template (network t (neurons a identity, b identity, c identity)
                                (links a.x <- 1 b.y, a.x <- 1 c.z, b.y <- 1 c.z, c.w <- 1 a.x)))
                (seed! 7)
                (def n1 (rand-normal)) (def n2 (rand-normal)) (def n3 (rand-normal)) (def n4 (rand-normal))
                """);
        String expected = eval("{:a {:x {:b {:y (+ 2 (* 0.5 n1))} :c {:z (+ 3 (* 0.5 n2))}}} :b {:y {:c {:z (+ -1 (* 0.5 n3))}}}"
                + " :c {:w {:a {:x (* 0.5 n4)}}}}");
        assertEquals(expected, matrixAfter("(add-noise small 0.5 7 template)"));
        assertEquals(matrixAfter("(add-noise small 0.5 7 template)"), matrixAfter("(add-noise small 0.5 7 template)"), "seeded");
    }

    @Test
    void rewireMovesALinkToAnotherOutputOfTheSameLayer() {
        interp.eval("t.dmm", "(def net (embed-circuit dense handcrafted-circuit 0 1))");
        for (int seed = 1; seed <= 5; seed++) {
            String links = eval("(links (rewire-link net (nth handcrafted-circuit 1) " + seed + " 5 2))");
            assertTrue(!links.contains("norm-2-1.dict <- 1 accum-1-1.dict"), links);
            // the moved link reads another layer-1 output with the same weight; the other 7 stay
            assertTrue(links.matches(".*norm-2-1\\.dict <- 1 (accum-1-2\\.dict|norm-1-[12]\\.norm|dot-1-[12]\\.dot|compare-1-[12]\\.(true|false)).*"), links);
            assertEquals("8", eval("(link-count (rewire-link net (nth handcrafted-circuit 1) " + seed + " 5 2))"));
        }
        assertEquals(eval("(links (rewire-link net (nth handcrafted-circuit 1) 3 5 2))"),
                eval("(links (rewire-link net (nth handcrafted-circuit 1) 3 5 2))"), "seeded");
    }

    @Test
    void embedCircuitKeepsOnlyTheCircuitOrNoiseElsewhere() {
        assertEquals("8", eval("(link-count (embed-circuit dense handcrafted-circuit 0 1))"));
        assertEquals("{:exact 1 :present 8}", eval("(circuit-links-present (embed-circuit dense handcrafted-circuit 0 1) handcrafted-circuit)"));
        assertEquals("1486", eval("(link-count (embed-circuit dense handcrafted-circuit 0.01 1))"));
        assertEquals("1", eval("(weight-at (named-matrix (embed-circuit dense handcrafted-circuit 0.01 1)) [\"norm-2-1\" \"dict\" \"accum-1-1\" \"dict\"])"));
        DmmException e = assertThrows(DmmException.class,
                () -> interp.eval("t.dmm", "(embed-circuit dense [[\"output\" \"dict-1\" \"nobody\" \"x\" 1]] 0 1)"));
        assertTrue(e.getMessage().contains("embed-circuit: output.dict-1 <- nobody.x is not a soft link of the network"), e.getMessage());
    }

    @Test
    void damageNamesWhatIsWrong() {
        interp.eval("t.dmm", "(def net (embed-circuit dense handcrafted-circuit 0 1))");
        assertTrue(message("(damage net \"melt\" {} handcrafted-circuit dense)").contains("unknown kind `melt`"));
        assertTrue(message("(damage net \"scale\" {:link 1} handcrafted-circuit dense)").contains("damage scale needs :factor"));
        assertTrue(message("(damage net \"delete\" {:link 9} handcrafted-circuit dense)").contains(":link must be 1..8, got 9"));
        assertEquals("7", eval("(link-count (damage net \"delete\" {:link 3} handcrafted-circuit dense))"));
        assertEquals("1486", eval("(link-count (damage net \"noise\" {:sigma 0.05 :seed 2} handcrafted-circuit dense))"));
    }

    private String message(String text) {
        return assertThrows(DmmException.class, () -> interp.eval("t.dmm", text)).getMessage();
    }

    /** The handcrafted detector written into the 1486-link network is the handcrafted detector, on strings of all three validation sets. */
    @Test
    void theEmbeddedUndamagedCircuitIsTheHandcraftedDetector() {
        interp.eval("t.dmm", """
                (defn sc [s] (string-loss s {:seed 1} (string-window s)))
                (def net (embed-circuit dense handcrafted-circuit 0 1))
                (def strings (concat (random-strings 10 :seed 1001 :alphabet train-alphabet) (random-strings 10 :seed 2001)
                                     (random-strings 10 :seed 3001 :alphabet unseen-alphabet)))
                """);
        double worst = Values.toDouble(interp.eval("t.dmm", "(reduce max 0 (item-losses (batch-loss strings sc :batch 0) net))"), "worst");
        assertTrue(worst <= 1e-20, "worst prereg " + worst);
    }
}
