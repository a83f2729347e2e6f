package dmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed results' manifest and {@code dmm results}: drift is found, records replace results. */
class ResultsManifestTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void everyCommittedResultFileHasTheDigestTheManifestRecords() throws IOException {
        List<Results.Entry> entries = new Results(ROOT, ROOT.resolve(Results.DEFAULT_MANIFEST), System.out, System.err).read();
        assertFalse(entries.isEmpty());
        for (Results.Entry e : entries) {
            List<String> c = e.command().get(0).equals("--legacy-random") ? e.command().subList(1, e.command().size()) : e.command();
            Path program = ROOT.resolve(c.get(1));
            assertTrue(Files.isRegularFile(program), e.name() + ": no program " + program);
            if (e.committed() == null) continue;
            Path file = ROOT.resolve(e.committed());
            assertTrue(Files.isRegularFile(file), e.name() + ": no committed file " + file);
            assertEquals(e.sha256(), Results.sha256(file),
                    e.name() + ": " + e.committed() + " was replaced without its manifest entry (dmm results record " + e.name() + ")");
        }
    }

    private record Ran(int code, String out, String err) {}

    private static Ran results(Path manifest, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        List<String> argv = new ArrayList<>(List.of(args));
        argv.addAll(List.of("--manifest", manifest.toString()));
        int code = Results.main(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A project with one program writing {:a VALUE} to OUT/x.json, and a manifest naming it. */
    private static Path project(Path dir, String value) throws IOException {
        Files.writeString(dir.resolve("prog.dmm"), "(require args)\n(write-json (str (option \"--out\" \"runs\") \"/x.json\") {:a " + value + "})\n");
        Path manifest = dir.resolve("docs/results/MANIFEST.json");
        Files.createDirectories(manifest.getParent());
        if (!Files.exists(manifest))
            Files.writeString(manifest, """
                    {"results": [{"name": "tiny", "command": ["run", "prog.dmm"], "output": "x.json",
                                  "committed": "docs/results/tiny.json", "cost": "cheap", "summary": "a = 3"}]}
                    """);
        return manifest;
    }

    @Test
    void recordWritesTheDigestAndTheCommittedCopyThenCheckFindsTheSame(@TempDir Path dir) throws IOException {
        Path manifest = project(dir, "(+ 1 2)");
        Ran rec = results(manifest, "record", "tiny");
        assertEquals(0, rec.code(), rec.out() + rec.err());
        assertTrue(Files.readString(dir.resolve("docs/results/tiny.json")).contains("3"));
        String sha = Results.sha256(dir.resolve("docs/results/tiny.json"));
        assertTrue(Files.readString(manifest).contains(sha), "the manifest records the output's digest");

        Ran check = results(manifest, "check");
        assertEquals(0, check.code(), check.out() + check.err());
        assertTrue(check.out().contains("1 same, 0 drifted, 0 failed"), check.out());
    }

    @Test
    void aChangedResultIsReportedAsDriftWithExitOne(@TempDir Path dir) throws IOException {
        Path manifest = project(dir, "3");
        assertEquals(0, results(manifest, "record", "tiny").code());
        project(dir, "4");   // the program now computes something else
        Ran check = results(manifest, "check");
        assertEquals(Results.DRIFT, check.code(), check.out() + check.err());
        assertTrue(check.out().contains("DRIFT"), check.out());
        assertTrue(check.out().contains("0 same, 1 drifted, 0 failed"), check.out());
    }

    @Test
    void aFailingCommandIsReportedWithItsOutput(@TempDir Path dir) throws IOException {
        Path manifest = project(dir, "3");
        Files.writeString(dir.resolve("prog.dmm"), "(undefined-thing 1)\n");
        Ran check = results(manifest, "check");
        assertEquals(Main.RUNTIME, check.code(), check.out());
        assertTrue(check.out().contains("FAILED") && check.out().contains("undefined-thing"), check.out());
    }

    @Test
    void unknownNamesAndMalformedManifestsAreClearErrors(@TempDir Path dir) throws IOException {
        Path manifest = project(dir, "3");
        Ran unknown = results(manifest, "check", "nope");
        assertEquals(Main.USAGE, unknown.code());
        assertTrue(unknown.err().contains("no result named `nope`"), unknown.err());

        Files.writeString(manifest, "{\"results\": [{\"name\": \"x\", \"command\": [\"run\", \"p.dmm\"], \"output\": \"o\", \"cost\": \"cheap\"},"
                + " {\"name\": \"x\", \"command\": [\"run\", \"p.dmm\"], \"output\": \"o\", \"cost\": \"cheap\"}]}");
        Ran dup = results(manifest, "list");
        assertNotEquals(0, dup.code());
        assertTrue(dup.err().contains("two entries are named `x`"), dup.err());

        Files.writeString(manifest, "{\"results\": [");
        Ran bad = results(manifest, "list");
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("not valid JSON"), bad.err());
    }
}
