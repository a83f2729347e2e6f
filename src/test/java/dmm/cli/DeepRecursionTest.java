package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import dmm.lang.DmmException;
import dmm.lang.EvalError;
import dmm.lang.Interpreter;
import dmm.lang.Source;
import dmm.lang.Span;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A runaway recursion is a "stack overflow (recursion too deep)" error within seconds, with the
 * repeated calls folded into one line with a count (a cycle of calls into one entry).
 */
class DeepRecursionTest {
    @Test
    void runawayRecursionIsReportedQuicklyWithTheRepeatedCallsFolded() {
        ChildJvm.Result r = ChildJvm.dmm(List.of(), null, null, "eval", "(defn f [n] (+ 1 (f n))) (f 1)");
        assertEquals(Main.RUNTIME, r.exit(), r.toString());
        String[] lines = r.err().split("\n");
        assertEquals("<eval>:1:18: stack overflow (recursion too deep) in `f`; use loop/recur to iterate", lines[0], r.toString());
        assertTrue(lines[3].matches("  in f called at <eval>:1:18 \\(repeated \\d{4,} times\\)"), r.toString());
        assertEquals("  in f called at <eval>:1:26", lines[4], r.toString());
        assertEquals(5, lines.length, r.toString());
        assertTrue(r.millis() < 30_000, "reported within seconds, not minutes: " + r.millis() + " ms");
    }

    @Test
    void mutualRecursionFoldsTheCycleOfCalls() throws Exception {
        String[] report = new String[1];
        Thread t = new Thread(null, () -> {
            Interpreter interp = new Interpreter();
            report[0] = assertThrows(DmmException.class, () -> interp.eval("m.dmm",
                    "(defn f [n] (g n))\n(defn g [n] (+ 1 (f n)))\n(f 1)")).report();
        }, "deep", 4L << 20);
        t.start();
        t.join();
        String[] lines = report[0].split("\n");
        assertTrue(lines[0].contains("stack overflow (recursion too deep)"), report[0]);
        assertTrue(report[0].matches("(?s).*\n  \\(the 2 calls above repeated \\d{3,} times\\)\n.*"), report[0]);
        assertTrue(report[0].endsWith("  in f called at m.dmm:3:1"), report[0]);
        assertTrue(lines.length <= 8, report[0]);
    }

    @Test
    void callTracesFoldRunsAndKeepDistinctCalls() {
        Source src = Source.of("t.dmm", "(a) (b) (c)");
        Span a = new Span(src, 0, 3), b = new Span(src, 4, 7), c = new Span(src, 8, 11);
        EvalError e = new EvalError("boom", a);
        e.addCall("f", a);
        e.addCall("f", a);
        e.addCall("f", a);
        e.addCall("g", b);
        e.addCall("h", c);
        e.addCall("g", b);
        e.addCall("h", c);
        e.addCall("g", b);
        e.addCall("main", a);
        assertEquals(List.of("  in f called at t.dmm:1:1 (repeated 3 times)", "  in g called at t.dmm:1:5",
                "  in h called at t.dmm:1:9", "  (the 2 calls above repeated 2 times)", "  in g called at t.dmm:1:5",
                "  in main called at t.dmm:1:1"), e.trace());
    }
}
