package dmm.api;

import static org.junit.jupiter.api.Assertions.*;

import dmm.ad.Ops;
import dmm.lang.DmmException;
import dmm.machine.Engine;
import dmm.machine.MachineError;
import dmm.machine.Network;
import dmm.machine.NeuronFunction;
import dmm.machine.Runner;
import dmm.train.Adam;
import dmm.train.Regularizer;
import dmm.train.Trainer;
import dmm.vvalue.VValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dmm embedded in Java: the API, the JSR-223 engine and the example program. */
class EmbeddingTest {
    @Test
    void valuesConvertBothWays() {
        VValue v = Dmm.vvalue(Map.of("a", 1, "b", Map.of("c", 2.5)));
        assertEquals(VValue.ofPairs("a", 1, "b", VValue.ofPairs("c", 2.5)), v);
        assertEquals(Map.of("a", 1.0, "b", Map.of("c", 2.5)), Dmm.toJava(v));
        assertEquals(3.0, Dmm.toJava(VValue.of(3)));
        assertThrows(IllegalArgumentException.class, () -> Dmm.vvalue("text"));
        assertEquals(Map.of("number", 1.0, "a", 2.0), Dmm.toJava(VValue.ofPairs("number", 1, "a", 2)), "a node's own number is kept");
        assertEquals(VValue.ofPairs("number", 1, "a", 2), Dmm.vvalue(Map.of("number", 1, "a", 2)));
        assertEquals("a node's own number (the key \"number\") must be a number, not a map",
                assertThrows(IllegalArgumentException.class, () -> Dmm.vvalue(Map.of("number", Map.of("a", 1)))).getMessage());
    }

    @Test
    void evalGetSetAndCallSpeakJava() {
        Dmm dmm = Dmm.create();
        dmm.set("x", Map.of("a", 2));
        assertEquals(VValue.ofPairs("a", 3, "b", 1), dmm.eval("(+ x {:a 1 :b 1})"));
        dmm.eval("(defn twice [v] (* 2 v))");
        assertEquals(VValue.ofPairs("a", 4), dmm.call("twice", Map.of("a", 2)));
        dmm.set("xs", List.of(1, 2));
        assertEquals(VValue.of(3), dmm.eval("(+ (first xs) (second xs))"));
    }

    @Test
    void aJavaNeuronTypeRunsInALanguageNetworkAndChecksItsFields() {
        Dmm dmm = Dmm.create().require("std");
        dmm.defineNeuron("twice", List.of("x"), List.of("y"),
                in -> Ops.makeMap(new String[] {"y"}, new Object[] {Ops.scale(VValue.of(2), Ops.get(in, "x"))}));
        Network net = (Network) dmm.eval("(network n (neurons src (const {:x 1}), t twice) (links t.x <- 0.5 src.x))");
        assertEquals(VValue.ofPairs("y", 1), dmm.run(net, 2).outputOf("t"));
        DmmException e = assertThrows(DmmException.class,
                () -> dmm.eval("(network n (neurons src (const {:x 1}), t twice) (links t.z <- 0.5 src.x))"));
        assertTrue(e.getMessage().contains("has no input field `z`"), e.getMessage());
    }

    @Test
    void aNetworkBuiltInJavaTrainsWithAProgressCallback() {
        Dmm dmm = Dmm.create().require("std");
        Network net = dmm.network("n")
                .neuron("src", (NeuronFunction) in -> VValue.ofPairs("x", 1))
                .neuron("acc", "accum")
                .link("acc.delta", 0.2, "src.x")
                .accumulator("acc", "accum", "single")
                .build();
        assertEquals(VValue.ofPairs("single", 0.2 * 3), Engine.run(net, 4).outputOf("acc"), "three cycles of 0.2 into the accumulator");
        assertEquals("neuron `acc` is declared twice",
                assertThrows(IllegalArgumentException.class, () -> dmm.network("m").neuron("acc", "accum").neuron("acc", "accum")).getMessage());
        List<Long> steps = new ArrayList<>();
        Trainer t = new Trainer(new Trainer.Host(new PrintStream(new ByteArrayOutputStream()), false, null), net,
                n -> Ops.square(Ops.subtract(Ops.get(dmm.run(n, 4).outputOf("acc"), "single"), VValue.of(3))),
                new Adam(0.05, 0.9, 0.999, 1e-8), new Regularizer(0, 0, Set.of()), null, new Trainer.Options(true, 0, 0, 0, 0));
        t.onStep(r -> steps.add(r.step()));
        t.train(300);
        assertEquals(300, steps.size());
        assertEquals(List.of(1L, 2L, 3L), steps.subList(0, 3));
        assertEquals(1.0, Ops.primal(t.network().softMatrix()).getIn("accum", "acc", "delta", "src", "src", "x").scalarPart(), 1e-3,
                "three cycles of w make 3: w = 1");
    }

