package dmm.arch;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package graph of docs/ARCHITECTURE.md is what the sources say: each package refers only
 * to the packages it may know (imports and fully qualified names alike). In particular the
 * engine ({@code machine}) and training ({@code train}) know nothing of the language.
 */
class LayeringTest {
    /** Each package and the packages it may refer to. */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("vvalue", Set.of()),
            Map.entry("cancel", Set.of()),
            Map.entry("ad", Set.of("vvalue")),
            Map.entry("machine", Set.of("vvalue", "ad", "cancel")),
            Map.entry("train", Set.of("vvalue", "ad", "cancel", "machine")),
            Map.entry("lang", Set.of("vvalue", "ad", "cancel")),
            // the neuron compiler reads the language's analyzed forms and emits the engine's kernels
            Map.entry("compile", Set.of("vvalue", "ad", "lang", "machine")),
            Map.entry("bind", Set.of("vvalue", "ad", "cancel", "machine", "train", "lang", "compile")),
            Map.entry("api", Set.of("vvalue", "ad", "cancel", "machine", "train", "lang", "compile", "bind")),
            Map.entry("repl", Set.of("vvalue", "ad", "cancel", "machine", "train", "lang", "compile", "bind")),
            Map.entry("bench", Set.of("vvalue", "ad", "cancel", "machine", "train", "lang", "compile", "bind")),
            Map.entry("study", Set.of("vvalue", "ad", "cancel", "machine", "train", "lang", "compile", "bind")),
            Map.entry("view", Set.of("vvalue", "ad", "cancel", "machine", "train", "lang", "compile", "bind")),
            Map.entry("jupyter", Set.of("vvalue", "ad", "cancel", "machine", "train", "lang", "compile", "bind", "repl")),
            Map.entry("cli", Set.of("vvalue", "ad", "cancel", "machine", "train", "lang", "compile", "bind", "api", "repl", "bench", "study", "view", "jupyter")));

    private static final Pattern REFERENCE = Pattern.compile("\\bdmm\\.([a-z]+)\\.");

    static Map<String, Set<String>> actualGraph() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        Path root = Path.of("src/main/java/dmm");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f).getName(0).toString();
                Set<String> refs = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                for (String line : Files.readAllLines(f)) {
                    String code = line.strip();
                    if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) continue;   // docs may name anything
                    Matcher m = REFERENCE.matcher(code);
                    while (m.find()) if (!m.group(1).equals(pkg)) refs.add(m.group(1));
                }
            }
        }
        return graph;
    }

    @Test
    void everyPackageRefersOnlyToThePackagesBelowIt() throws IOException {
        Map<String, Set<String>> actual = actualGraph();
        assertEquals(new TreeSet<>(ALLOWED.keySet()), new TreeSet<>(actual.keySet()), "the packages of src/main/java/dmm");
        for (Map.Entry<String, Set<String>> e : actual.entrySet()) {
            Set<String> extra = new TreeSet<>(e.getValue());
            extra.removeAll(ALLOWED.get(e.getKey()));
            assertEquals(Set.of(), extra, "package " + e.getKey() + " refers to packages it must not know");
        }
    }

    @Test
    void theEngineAndTrainingKnowNothingOfTheLanguage() throws IOException {
        Map<String, Set<String>> actual = actualGraph();
        for (String p : List.of("vvalue", "cancel", "ad", "machine", "train"))
            for (String forbidden : List.of("lang", "bind", "api", "repl", "cli"))
                assertFalse(actual.get(p).contains(forbidden), p + " refers to " + forbidden);
    }

    @Test
    void theArchitectureDocumentShowsThisGraph() throws IOException {
        String doc = Files.readString(Path.of("docs/ARCHITECTURE.md"));
        for (Map.Entry<String, Set<String>> e : actualGraph().entrySet()) {
            String line = "| `" + e.getKey() + "` | " + (e.getValue().isEmpty() ? "—" : String.join(", ", e.getValue().stream().map(s -> "`" + s + "`").toList())) + " |";
            assertTrue(doc.contains(line), "docs/ARCHITECTURE.md should have the row\n" + line);
        }
    }

    /** The code of a main source file without its comments' lines. */
    private static String code(String pkg, String file) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("src/main/java/dmm", pkg, file + ".java"))) {
            String c = line.strip();
            if (c.startsWith("*") || c.startsWith("/*") || c.startsWith("//")) continue;
            b.append(line).append('\n');
        }
        return b.toString();
    }

    /**
     * Inside the compiled down movement: the links, the visiting order and the two coordinate
     * systems' arithmetic know nothing of the tape (they are the rule, run forward and
     * transposed); the tape's side — the plan, the transpose driver, the recorded cycle, the
     * soft cotangents — does no lincomb arithmetic of its own (the rule is stated once, in
     * {@code FlatRows} and {@code TreeRows}).
     */
    @Test
    void theCompiledDownMovementStatesItsRuleOnceAndAwayFromTheTape() throws IOException {
        for (String f : List.of("RowLinks", "VisitOrder", "FlatRows", "TreeRows", "Recent")) {
            String c = code("machine", f);
            for (String tape : List.of("dmm.ad", "Tape", "Tracked", "Ops."))
                assertFalse(c.contains(tape), "machine/" + f + " refers to " + tape);
        }
        for (String f : List.of("Plan", "DownTranspose", "RecordedCycle", "SoftCotangents")) {
            String c = code("machine", f);
            for (String arithmetic : List.of("VValue.dot(", "addScaled(", "lincombInto(", "lincombPullback("))
                assertFalse(c.contains(arithmetic), "machine/" + f + " does lincomb arithmetic of its own: " + arithmetic);
        }
    }

    /** The AD core's tracked values know no client's representation (no hand-over slots). */
    @Test
    void trackedValuesCarryOnlyVValues() throws IOException {
        String c = code("ad", "Tracked");
        assertFalse(c.contains("Deferred") || c.contains("defer("), "ad/Tracked holds a contribution in a form of its own");
        assertFalse(code("machine", "Layer").contains("Cycle"), "machine/Layer carries a recorded cycle");
    }
}
