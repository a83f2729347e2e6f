package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running out of memory is an error for people (what was being done, the heap limit, how to
 * raise it) with exit status 70, never a Java stack trace with exit status 0; the REPL keeps its
 * session. Each case runs in a child JVM with a 64 MB heap.
 */
class OutOfMemoryTest {
    private static final List<String> SMALL_HEAP = List.of("-Xmx64m", "-XX:+UseSerialGC");

    private static void assertNoJavaInternals(String text) {
        assertFalse(text.contains("java.lang."), text);
        assertFalse(text.contains("\tat "), text);
        assertFalse(text.contains("Exception"), text);
    }

    @Test
    void outOfMemoryWhileEvaluatingIsARuntimeErrorWithAHint() {
        ChildJvm.Result r = ChildJvm.dmm(SMALL_HEAP, null, null, "eval", "(count (range 1e8))");
        assertEquals(Main.RUNTIME, r.exit(), r.toString());
        assertTrue(r.err().startsWith("<eval>:1:1: out of memory while evaluating this form (the Java heap is limited to "), r.toString());
        assertTrue(r.err().contains("allow more with DMM_JAVA_OPTS=-Xmx"), r.toString());
        assertTrue(r.err().contains("    (count (range 1e8))\n    ^"), r.toString());
        assertNoJavaInternals(r.err());
    }

    @Test
    void outOfMemoryWhileReadingAFileNamesTheFile(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.dmm");
        try (BufferedWriter w = Files.newBufferedWriter(big)) {
            String line = "(def w {:accum {:dict-2 {:input {:char 0.7308781907032909 :x 847}}} \"k k\" 3})\n";
            for (long n = 0; n < 24L << 20; n += line.length()) w.write(line);
        }
        ChildJvm.Result r = ChildJvm.dmm(SMALL_HEAP, null, dir, "run", "big.dmm");
        assertEquals(Main.RUNTIME, r.exit(), r.toString());
        assertTrue(r.err().contains("out of memory while reading big.dmm"), r.toString());
        assertTrue(r.err().contains("DMM_JAVA_OPTS=-Xmx"), r.toString());
        assertNoJavaInternals(r.err());
    }

    @Test
    void theReplKeepsItsSessionAfterRunningOutOfMemory() {
        String input = "(def keep 42)\n(def big (range 1e8))\n(+ keep 1)\n";
        ChildJvm.Result r = ChildJvm.dmm(SMALL_HEAP, input, null, "repl");
        assertEquals(Main.OK, r.exit(), "the last input succeeded: " + r);
        assertEquals("#'keep\n43\n", r.out(), r.toString());
        assertTrue(r.err().startsWith("<repl:2>:1:1: out of memory while evaluating this form"), r.toString());
        assertNoJavaInternals(r.err());
    }
}
