package dmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signal is how people leave (a closed terminal is SIGHUP, a batch system's kill is SIGTERM):
 * {@code dmm run} stops its training at the next step boundary and writes checkpoint, log and
 * plot before it exits, in the foreground and the background alike; a program that ends while a
 * background run goes on waits for it.
 */
class SignalStopTest {
    private static String program(Path dir, String trainCall) {
        return """
                (require lite) (require train)
                (def tr (trainer (feedforward "abcab." {:layers 2 :copies 1 :init 0.1 :seed 2})
                                 :loss (imitation-loss (duplicate-detector "abcab.") 30 [:output])
                                 :log "%s" :progress-every 10 :checkpoint-every 1000000 :checkpoint-seconds 1000000))
                %s
                """.formatted(dir.resolve("t").toString().replace("\\", "/"), trainCall);
    }

    private record Ended(int exit, List<String> out) {}

    /** Runs {@code dmm run FILE} in a child JVM, sends {@code signal} once 30 steps are done, returns its exit status and output. */
    private static Ended runAndSignal(Path file, String signal) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "run", file.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        List<String> out = new ArrayList<>();
        boolean sent = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.add(line);
                if (!sent && line.contains("train step 30 ")) {
                    new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
                    sent = true;
                }
            }
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child ended");
        assertTrue(sent, "training started: " + out);
        return new Ended(p.exitValue(), out);
    }

    /** The checkpoint holds the last step the log has: nothing trained after it was lost. */
    private static void assertWrittenAtTheStop(Path dir, List<String> out) throws IOException {
        Matcher m = Pattern.compile("\"step\" : (\\d+)").matcher(Files.readString(dir.resolve("t.ckpt.json")));
        assertTrue(m.find(), "a checkpoint");
        long ckptStep = Long.parseLong(m.group(1));
        List<String> csv = Files.readAllLines(dir.resolve("t.csv"));
        long lastLogged = Long.parseLong(csv.get(csv.size() - 1).split(",")[0]);
        assertEquals(lastLogged, ckptStep, "checkpoint at the step the run stopped");
        assertTrue(ckptStep >= 30, "after the signal, not before: " + ckptStep);
        assertTrue(Files.size(dir.resolve("t.png")) > 1000, "the plot");
        assertTrue(out.stream().anyMatch(l -> l.contains("interrupted at step " + ckptStep + "; checkpoint of that state written")), out.toString());
    }

    @Test
    void sigtermStopsForegroundTrainingAtAStepBoundaryAndWritesEverything(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("train.dmm");
        Files.writeString(file, program(dir, "(train! tr 100000000)"));
        Ended e = runAndSignal(file, "TERM");
        assertEquals(143, e.exit(), e.out().toString());
        assertWrittenAtTheStop(dir, e.out());
        assertTrue(e.out().stream().anyMatch(l -> l.startsWith("dmm: stopping at the next step boundary")), e.out().toString());
    }

    @Test
    void sighupStopsABackgroundRunTheProgramLeftGoing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("train.dmm");
        Files.writeString(file, program(dir, "(train! tr 100000000 :background true)"));
        Ended e = runAndSignal(file, "HUP");
        assertEquals(129, e.exit(), e.out().toString());
        assertTrue(e.out().stream().anyMatch(l -> l.startsWith("dmm: waiting for 1 background training run")), e.out().toString());
        assertWrittenAtTheStop(dir, e.out());
    }

    @Test
    void aProgramEndingWithABackgroundRunWaitsForIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("train.dmm");
        Files.writeString(file, program(dir, "(train! tr 40 :background true)"));
        ChildJvm.Result r = ChildJvm.dmm(List.of(), null, dir, "run", file.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("dmm: waiting for 1 background training run"), r.out());
        List<String> csv = Files.readAllLines(dir.resolve("t.csv"));
        assertEquals("40", csv.get(csv.size() - 1).split(",")[0], "all 40 steps ran");
    }

    /** A REPL waiting at its prompt has nothing to write: a signal ends it at once, not after a wait. */
    @Test
    void anIdleReplEndsPromptlyOnSigterm() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "repl");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().write("(+ 40 2)\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();   // stdin stays open: the REPL waits for more
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) if (line.contains("42")) break;
        long t0 = System.nanoTime();
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the REPL ended");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(143, p.exitValue());
        assertTrue(seconds < GracefulStop.WRITE_SECONDS / 4.0, "ended in " + seconds + " s, without waiting for a prompt that never returns");
    }
}
