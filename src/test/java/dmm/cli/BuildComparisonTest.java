package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dmm bench --compare}: two builds' flagship steps timed side by side in one JVM. */
class BuildComparisonTest {
    @Test
    void aBuildComparedWithItselfRunsBothStepsAndReportsTheirShare() throws IOException {
        List<URL> cp = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(File.pathSeparator)) if (!p.isEmpty()) cp.add(Path.of(p).toUri().toURL());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(0, BuildComparison.run(cp.toArray(URL[]::new), "the same build", 2, 3, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("3 alternated steps of each build after 2 warm-up steps"), out);
        assertTrue(out.matches("(?s).*this build\\s+wall\\s+[0-9.]+ ms.*the same build\\s+wall\\s+[0-9.]+ ms.*ratio\\s+wall\\s+[0-9.]+ %.*"), out);
    }

    /** --pruned: the same comparison on the 19-link machine (the step class of this build, loaded into both). */
    @Test
    void thePrunedStepRunsOnTheNineteenLinkMachine() throws IOException {
        List<URL> cp = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(File.pathSeparator)) if (!p.isEmpty()) cp.add(Path.of(p).toUri().toURL());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(0, BuildComparison.run(cp.toArray(URL[]::new), "the same build", true, 2, 3, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("flagship step on the 19-link machine, 3 alternated steps of each build after 2 warm-up steps"), out);
        dmm.lang.Interpreter interp = Toolkit.newInterpreter(new PrintStream(new ByteArrayOutputStream()), false);
        interp.eval("t", "(require lite)");
        assertEquals(19, new FlagshipStep.Pruned().trainable(interp).softLinkCount());
    }

    /** The bench command's options are checked before anything runs: help, an unknown option, a missing value. */
    @Test
    void benchOptionsAreCheckedBeforeAnythingRuns() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8), e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, Main.run(new String[] {"bench", "--help"}, o, e));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: dmm bench"), out.toString(StandardCharsets.UTF_8));
        assertEquals(Main.USAGE, Main.run(new String[] {"bench", "--flagshp"}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option `--flagshp`"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(Main.USAGE, Main.run(new String[] {"bench", "--json"}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--json needs a value"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(Main.USAGE, Main.run(new String[] {"bench", "--compare", "--quick"}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--compare needs a value (another build's jar"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMissingOrForeignJarIsAClearError(@TempDir Path dir) throws IOException {
        IOException missing = assertThrows(IOException.class, () -> BuildComparison.run(dir.resolve("nope.jar"), 1, 1, System.out));
        assertTrue(missing.getMessage().contains("no such jar"), missing.getMessage());
        Path foreign = Files.writeString(dir.resolve("foreign.jar"), "not a jar");
        IOException e = assertThrows(IOException.class, () -> BuildComparison.run(foreign, 1, 1, System.out));
        assertTrue(e.getMessage().contains("cannot set up the flagship step of foreign.jar"), e.getMessage());
    }
}
