package dmm.repl;

import static org.junit.jupiter.api.Assertions.*;

import dmm.lang.Interpreter;
import dmm.bind.MachineLib;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** examples/live-session.dmm piped through the REPL, as `./dmm repl < examples/live-session.dmm` does. */
class ReplSessionTest {
    @Test
    void liveSessionRedefinesAndRewiresARunningNetwork() throws Exception {
        Interpreter interp = new Interpreter();
        MachineLib.install(interp);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        interp.setOut(out);
        int status;
        try (BufferedReader in = Files.newBufferedReader(Path.of("examples/live-session.dmm"))) {
            status = Repl.piped(interp, in, out, out);
        }
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, s);
        // 1 per cycle until cycle 10, then 10 per cycle (the redefinition), then 5 (the weight edit)
        for (String line : new String[] {"[live]     5  acc {:single 4}", "[live]    10  acc {:single 9}",
                "[live]    15  acc {:single 50}", "[live]    20  acc {:single 100}", "[live]    25  acc {:single 125}",
                "[live]    30  acc {:single 150}", "[live]    35  acc {:single 175}"})
            assertTrue(s.contains(line), "missing " + line + " in\n" + s);
        assertTrue(s.contains("[live] paused at cycle 31 (the network keeps cycle 30)"), s);
        assertTrue(s.contains("division by zero"), s);
        assertTrue(s.contains("restored the previous definition of `pulse`"), s);
        assertFalse(s.contains("\nnil\nnil\n"), "comment-only lines print nothing");
    }
}