    @Test
    void aPlainValueNeuronRefusesToBeTrainedThroughInsteadOfDroppingTheGradient() {
        Dmm dmm = Dmm.create().require("std");
        dmm.defineValueNeuron("plain", List.of("x"), List.of("y"), in -> VValue.ofPairs("y", in.get("x").scalarPart() * 2));
        Network net = (Network) dmm.eval("(network n (neurons src (const {:x 1}), t plain) (links t.x <- 0.5 src.x))");
        assertEquals(VValue.ofPairs("y", 1), dmm.run(net, 2).outputOf("t"), "forward it works");
        Trainer t = new Trainer(new Trainer.Host(new PrintStream(new ByteArrayOutputStream()), false, null), net,
                n -> Ops.get(dmm.run(n, 2).outputOf("t"), "y"), new Adam(0.05, 0.9, 0.999, 1e-8), new Regularizer(0, 0, Set.of()), null,
                Trainer.Options.DEFAULTS);
        MachineError e = assertThrows(MachineError.class, t::trainStep);
        assertTrue(e.getMessage().contains("no gradient can flow through it"), e.getMessage());
    }

    @Test
    void aLiveNetworkStartsAndStopsFromJava() throws Exception {
        Dmm dmm = Dmm.create().require("std");
        Network net = (Network) dmm.eval("(network n (neurons src (const {:x 1}), acc accum) (accumulators acc) (links acc.delta <- 1 src.x))");
        List<String> lines = new CopyOnWriteArrayList<>();
        Runner r = dmm.start(net, 0, lines::add);
        assertTrue(r.awaitCycle(50, 10_000));
        r.stop();
        assertTrue(r.isFinished());
        // an error in a live network started from Java is reported with the neuron and cycle
        dmm.eval("(defneuron boom [x] (/ x 0))");
        Network bad = (Network) dmm.eval("(network b (neurons src (const {:x 1}), n boom) (links n.x <- 1 src.x))");
        List<String> reports = new CopyOnWriteArrayList<>();
        Runner rb = dmm.start(bad, 0, reports::add);
        assertFalse(rb.awaitCycle(100, 10_000), "paused by the error at cycle 1 (0 / 0 is an error too)");
        rb.stop();
        String report = String.join("\n", reports);
        assertTrue(report.contains("division by zero") && report.contains("in neuron `n` (type boom) at cycle 1 of network `b`"), report);
        assertTrue(r.current().cycle() >= 50);
        assertEquals(VValue.ofPairs("single", r.current().cycle() - 1), r.current().outputOf("acc"));
    }

    @Test
    void theScriptEngineIsFoundByNameAndSharesBindingsAsVars() throws Exception {
        ScriptEngine engine = new ScriptEngineManager().getEngineByName("dmm");
        assertNotNull(engine, "registered under META-INF/services");
        assertEquals("dmm", engine.getFactory().getLanguageName());
        engine.put("x", Map.of("a", 2));
        engine.put("y", 0);
        StringWriter out = new StringWriter();
        engine.getContext().setWriter(out);
        assertEquals(VValue.ofPairs("a", 3), engine.eval("(println \"hello\") (def y (+ y 5)) (+ x {:a 1})"));
        assertEquals(VValue.of(5), engine.get("y"), "the script's def is seen by Java");
        engine.eval("(def zz 7)");
        assertEquals(VValue.of(7), engine.get("zz"), "a name the script defines comes back too");
        engine.put(ScriptEngine.FILENAME, "model.dmm");
        ScriptException named = assertThrows(ScriptException.class, () -> engine.eval("(nope)"));
        assertEquals("model.dmm", named.getFileName());
        assertEquals("hello\n", out.toString());
        ScriptException e = assertThrows(ScriptException.class, () -> engine.eval("(+ 1\n  (undefined-thing 2))"));
        assertEquals(2, e.getLineNumber());
        assertEquals(4, e.getColumnNumber());
        assertTrue(e.getMessage().contains("undefined-thing"), e.getMessage());
        assertNotNull(engine.getBindings(ScriptContext.ENGINE_SCOPE));
    }

    @Test
    void theJavaExampleCompilesRunsAndTrains(@TempDir Path dir) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK is needed to compile the example");
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int code = javac.run(null, null, diagnostics, "-cp", System.getProperty("java.class.path"), "-d", dir.toString(),
                "examples/java/EmbedDmm.java");
        assertEquals(0, code, diagnostics.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream old = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            loader.loadClass("EmbedDmm").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(old);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("links: [t.x <- 1.5 src.x]", "t.y after two cycles: 3.0000"), lines.subList(lines.size() - 2, lines.size()),
                String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("step 100  loss "), lines.get(0));
        assertTrue(Files.exists(dir.resolve("EmbedDmm.class")));
    }
}
