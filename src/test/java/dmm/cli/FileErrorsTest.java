package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import dmm.lang.Interpreter;
import dmm.vvalue.VValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Source and data files that cannot be read or written say why ("no such file", "is a
 * directory", "permission denied"); invalid UTF-8 names its byte offset and place; a byte-order
 * mark at the start of a file is skipped.
 */
class FileErrorsTest {
    private static void assertNoJavaInternals(String text) {
        assertFalse(text.contains("java.lang."), text);
        assertFalse(text.contains("\tat "), text);
        assertFalse(text.contains("Exception"), text);
    }

    private record Run(int exit, String out, String err) {}

    private static Run main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void runSaysWhyAFileCannotBeRead(@TempDir Path dir) throws Exception {
        Run missing = main("run", dir.resolve("nope.dmm").toString());
        assertEquals(Main.NO_INPUT, missing.exit());
        assertEquals("dmm: cannot read " + dir.resolve("nope.dmm") + ": no such file\n", missing.err());
        Run folder = main("run", dir.toString());
        assertEquals(Main.NO_INPUT, folder.exit());
        assertEquals("dmm: cannot read " + dir + ": is a directory\n", folder.err());
    }

    @Test
    void invalidUtf8IsASyntaxErrorWithTheByteOffsetAndLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.dmm");
        Files.write(f, new byte[] {'(', 'd', 'e', 'f', ' ', 'x', ' ', '1', ')', '\n', '(', '+', ' ', 'x', ' ', (byte) 0xff, ' ', '2', ')', '\n'});
        Run r = main("run", f.toString());
        assertEquals(Main.SYNTAX, r.exit(), r.err());
        assertEquals(f + ":2:6: invalid UTF-8: byte 0xff at byte offset 15 (source files must be UTF-8 text)\n"
                + "    (+ x \uFFFD 2)\n         ^\n", r.err());
    }

    @Test
    void aByteOrderMarkAtTheStartIsSkipped(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bom.dmm");
        Files.write(f, ("\uFEFF(println (+ 1 2))\n").getBytes(StandardCharsets.UTF_8));
        Run r = main("run", f.toString());
        assertEquals(Main.OK, r.exit(), r.err());
        assertEquals("3\n", r.out());
        Files.write(f, ("\uFEFF(+ 1 2)\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(VValue.of(3), new Interpreter().loadFile(f));
    }

    @Test
    void builtInsThatReadOrWriteFilesSayWhyTheyFailed(@TempDir Path dir) throws Exception {
        String d = dir.toString().replace("\\", "/");
        String missing = d + "/nope.json";
        Files.writeString(dir.resolve("plain"), "x");
        String[][] cases = {
            {"(load \"" + d + "\")", "cannot read " + d + ": is a directory"},
            {"(load \"" + d + "/nope.dmm\")", "cannot read " + d + "/nope.dmm: no such file"},
            {"(read-json \"" + d + "\")", "cannot read " + d + ": is a directory"},
            {"(read-json \"" + missing + "\")", "cannot read " + missing + ": no such file"},
            {"(write-json \"" + d + "\" {:a 1})", "cannot write " + d + ": is a directory"},
            {"(write-json \"" + d + "/plain/x.json\" {:a 1})", "cannot write " + d + "/plain/x.json: not a directory: " + d + "/plain"},
            {"(require lite) (load-matrix (feedforward \"ab\" {:layers 1 :copies 1}) \"" + missing + "\")",
                "cannot read " + missing + ": no such file"},
            {"(require lite) (save-matrix (feedforward \"ab\" {:layers 1 :copies 1}) \"" + d + "\")", "cannot write " + d + ": is a directory"},
        };
        for (String[] c : cases) {
            Run r = main("eval", c[0]);
            assertEquals(Main.RUNTIME, r.exit(), c[0] + "\n" + r.err());
            assertTrue(r.err().contains(": " + c[1] + "\n"), c[0] + "\n" + r.err());
            assertNoJavaInternals(r.err());
        }
    }
}
