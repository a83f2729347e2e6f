package dmm.machine;

import dmm.bind.MachineLib;
import static org.junit.jupiter.api.Assertions.*;

import dmm.lang.DmmException;
import dmm.lang.Interpreter;
import dmm.lang.Printer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A link naming a field its neuron's type does not declare is an error, not a dead link. */
class FieldCheckTest {
    private final Interpreter interp = new Interpreter();

    FieldCheckTest() {
        interp.setOut(new PrintStream(new ByteArrayOutputStream()));
        MachineLib.install(interp);
        interp.eval("setup", """
            (require std)
            (defnet net (neurons a accum, i identity, o output, c (const {:v 1}), t (text-driver "ab" 1), l cons-list)
              (links a.delta <- i.x))
            """);
    }

    private String eval(String text) {
        return Printer.print(interp.eval("t.dmm", text));
    }

    private String error(String text) {
        return assertThrows(DmmException.class, () -> interp.eval("t.dmm", text)).report();
    }

    @Test
    void aMissingInputFieldInALinksSectionIsAnErrorAtTheLink() {
        assertEquals("""
            t.dmm:1:38: neuron `a` (type `accum`) has no input field `nofield` (input fields of `accum`: accum, delta)
                (defnet bad (neurons a accum) (links a.nofield <- a.single))
                                                     ^""",
                error("(defnet bad (neurons a accum) (links a.nofield <- a.single))"));
    }

    @Test
    void aMissingOutputFieldPointsAtTheSourceWithTheClosestField() {
        assertEquals("""
            t.dmm:1:22: neuron `a` (type `accum`) has no output field `zzz` (output fields of `accum`: single)
                (link net a.delta <- a.zzz)
                                     ^""", error("(link net a.delta <- a.zzz)"));
        assertEquals("""
            t.dmm:1:11: neuron `a` (type `accum`) has no input field `dleta`: did you mean `delta`? (input fields of `accum`: accum, delta)
                (link net a.dleta <- 2 a.single)
                          ^""", error("(link net a.dleta <- 2 a.single)"));
        assertEquals("""
            t.dmm:1:26: neuron `a` (type `accum`) has no output field `singel`: did you mean `single`? (output fields of `accum`: single)
                (fragment net a.delta <- a.singel)
                                         ^""", error("(fragment net a.delta <- a.singel)"));
        assertEquals("""
            t.dmm:1:40: neuron `a` (type `accum`) has no output field `singel`: did you mean `single`? (output fields of `accum`: single)
                (unlink net a.delta <- i.x, a.delta <- a.singel)
                                                       ^""", error("(unlink net a.delta <- i.x, a.delta <- a.singel)"));
    }

    @Test
    void outputFieldsComeFromTheMapLiteralsABodyReturns() {
        // cons-list returns {:self ...} from both branches of an if; text-driver {:char ...} or {} from a let and an if
        assertEquals("""
            t.dmm:1:22: neuron `l` (type `cons-list`) has no output field `selff`: did you mean `self`? (output fields of `cons-list`: self)
                (link net a.delta <- l.selff)
                                     ^""", error("(link net a.delta <- l.selff)"));
        assertEquals("""
            t.dmm:1:22: neuron `t` (type `text-driver`) has no output field `chr`: did you mean `char`? (output fields of `text-driver`: char)
                (link net a.delta <- t.chr)
                                     ^""", error("(link net a.delta <- t.chr)"));
        assertEquals("""
            t.dmm:1:22: neuron `o` (type `output`) has no output field `x` (`output` has no output fields)
                (link net a.delta <- o.x)
                                     ^""", error("(link net a.delta <- o.x)"));
        eval("(defneuron events [timer] (let [t (num timer)] (cond (= t 0) {:event 1} (= t 2) {:other 2} :else {})))");
        eval("(def n2 (network n2 (neurons e events, s output) (links s.x <- e.event, s.y <- e.other)))");
        assertEquals("""
            t.dmm:1:17: neuron `e` (type `events`) has no output field `evnt`: did you mean `event`? (output fields of `events`: event, other)
                (link n2 s.z <- e.evnt)
                                ^""", error("(link n2 s.z <- e.evnt)"));
        assertEquals("""
            t.dmm:1:10: neuron `e` (type `events`) has no input field `time`: did you mean `timer`? (input fields of `events`: timer)
                (link n2 e.time <- e.event)
                         ^""", error("(link n2 e.time <- e.event)"));
    }

    @Test
    void typesThatTakeTheWholeMapOrComputeTheirOutputsAcceptAnyField() {
        assertEquals("3", eval("(link-count (link net i.anything <- 0.5 c.whatever, o.any <- i.thing))"));
        eval("(defneuron keyed [k] {(str \"k\" (num k)) 1})");
        eval("(defneuron maybe [x] (if (zero? x) {:a 1}))");
        eval("(defneuron made [x] (assoc {} :a x))");
        assertEquals("4", eval("(link-count (network z (neurons k keyed, m maybe, d made, o output) "
                + "(links o.a <- k.k1, o.b <- m.b, o.c <- d.zzz, o.d <- k.k2)))"));
        assertEquals("2", eval("(link-count (link net a.delta <- a.number))"), ":number, the scalar part, is always there");
    }

