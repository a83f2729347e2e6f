package dmm.lang;

import static org.junit.jupiter.api.Assertions.*;

import dmm.vvalue.VValue;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file that loads itself, directly or through others, is an immediate error naming the cycle at the load form. */
class CircularLoadTest {
    @Test
    void circularLoadsAreNamedAtTheLoadForm(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.dmm"), "(def x 1)\n(load \"b.dmm\")\n");
        Files.writeString(dir.resolve("b.dmm"), "(def y 2)\n(load \"a.dmm\")\n");
        Files.writeString(dir.resolve("self.dmm"), "(load \"self.dmm\")\n");
        Interpreter interp = new Interpreter();
        long t0 = System.nanoTime();
        String r = assertThrows(DmmException.class, () -> interp.loadFile(dir.resolve("a.dmm"))).report();
        String a = dir.resolve("a.dmm").toString(), b = dir.resolve("b.dmm").toString();
        assertEquals(b + ":2:1: circular load: " + a + " → " + b + " → " + a + " (a file cannot load itself, directly or through others)\n"
                + "    (load \"a.dmm\")\n    ^", r);
        String s = assertThrows(DmmException.class, () -> interp.loadFile(dir.resolve("self.dmm"))).report();
        String self = dir.resolve("self.dmm").toString();
        assertEquals(self + ":1:1: circular load: " + self + " → " + self + " (a file cannot load itself, directly or through others)\n"
                + "    (load \"self.dmm\")\n    ^", s);
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "immediate");
        // after the error the interpreter loads files again
        Files.writeString(dir.resolve("ok.dmm"), "(+ x y 39)");
        assertEquals(VValue.of(42), interp.loadFile(dir.resolve("ok.dmm")));
    }

    @Test
    void loadingTheSameFileTwiceInSequenceIsNotACycle(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("lib.dmm"), "(def n 1)");
        Files.writeString(dir.resolve("main.dmm"), "(load \"lib.dmm\") (load \"lib.dmm\") (+ n 1)");
        assertEquals(VValue.of(2), new Interpreter().loadFile(dir.resolve("main.dmm")));
    }
}
