package dmm.lang;

import static org.junit.jupiter.api.Assertions.*;

import dmm.cli.ChildJvm;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader needs a small constant number of bytes per source character: a 20 MB source is
 * read in a JVM limited to 512 MB (the parse-tree reader needed over 100 bytes per character,
 * more than 2 GB for this file).
 */
class ReaderMemoryTest {
    /** Reads a file in the child JVM and prints its number of top-level forms. */
    public static final class ReadMain {
        public static void main(String[] args) throws Exception {
            Source src = Interpreter.readSource(Path.of(args[0]));
            List<Form> forms = Reader.read(src);
            System.out.println(forms.size() + " forms, last at " + forms.get(forms.size() - 1).span().where());
        }
    }

    @Test
    void aTwentyMegabyteSourceIsReadInAFewHundredMegabytes(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.dmm");
        long forms = 0, lines = 0;
        try (BufferedWriter w = Files.newBufferedWriter(big)) {
            for (long n = 0; n < 20L << 20; forms += 2, lines += 3) {
                String s = "(def w" + forms + " {:accum {:dict-2 {:input {:char 0.7308781907032909 :x " + (forms % 1000 - 500)
                        + "}}} \"k k\" 3})\n(defn f" + forms + " [x y] ; a comment\n  (+ (* 2 x) (dot y {:a 1 :b [1 2 'c]})))\n";
                w.write(s);
                n += s.length();
            }
        }
        ChildJvm.Result r = ChildJvm.run(List.of("-Xmx512m"), ReadMain.class.getName(), List.of(big.toString()), null, null, 300);
        assertEquals(0, r.exit(), r.toString());
        assertEquals(forms + " forms, last at " + big + ":" + (lines - 1) + ":1\n", r.out(), r.toString());
    }
}
