package dmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** dmm serve's options: a bad port or a missing value is a usage error in words, never an internal error. */
class ServeOptionsTest {
    private static String[] serve(String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "serve";
        System.arraycopy(args, 0, argv, 1, args.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(code), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void portsOutOfRangeAreUsageErrors() {
        for (String p : new String[] {"99999", "-1"}) {
            String[] r = serve("--port", p);
            assertEquals("64", r[0], r[1]);
            assertTrue(r[1].contains("the port must be between 0 and 65535 (0: any free port), got " + p), r[1]);
            assertTrue(!r[1].contains("internal error"), r[1]);
        }
        String[] word = serve("--port", "eighty");
        assertTrue(word[1].contains("--port needs a whole number from 0 to 65535, got `eighty`"), word[1]);
    }

    @Test
    void anOptionWithoutItsValueSaysSo() {
        for (String o : new String[] {"--port", "--host", "--allow-host"}) {
            String[] r = serve(o);
            assertEquals("64", r[0], r[1]);
            assertTrue(r[1].contains("dmm serve: " + o + " needs a value"), r[1]);
        }
    }
}