    @Test
    void addLinkAddLinksAndAddHardLinkCheckFields() {
        assertEquals("neuron `a` (type `accum`) has no input field `dleta`: did you mean `delta`? (input fields of `accum`: accum, delta)",
                bare("(add-link net 'a 'dleta 'a 'single 1)"));
        assertEquals("neuron `a` (type `accum`) has no output field `sngle`: did you mean `single`? (output fields of `accum`: single)",
                bare("(add-links net [[\"a\" \"delta\" \"a\" \"single\" 1] [\"a\" \"delta\" \"a\" \"sngle\" 1]])"));
        assertEquals("neuron `a` (type `accum`) has no output field `singl`: did you mean `single`? (output fields of `accum`: single)",
                bare("(add-hard-link net 'a 'accum 'a 'singl 1)"));
        assertEquals("""
            t.dmm:1:49: neuron `s` (type `sum-dicts`) has no input field `accum` (input fields of `sum-dicts`: dict-1, dict-2)
                (defnet acc (neurons s sum-dicts) (accumulators s))
                                                                ^""", error("(defnet acc (neurons s sum-dicts) (accumulators s))"));
    }

    private String bare(String text) {
        return assertThrows(DmmException.class, () -> interp.eval("t.dmm", text)).bareMessage();
    }

    @Test
    void matrixFilesAndMatrixValuesNamingMissingFieldsAreErrors(@TempDir Path dir) throws Exception {
        Path rank4 = dir.resolve("m4.json"), rank6 = dir.resolve("m6.json");
        Files.writeString(rank4, "{\"a\": {\"delta\": {\"a\": {\"single\": 1}}, \"dleta\": {\"a\": {\"single\": 1}}}}");
        Files.writeString(rank6, "{\"accum\": {\"a\": {\"delta\": {\"accum\": {\"a\": {\"singel\": 1}}}}}}");
        assertEquals(rank4 + ": neuron `a` (type `accum`) has no input field `dleta`: did you mean `delta`? (input fields of `accum`: accum, delta)",
                bare("(load-matrix net \"" + rank4 + "\")"));
        assertEquals(rank6 + ": neuron `a` (type `accum`) has no output field `singel`: did you mean `single`? (output fields of `accum`: single)",
                bare("(load-matrix net \"" + rank6 + "\")"));
        assertEquals("neuron `a` (type `accum`) has no input field `dleta`: did you mean `delta`? (input fields of `accum`: accum, delta)",
                bare("(with-named-matrix net {:a {:dleta {:a {:single 1}}}})"));
        assertEquals("the matrix names a field that does not exist: neuron `a` (type `accum`) has no output field `singel`: "
                + "did you mean `single`? (output fields of `accum`: single)", bare("(with-matrix net {:accum {:a {:delta {:accum {:a {:singel 1}}}}}})"));
        // a matrix naming a neuron the network does not declare still brings it to life
        assertEquals("2", eval("(link-count (add-to-matrix net {:max-norm {:newborn {:dict {:accum {:a {:single 1}}}}}}))"));
    }

    @Test
    void initialOutputsAndTheSelfFieldMustBeOutputFields() {
        assertEquals("""
            t.dmm:1:46: neuron `s` (type `accum`) has no output field `singel`: did you mean `single`? (output fields of `accum`: single)
                (defnet w (neurons s accum) (accumulators s) (self s singel))
                                                             ^""", error("(defnet w (neurons s accum) (accumulators s) (self s singel))"));
        assertEquals("""
            t.dmm:1:35: neuron `s` (type `accum`) has no output field `singel`: did you mean `single`? (output fields of `accum`: single)
                (defnet w (neurons s accum) (init s {:singel 1}))
                                                  ^""", error("(defnet w (neurons s accum) (init s {:singel 1}))"));
        assertEquals("neuron `a` (type `accum`) has no output field `x` (output fields of `accum`: single)", bare("(set-output net 'a {:single 2 :x 1})"));
        assertEquals("{:single 2}", eval("(output (set-output net 'a {:single 2 :number 3}) 'a)").replace(" :number 3", ""));
        assertEquals("{:anything 1}", eval("(output (set-output net 'i {:anything 1}) 'i)"));
    }

    @Test
    void everyStandardNetworkStillBuilds() {
        eval("(require lite)");
        assertEquals("8", eval("(link-count (duplicate-detector \"ab.\"))"));
        assertEquals("1486", eval("(link-count (feedforward \"ab.\" {}))"));
    }
}
