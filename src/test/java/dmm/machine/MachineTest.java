package dmm.machine;

import static org.junit.jupiter.api.Assertions.*;

import dmm.bind.LanguageNeurons;
import dmm.bind.MachineLib;
import dmm.lang.DmmException;
import dmm.lang.Interpreter;
import dmm.lang.Printer;
import dmm.lang.Values;
import dmm.vvalue.VValue;
import dmm.vvalue.VValueJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MachineTest {
    private final Interpreter interp = new Interpreter();

    MachineTest() {
        interp.setOut(new PrintStream(new ByteArrayOutputStream()));
        MachineLib.install(interp);
    }

    private Object eval(String text) {
        return interp.eval("t.dmm", text);
    }

    private String str(String text) {
        return Printer.print(eval(text));
    }

    private String error(String text) {
        return assertThrows(DmmException.class, () -> eval(text)).report();
    }

    @Test
    void duplicateDetectorProducesThePublishedOutputs() {
        eval("(require lite) (def obs (observe (duplicate-detector \"test string.\") 140 :inputs [:output]))");
        List<?> obs = (List<?>) eval("obs");
        assertEquals(140, obs.size());
        for (int c = 1; c <= 140; c++) {
            VValue o = Values.vvalue(obs.get(c - 1), "test").get("output");
            double d1 = o.get("dict-1").scalarPart(), d2 = o.get("dict-2").scalarPart();
            double e1 = c < 35 ? 0 : c < 65 ? 1 : 2;
            double e2 = c < 114 ? 0 : c < 124 ? 1 : c < 134 ? 2 : 3;
            assertEquals(e1, d1, "dict-1 at cycle " + c);
            assertEquals(e2, d2, "dict-2 at cycle " + c);
        }
    }

    @Test
    void feedforwardHasThePublishedLinkCounts() {
        eval("(require lite) (def ff (feedforward \"test string.\" {}))");
        assertEquals("1486", str("(link-count ff)"));
        assertEquals("12", str("(count (links (hard-matrix ff)))"));
        assertEquals("45", str("(count (neuron-names ff))"));
        // seeded: the same seed gives the same matrix, another seed another one
        assertEquals("true", str("(= (matrix ff) (matrix (feedforward \"test string.\" {:seed 1})))"));
        assertEquals("false", str("(= (matrix ff) (matrix (feedforward \"test string.\" {:seed 2})))"));
    }

    @Test
    void selfModifyingWaveCyclesTheDeltaRow() {
        eval("(load \"examples/self-modifying.dmm\")");
        Network net = (Network) eval("wave");
        String[] expected = {"update-2", "update-3", "update-1"};
        for (int c = 1; c <= 12; c++) {
            net = Engine.step(net, LanguageNeurons.context(interp));
            VValue row = Values.vvalue(net.softMatrix(), "test").getIn("accum", "self", "delta", "identity");
            assertEquals(List.of(expected[(c - 1) % 3]), row.keys(), "self.delta row after cycle " + c);
            assertEquals(1.0, row.getIn(expected[(c - 1) % 3], "result").scalarPart());
        }
    }

    @Test
    void fragmentEmittedAtCycleTIsInTheMatrixAtTPlusOneAndShapesInputsAtTPlusTwo() {
        eval("""
            (require std)
            (defn emit-at-3 "A neuron type that emits frag on :frag in cycle 3 only." [frag]
              (neuron [timer] (if (= (num timer) 2) {:frag frag} {})))
            (defnet grow
              (neurons self accum, timer timer, src (const {:v {:x 1}}), sink identity,
                       emitter (emit-at-3 {:identity {:sink {:in {:const {:src {:v 2}}}}}}))
              (accumulators self)
              (hard timer.timer <- timer.timer, emitter.timer <- timer.timer)
              (links self.delta <- emitter.frag)
              (self self))
            """);
        Network net = (Network) eval("grow");
        long linkedAt = -1, inputAt = -1;
        for (int c = 1; c <= 6; c++) {
            net = Engine.step(net, LanguageNeurons.context(interp));
            VValue w = Values.vvalue(net.softMatrix(), "t");
            if (linkedAt < 0 && !w.getIn("identity", "sink", "in").isZero()) linkedAt = c;
            if (inputAt < 0 && !Values.vvalue(net.inputOf("sink"), "t").isZero()) inputAt = c;
        }
        assertEquals(4, linkedAt, "fragment emitted in the up movement of cycle 3 is in W's output at cycle 4");
        assertEquals(5, inputAt, "and shapes the inputs at cycle 5");
    }

    @Test
    void aRowNamingANewNeuronBringsItToLife() {
        eval("""
            (require std)
            (defnet net (neurons src (const {:v 3}), sink output))
            (def net2 (add-to-matrix net {:max-norm {:newborn {:dict {:const {:src {:v 1}}}}}}))
            """);
        assertEquals("3", str("(num (get-in (outputs (run net2 2)) [:max-norm :newborn :norm]))"));
        assertEquals("""
            t.dmm:1:1: the matrix names neuron `n` of type `no-such-type`, but no neuron type `no-such-type` is defined (defneuron no-such-type ...)
                (step (add-to-matrix net {:no-such-type {:n {:x {:const {:src {:v 1}}}}}}))
                ^""", error("(step (add-to-matrix net {:no-such-type {:n {:x {:const {:src {:v 1}}}}}}))"));
    }

    @Test
    void redefiningANeuronTypeChangesTheNetworkFromTheNextCycle() {
        eval("""
            (defneuron counter [c] {:c (+ (num c) 1)})
            (defnet n (neurons k counter) (hard k.c <- k.c))
            (def n1 (run n 3))
            (defneuron counter [c] {:c (+ (num c) 10)})
            (def n2 (run n1 2))
            """);
        assertEquals("3", str("(num (get (output n1 'k) :c))"));
        assertEquals("23", str("(num (get (output n2 'k) :c))"));
    }

    @Test
    void namedMatrixViewRoundTrips() {
        eval("(require lite) (def ff (feedforward \"ab\" {:layers 2 :copies 1}))");
        assertEquals("true", str("(= (matrix ff) (matrix (with-named-matrix ff (named-matrix ff))))"));
        assertEquals("true", str("(= (leaf-count (named-matrix ff)) (link-count ff))"));
    }

    @Test
    void withMatrixRejectsRowsWhoseTypesContradictTheDeclarations() {
        eval("(require lite) (def a (feedforward \"ab\" {:layers 1 :copies 1})) (def b (feedforward \"ab\" {:layers 1 :copies 1 :published 1}))");
        assertEquals("""
            t.dmm:1:1: the matrix names neuron `accum-1-1` with type `sum-dicts`, but network `feedforward` declares it as \
            `sum-dicts-published` (to move a matrix between networks whose types differ, use (with-named-matrix net (named-matrix m)))
                (with-matrix b (matrix a))
                ^""", error("(with-matrix b (matrix a))"));
        assertEquals("true", str("(= (named-matrix a) (named-matrix (with-named-matrix b (named-matrix a))))"));
    }

    @Test
    void matricesSaveAndLoadInBothLayouts(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        eval("(require lite) (def ff (feedforward \"ab\" {:layers 2 :copies 1})) (def blank (feedforward \"ab\" {:layers 2 :copies 1 :init 0}))");
        String p4 = dir.resolve("m4.json").toString().replace("\\", "/"), p6 = dir.resolve("m6.json").toString().replace("\\", "/");
        eval("(save-matrix ff \"" + p4 + "\") (save-matrix ff \"" + p6 + "\" :rank 6)");
        assertEquals("true", str("(= (matrix ff) (matrix (load-matrix blank \"" + p4 + "\")))"));
        assertEquals("true", str("(= (matrix ff) (matrix (load-matrix blank \"" + p6 + "\")))"));
        assertEquals(eval("(named-matrix ff)"), VValueJson.readFile(dir.resolve("m4.json")), "rank 4 is keyed by neuron names");
        assertEquals(eval("(matrix ff)"), VValueJson.readFile(dir.resolve("m6.json")), "rank 6 is keyed by types, then neuron names");
        Files.writeString(dir.resolve("bad.json"), "{\"ghost\": {\"x\": {\"input\": {\"char\": 1}}}, \"output\": {\"dict-1\": {\"phantom\": {\"y\": 2}}}}");
        String bad = dir.resolve("bad.json").toString().replace("\\", "/");
        assertEquals("t.dmm:1:1: " + bad + " names neurons that network `feedforward` does not declare: ghost, phantom\n"
                + "    (load-matrix blank \"" + bad + "\")\n    ^", error("(load-matrix blank \"" + bad + "\")"));
        Files.writeString(dir.resolve("shallow.json"), "{\"output\": {\"dict-1\": 1}}");
        String shallow = dir.resolve("shallow.json").toString().replace("\\", "/");
        assertEquals("t.dmm:1:1: " + shallow + ": not a matrix: leaves at depth 2 (a rank-4 matrix has them at depth 4, a rank-6 one at depth 6)\n"
                + "    (load-matrix blank \"" + shallow + "\")\n    ^", error("(load-matrix blank \"" + shallow + "\")"));
    }

    @Test
    void graphWritesDotAndRendersWithGraphvizWhenInstalled(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        eval("(require lite) (def d (duplicate-detector \"ab\"))");
        String dotFile = dir.resolve("d.dot").toString().replace("\\", "/");
        eval("(graph d \"" + dotFile + "\")");
        assertEquals(eval("(to-dot d)"), Files.readString(dir.resolve("d.dot")), "the file holds the network's DOT text");
        String svg = dir.resolve("d.svg").toString().replace("\\", "/");
        boolean haveDot;
        try {
            haveDot = new ProcessBuilder("dot", "-V").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            haveDot = false;
        }
        if (haveDot) {
            eval("(graph d \"" + svg + "\")");
            String rendered = Files.readString(dir.resolve("d.svg"));
            assertTrue(rendered.contains("<svg") && rendered.contains("<title>duplicates</title>"), rendered);
            assertEquals(9, rendered.split("class=\"node\"", -1).length - 1, "one node per neuron: " + rendered);
            assertEquals(11, rendered.split("class=\"edge\"", -1).length - 1, "one edge per link: " + rendered);
        } else {
            assertEquals("t.dmm:1:1: Graphviz `dot` is not installed: write a .dot file instead, or install graphviz\n"
                    + "    (graph d \"" + svg + "\")\n    ^", error("(graph d \"" + svg + "\")"));
        }
    }

    @Test
    void linkAndUnlinkAreAdditive() {
        eval("(require std) (defnet n (neurons a identity, b identity) (links a.x <- 0.5 b.y))");
        assertEquals("[\"a.x <- 0.75 b.y\"]", str("(links (link n a.x <- 0.25 b.y))"));
        assertEquals("[]", str("(links (unlink n a.x <- b.y))"));
        assertEquals("""
            t.dmm:1:11: there is no link a.x <- b.z to remove
                (unlink n a.x <- b.z)
                          ^""", error("(unlink n a.x <- b.z)"));
    }

    @Test
    void errorsNameTheNeuronTheCycleAndThePlace() {
        eval("(require std)");
        assertEquals("""
            t.dmm:1:48: network `bad` has no neuron `ghost` (neurons: a)
                (defnet bad (neurons a identity) (links a.x <- ghost.y))
                                                               ^""", error("(defnet bad (neurons a identity) (links a.x <- ghost.y))"));
        assertEquals("""
            t.dmm:1:24: unknown neuron type `idnetity` for neuron `a` (define it with defneuron, or (require std))
                (defnet bad (neurons a idnetity))
                                       ^""", error("(defnet bad (neurons a idnetity))"));
        assertEquals("""
            t.dmm:1:48: expected the link source `neuron.field` after the weight
                (defnet bad (neurons a identity) (links a.x <- 0.5))
                                                               ^""", error("(defnet bad (neurons a identity) (links a.x <- 0.5))"));
        eval("(defneuron broken [x] \"not a map\") (defnet b (neurons n broken))");
        assertEquals("""
            t.dmm:1:1: the neuron type `broken` returned the string "not a map"; a neuron must return a V-value \
            (a map from output fields to values)
                (run b 3)
                ^
              in neuron `n` (type broken) at cycle 1 of network `b`""", error("(run b 3)"));
        eval("(defneuron thrower [x] (/ x 0)) (defnet c (neurons n thrower))");
        assertEquals("""
            t.dmm:1:24: division by zero
                (defneuron thrower [x] (/ x 0)) (defnet c (neurons n thrower))
                                       ^
              in neuron `n` (type thrower) at cycle 1 of network `c`
              in run called at t.dmm:1:1""", error("(run c 3)"));
        assertEquals("""
            t.dmm:1:1: network `b` has no neuron `nope` (neurons: n)
                (output b 'nope)
                ^""", error("(output b 'nope)"));
    }

    @Test
    void dotRenderingListsNeuronsAndLinks() {
        eval("(require lite)");
        String dot = (String) eval("(to-dot (duplicate-detector \"ab\"))");
        // one node per neuron (name and type), one edge per soft link, hard links dashed
        assertEquals("""
            digraph "duplicates" {
              rankdir=LR;
              node [shape=box, fontname="Helvetica"];
              edge [fontname="Helvetica", fontsize=10];
              "timer" [label="timer\\n(timer)"];
              "input" [label="input\\n(text-driver)"];
              "accum" [label="accum\\n(sum-dicts)"];
              "norm" [label="norm\\n(max-norm)"];
              "const_1" [label="const_1\\n(const-1)"];
              "compare" [label="compare\\n(compare)"];
              "eos" [label="eos\\n(const-end)"];
              "dot" [label="dot\\n(dot)"];
              "output" [label="output\\n(output)"];
              "norm" -> "compare" [label="norm → dict-1"];
              "const_1" -> "compare" [label="const_1 → dict-2"];
              "accum" -> "dot" [label="dict → dict-1"];
              "eos" -> "dot" [label="char → dict-2"];
              "accum" -> "norm" [label="dict → dict"];
              "compare" -> "output" [label="true → dict-1"];
              "dot" -> "output" [label="dot → dict-2"];
              "input" -> "accum" [label="char → dict-2"];
              "accum" -> "accum" [label="dict → dict-1", style=dashed];
              "timer" -> "input" [label="timer → timer", style=dashed];
              "timer" -> "timer" [label="timer → timer", style=dashed];
            }
            """, dot);
    }
}
