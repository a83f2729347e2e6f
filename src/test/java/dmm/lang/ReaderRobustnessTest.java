package dmm.lang;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The reader must never throw anything but its own syntax error, whatever it is fed. */
class ReaderRobustnessTest {
    private static List<String> corpus() throws IOException {
        List<String> texts = new ArrayList<>();
        for (String dir : new String[] {"examples", "lib-dmm"}) {
            try (Stream<Path> s = Files.list(Path.of(dir))) {
                for (Path p : s.filter(p -> p.toString().endsWith(".dmm")).sorted().toList()) texts.add(Files.readString(p));
            }
        }
        texts.add("(defn f [x & more] {:a (* 2 x) \"k\" #_ 3 4} 'q #| c |# ; x\n)");
        return texts;
    }

    private static void feed(String text) {
        try {
            Reader.read("fuzz", text);
        } catch (SyntaxError e) {
            // a report for people: file:line:col and a message in our words, never the parser's or Java's
            String first = e.report().split("\n", -1)[0];
            assertTrue(first.matches("fuzz:\\d+:\\d+: \\S.*"), first);
            for (String internal : new String[] {"Exception", "mismatched input", "extraneous input", "no viable alternative", "token recognition error",
                    "missing '", "expecting {"})
                assertFalse(first.contains(internal), first);
        } catch (Throwable t) {
            fail("reader threw " + t + " on input: " + text.substring(0, Math.min(200, text.length())), t);
        }
    }

    @Test
    void survivesRandomAndMutatedInputs() throws IOException {
        Random rnd = new Random(2026);
        List<String> corpus = corpus();
        String alphabet = "()[]{}'\"\\#_|;:.,-+e0123456789 \n\tabcxyz<>!?*/&%$";
        for (int i = 0; i < 10_000; i++) {
            String base = corpus.get(rnd.nextInt(corpus.size()));
            String text;
            switch (i % 5) {
                case 0 -> { // random bytes, decoded leniently
                    byte[] b = new byte[rnd.nextInt(200)];
                    rnd.nextBytes(b);
                    text = new String(b, StandardCharsets.ISO_8859_1);
                }
                case 1 -> { // random characters from the grammar's alphabet
                    StringBuilder sb = new StringBuilder();
                    int n = rnd.nextInt(300);
                    for (int k = 0; k < n; k++) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
                    text = sb.toString();
                }
                case 2 -> text = base.substring(0, rnd.nextInt(base.length() + 1)); // truncation
                case 3 -> { // splice two pieces
                    String other = corpus.get(rnd.nextInt(corpus.size()));
                    text = base.substring(0, rnd.nextInt(base.length() + 1)) + other.substring(rnd.nextInt(other.length() + 1));
                }
                default -> { // point mutations
                    StringBuilder sb = new StringBuilder(base);
                    for (int k = 0; k < 1 + rnd.nextInt(5) && sb.length() > 0; k++) {
                        int at = rnd.nextInt(sb.length());
                        if (rnd.nextBoolean()) sb.setCharAt(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                        else sb.deleteCharAt(at);
                    }
                    text = sb.toString();
                }
            }
            feed(text);
        }
    }
}
