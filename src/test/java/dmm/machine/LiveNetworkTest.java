package dmm.machine;

import static org.junit.jupiter.api.Assertions.*;

import dmm.bind.MachineLib;
import dmm.cancel.Cancelled;
import dmm.lang.Interpreter;
import dmm.lang.Printer;
import dmm.vvalue.VValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Networks running in the background while they are redefined and rewired from another thread. */
class LiveNetworkTest {
    private final Interpreter interp = new Interpreter();
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());

    LiveNetworkTest() {
        interp.setOut(new PrintStream(new ByteArrayOutputStream()));
        interp.setNotifier(notes::add);
        MachineLib.install(interp);
        interp.eval("setup", """
            (require std)
            (defneuron tagger "Emits its version." [x] {:v 1})
            (defnet live
              (neurons a tagger, b tagger, c tagger, src (const {:x 1}), sink identity)
              (links sink.in <- src.x))
            """);
    }

    @AfterEach
    void stopAll() {
        MachineLib.runners(interp).stopAll();
    }

    private Object eval(String text) {
        return interp.eval("t", text);
    }

    private static final Pattern LINE = Pattern.compile("\\[live\\]\\s+(\\d+)\\s+a \\{:v (\\d)\\}\\s+b \\{:v (\\d)\\}\\s+c \\{:v (\\d)\\}\\s+sink (0|\\{[^}]*\\})");

    /**
     * A redefinition that lands while a cycle is resolving its neurons' functions (here made
     * deterministic: resolving `b` redefines the type, as another thread could) does not split
     * the cycle: all three neurons of the type run the same definition.
     */
    @Test
    void aRedefinitionWhileACycleResolvesItsFunctionsDoesNotSplitTheCycle() {
        NeuronFunction v1 = in -> VValue.of("v", VValue.of(1));
        NeuronFunction v2 = in -> VValue.of("v", VValue.of(2));
        AtomicReference<NeuronFunction> type = new AtomicReference<>(v1);
        AtomicBoolean redefined = new AtomicBoolean();
        Network net = (Network) eval("live");
        net = net.withNeuron(new NeuronDecl("a", "tagger", type::get))
                .withNeuron(new NeuronDecl("b", "tagger", () -> {
                    if (!redefined.getAndSet(true)) type.set(v2);   // the redefinition lands between a and c
                    return type.get();
                }))
                .withNeuron(new NeuronDecl("c", "tagger", type::get));
        Network next = Engine.run(net, 1);
        for (String n : List.of("a", "b", "c")) assertEquals(VValue.of("v", VValue.of(2)), next.outputOf(n), n);
    }

    @Test
    void redefinitionAndWeightEditTakeEffectAtACycleBoundaryWithoutMixing() throws Exception {
        Runner r = (Runner) eval("(start! live :rate 0 :watch [:a :b :c :sink])");
        assertTrue(r.awaitCycle(200, 10_000));
        eval("(defneuron tagger \"Emits its version.\" [x] {:v 2})");
        long redefinedAround = r.current().cycle();
        assertTrue(r.awaitCycle(redefinedAround + 200, 10_000));
        eval("(link! live sink.in <- 2 src.x)");
        long linkedAround = r.current().cycle();
        assertTrue(r.awaitCycle(linkedAround + 200, 10_000));
        eval("(stop! live)");

        int lastVersion = 1, switches = 0;
        List<String> sinkPhases = new ArrayList<>();
        long lastCycle = 0;
        List<String> lines = new ArrayList<>(notes);
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.find(), "unexpected line: " + line);
            long cycle = Long.parseLong(m.group(1));
            assertEquals(lastCycle + 1, cycle, "every cycle is reported once, in order");
            lastCycle = cycle;
            int va = Integer.parseInt(m.group(2)), vb = Integer.parseInt(m.group(3)), vc = Integer.parseInt(m.group(4));
            assertTrue(va == vb && vb == vc, "cycle " + cycle + " mixes definitions: " + line);
            assertTrue(va >= lastVersion, "definitions never go back");
            if (va != lastVersion) switches++;
            lastVersion = va;
            String sink = m.group(5);
            if (sinkPhases.isEmpty() || !sinkPhases.get(sinkPhases.size() - 1).equals(sink)) sinkPhases.add(sink);
        }
        assertEquals(1, switches, "exactly one switch from the old to the new definition");
        assertEquals(2, lastVersion);
        assertEquals(List.of("0", "{:in 1}", "{:in 3}"), sinkPhases, "one switch of the weight: 1, then 1 + 2 after the additive link!");
    }

    @Test
    void aThrowingRedefinitionPausesKeepsStateAndCanBeRestored() throws Exception {
        Runner r = (Runner) eval("(start! live :rate 0)");
        assertTrue(r.awaitCycle(50, 10_000));
        eval("(defneuron tagger [x] (/ x 0))");
        for (int i = 0; i < 200 && !r.isPaused(); i++) Thread.sleep(10);
        assertTrue(r.isPaused(), "the runner pauses on the error");
        long kept = r.current().cycle();
        String error = "t:1:23: division by zero\n"
                + "    (defneuron tagger [x] (/ x 0))\n"
                + "                          ^\n"
                + "  in neuron `a` (type tagger) at cycle " + (kept + 1) + " of network `live`";
        assertEquals(error, r.lastError());
        assertEquals(List.of("[live] paused at cycle " + (kept + 1) + " (the network keeps cycle " + kept + "):\n" + error
                + "\n  fix the definition and (resume! live), or (restore! 'tagger) to bring back its previous definition"), notes);
        Thread.sleep(50);
        assertEquals(kept, r.current().cycle(), "no cycle runs while paused");
        assertEquals("{:v 1}", Printer.print(r.current().outputOf("a")), "state of the last good cycle");
        eval("(restore! 'tagger)");
        eval("(resume! live)");
        assertTrue(r.awaitCycle(kept + 20, 10_000));
        assertFalse(r.isPaused());
    }

    @Test
    void injectAndFragmentsAreAppliedAtTheBoundary() throws Exception {
        Runner r = (Runner) eval("(start! live :rate 0)");
        assertTrue(r.awaitCycle(5, 10_000));
        eval("(watch live 'sink :every 1000)");
        eval("(pause! live)");
        for (int i = 0; i < 100 && !r.isPaused(); i++) Thread.sleep(5);
        eval("(send-fragment! live (fragment (current live) sink.extra <- 0.5 src.x))");
        eval("(resume! live)");
        long c = r.current().cycle();
        assertTrue(r.awaitCycle(c + 3, 10_000));
        assertEquals("{:extra 0.5 :in 1}", Printer.print(r.current().inputOf("sink")));
    }

    @Test
    void aSelfReferentialNetworkAppliesFragmentsSentThroughItsUpdateNeuron() throws Exception {
        eval("""
            (defnet selfish
              (neurons self accum, editor identity, src (const {:x 1}), sink identity)
              (accumulators self)
              (links self.delta <- editor.fragment)
              (self self))
            """);
        Runner r = (Runner) eval("(start! selfish :rate 0 :pause-at 5)");
        assertTrue(r.awaitCycle(5, 10_000));
        // the DMM 1.0 live-coding protocol: the edit is a fragment on the update neuron's output
        eval("(inject! selfish 'editor {:fragment (fragment (current selfish) sink.in <- 3 src.x)})");
        eval("(pause-at! selfish 8) (resume! selfish)");
        assertTrue(r.awaitCycle(8, 10_000));
        Network n = r.current();
        assertEquals("[\"self.delta <- 1 editor.fragment\" \"sink.in <- 3 src.x\"]", Printer.print(eval("(links (current selfish))")));
        assertEquals("{:in 3}", Printer.print(n.inputOf("sink")), "the network rewired itself");
    }

    @Test
    void cancellingALongRunLeavesTheNetworkValueUntouched() {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
                return;
            }
            interp.requestCancel();
        });
        t.start();
        assertThrows(Cancelled.class, () -> eval("(def live2 (run live 100000000))"));
        assertEquals("0", Printer.print(eval("(cycle live)")));
        assertFalse(interp.findVar("live2").isBound());
    }
}
