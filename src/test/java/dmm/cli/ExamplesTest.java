package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Examples are documentation that runs: every {@code examples/*.dmm} starts with a comment
 * saying what it shows, and runs to the output recorded in
 * {@code src/test/resources/examples-expected/NAME.out}. Examples too long for CI are listed
 * in {@link #TESTED_ELSEWHERE} with the test that covers them.
 */
class ExamplesTest {
    /**
     * synthesis: SynthesisExampleTest runs a shortened configuration; live-session: ReplSessionTest;
     * superfluid: SuperfluidTest runs it at a short window; superfluid-general: SuperfluidGeneralTest (quick configuration); general-detector: GeneralDetectorExampleTest (quick configuration); repair: RepairExampleTest.
     */
    static final Set<String> TESTED_ELSEWHERE = Set.of("synthesis.dmm", "live-session.dmm", "superfluid.dmm", "general-detector.dmm",
            "repair.dmm", "superfluid-general.dmm");

    static List<Path> examples() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("examples"))) {
            return s.filter(p -> p.toString().endsWith(".dmm")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyExampleStartsWithAComment() throws IOException {
        return examples().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            String first = Files.readAllLines(p).get(0);
            assertTrue(first.startsWith(";;"), p + " must start with a comment saying what it shows");
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyExampleRunsToItsRecordedOutput() throws IOException {
        return examples().stream()
                .filter(p -> !TESTED_ELSEWHERE.contains(p.getFileName().toString()))
                .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
                    String name = p.getFileName().toString().replace(".dmm", ".out");
                    Path golden = Path.of("src/test/resources/examples-expected", name);
                    assertTrue(Files.exists(golden), "no recorded output for " + p + " (expected " + golden + ")");
                    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
                    int code = Main.run(new String[] {"run", p.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8));
                    assertEquals(0, code, () -> p + " failed:\n" + err.toString(StandardCharsets.UTF_8));
                    assertEquals(Files.readString(golden), out.toString(StandardCharsets.UTF_8), p.toString());
                }));
    }
}
