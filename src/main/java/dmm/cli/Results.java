package dmm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dmm.vvalue.AtomicFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code dmm results}: the manifest of committed results ({@code docs/results/MANIFEST.json}).
 *
 * <p>A committed figure is only true for the build that measured it: a rounding-level change moves
 * a chaotic training run to another machine. So every committed result records the command that
 * produces it, the commit it was measured with and the SHA-256 of its output file; {@code check}
 * runs the commands again in fresh JVMs and reports each result as {@code same}, {@code DRIFT} or
 * {@code FAILED}; {@code record} runs them and writes the new digests (and the output files to
 * their committed copies), so a change that moves a result replaces it in the same commit.
 *
 * <pre>
 * dmm results list
 * dmm results check [--all] [NAME ...]       cheap entries by default; --all adds the expensive
 * dmm results record NAME ...                re-measure and write digest, commit, date, wall time
 * </pre>
 * Exit codes: 0 all the same, 1 a result drifted, 70 a command failed, 64 usage, 66 no manifest.
 */
final class Results {
    static final int DRIFT = 1;
    static final String DEFAULT_MANIFEST = "docs/results/MANIFEST.json";

    /** One committed result: the dmm command that makes it and what it made last time. */
    record Entry(String name, List<String> command, String output, String committed, String cost,
                 String sha256, String commit, String measured, double wallSeconds, String summary) {
        boolean cheap() {
            return "cheap".equals(cost);
        }

        static Entry from(JsonNode n, Path manifest) {
            String name = text(n, "name", manifest, "?");
            List<String> command = new ArrayList<>();
            JsonNode c = n.get("command");
            if (c == null || !c.isArray() || c.isEmpty())
                throw new IllegalArgumentException(manifest + ": entry `" + name + "` needs \"command\": a list of dmm arguments");
            c.forEach(a -> command.add(a.asText()));
            String cost = text(n, "cost", manifest, name);
            if (!cost.equals("cheap") && !cost.equals("expensive"))
                throw new IllegalArgumentException(manifest + ": entry `" + name + "` has cost `" + cost + "`; cost is cheap or expensive");
            return new Entry(name, List.copyOf(command), text(n, "output", manifest, name), optional(n, "committed"), cost,
                    optional(n, "sha256"), optional(n, "commit"), optional(n, "measured"),
                    n.path("wallSeconds").asDouble(0), optional(n, "summary"));
        }

        private static String text(JsonNode n, String field, Path manifest, String name) {
            JsonNode v = n.get(field);
            if (v == null || !v.isTextual() || v.asText().isEmpty())
                throw new IllegalArgumentException(manifest + ": entry `" + name + "` needs \"" + field + "\"");
            return v.asText();
        }

        private static String optional(JsonNode n, String field) {
            JsonNode v = n.get(field);
            return v == null || v.isNull() ? null : v.asText();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final Path manifest;
    private final PrintStream out, err;

    Results(Path root, Path manifest, PrintStream out, PrintStream err) {
        this.root = root;
        this.manifest = manifest;
        this.out = out;
        this.err = err;
    }

    /** {@code dmm results ...}; the project root is {@code dmm.home} (set by the launcher) or the working directory. */
    static int main(List<String> args, PrintStream out, PrintStream err) {
        String home = System.getProperty("dmm.home");
        Path root = Path.of(home != null ? home : "").toAbsolutePath();
        List<String> rest = new ArrayList<>(args);
        Path manifest = root.resolve(DEFAULT_MANIFEST);
        int m = rest.indexOf("--manifest");
        if (m >= 0) {
            if (m + 1 >= rest.size()) return usage(err, "--manifest needs a file");
            manifest = Path.of(rest.get(m + 1)).toAbsolutePath();
            root = manifest.getParent().getParent().getParent();
            rest.subList(m, m + 2).clear();
        }
        if (rest.isEmpty()) return usage(err, "results needs a command: list, check or record");
        String cmd = rest.remove(0);
        Results r = new Results(root, manifest, out, err);
        List<Entry> entries;
        try {
            entries = r.read();
        } catch (NoSuchFileException e) {
            err.println("dmm results: no manifest at " + manifest);
            return Main.NO_INPUT;
        } catch (IOException | IllegalArgumentException e) {
            err.println("dmm results: " + e.getMessage());
            return Main.RUNTIME;
        }
        boolean all = rest.remove("--all");
        for (String a : rest)
            if (a.startsWith("--")) return usage(err, "unknown option `" + a + "`");
        try {
            return switch (cmd) {
                case "list" -> r.list(entries);
                case "check" -> r.check(r.select(entries, rest, all), false);
                case "record" -> rest.isEmpty() && !all ? usage(err, "record needs the names of the results to re-measure (or --all)")
                        : r.check(r.select(entries, rest, true), true);
                default -> usage(err, "unknown results command `" + cmd + "` (list, check, record)");
            };
        } catch (IllegalArgumentException e) {
            err.println("dmm results: " + e.getMessage());
            return Main.USAGE;
        }
    }

    private static int usage(PrintStream err, String message) {
        err.println("dmm results: " + message);
        err.println("usage: dmm results list | check [--all] [NAME ...] | record NAME ... | record --all  [--manifest FILE]");
        return Main.USAGE;
    }

    List<Entry> read() throws IOException {
        JsonNode doc;
        try {
            doc = JSON.readTree(Files.readString(manifest, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IOException(manifest + " is not valid JSON (line " + e.getLocation().getLineNr() + ")");
        }
        JsonNode list = doc == null ? null : doc.get("results");
        if (list == null || !list.isArray()) throw new IOException(manifest + " needs a \"results\" list");
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode n : list) {
            Entry e = Entry.from(n, manifest);
            if (!names.add(e.name())) throw new IllegalArgumentException(manifest + ": two entries are named `" + e.name() + "`");
            entries.add(e);
        }
        return entries;
    }

    private List<Entry> select(List<Entry> entries, List<String> names, boolean all) {
        if (names.isEmpty()) return entries.stream().filter(e -> all || e.cheap()).toList();
        List<Entry> chosen = new ArrayList<>();
        for (String n : names) {
            Entry e = entries.stream().filter(x -> x.name().equals(n)).findFirst().orElse(null);
            if (e == null) throw new IllegalArgumentException("no result named `" + n + "` in " + manifest
                    + " (dmm results list shows them)");
            chosen.add(e);
        }
        return chosen;
    }

    private int list(List<Entry> entries) {
        for (Entry e : entries)
            out.printf("%-40s %-9s %s%n      dmm %s%n", e.name(), e.cost(), e.summary() == null ? "" : e.summary(), String.join(" ", e.command()));
        return Main.OK;
    }

    /** Runs each entry's command; compares its output's digest with the manifest's, or records it. */
    private int check(List<Entry> entries, boolean record) {
        int drifted = 0, failed = 0;
        List<Entry> updated = new ArrayList<>();
        for (Entry e : entries) {
            out.printf("%-40s running: dmm %s%n", e.name(), String.join(" ", e.command()));
            out.flush();
            Run run = run(e);
            if (run.failure != null) {
                failed++;
                out.printf("%-40s FAILED   %s%n", e.name(), run.failure);
                continue;
            }
            boolean same = run.sha256.equals(e.sha256());
            if (record) copyToCommitted(e, run.outputFile);
            deleteTree(run.outputFile.getParent());
            if (record) {
                updated.add(new Entry(e.name(), e.command(), e.output(), e.committed(), e.cost(), run.sha256, commit(),
                        LocalDate.now(ZoneOffset.UTC).toString(), run.seconds, e.summary()));
                out.printf("%-40s %s %.1f s  sha256 %s%n", e.name(), same ? "same    " : "recorded", run.seconds, run.sha256);
            } else if (same) {
                out.printf("%-40s same     %.1f s%n", e.name(), run.seconds);
            } else {
                drifted++;
                out.printf("%-40s DRIFT    %.1f s  sha256 %s, the manifest has %s (measured with %s)%n",
                        e.name(), run.seconds, abbrev(run.sha256), abbrev(e.sha256()), e.commit());
            }
        }
        if (record && !updated.isEmpty()) {
            try {
                write(updated);
            } catch (IOException ex) {
                err.println("dmm results: could not write " + manifest + ": " + ex.getMessage());
                return Main.RUNTIME;
            }
        }
        out.printf("%d same, %d drifted, %d failed%n", entries.size() - drifted - failed, drifted, failed);
        if (drifted > 0 && !record)
            out.println("a drifted result is stale: re-measure it (dmm results record NAME) and replace every figure that quotes it");
        return failed > 0 ? Main.RUNTIME : drifted > 0 ? DRIFT : Main.OK;
    }

    private static String abbrev(String sha) {
        return sha == null ? "(none)" : sha.substring(0, Math.min(12, sha.length()));
    }

    private record Run(String sha256, Path outputFile, double seconds, String failure) {}

    /** The entry's command in a JVM of its own (this one's java and classpath), with a fresh --out folder. */
    private Run run(Entry e) {
        Path dir;
        try {
            dir = Files.createTempDirectory("dmm-results-");
        } catch (IOException ex) {
            return new Run(null, null, 0, "no temporary folder: " + ex.getMessage());
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Ddmm.home=" + root, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(e.command());
        cmd.add("--out");
        cmd.add(dir.toString());
        Path log = dir.resolve("dmm-results-run.log");
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            p.waitFor();
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (p.exitValue() != 0)
                return new Run(null, null, seconds, "exit " + p.exitValue() + "; its output: " + log + "\n" + tail(log, 8));
            Path output = dir.resolve(e.output());
            if (!Files.isRegularFile(output))
                return new Run(null, null, seconds, "it wrote no " + e.output() + " (its output: " + log + ")");
            return new Run(sha256(output), output, seconds, null);
        } catch (IOException ex) {
            return new Run(null, null, 0, "could not start java: " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return new Run(null, null, 0, "interrupted");
        }
    }

    /** Removes a finished run's temporary folder (a failed run's stays, for its log). */
    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException ex) {
            return "";
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("the JDK has no SHA-256", ex);
        }
    }

    private void copyToCommitted(Entry e, Path output) {
        if (e.committed() == null) return;
        try {
            AtomicFile.write(root.resolve(e.committed()), Files.readAllBytes(output));
        } catch (IOException ex) {
            err.println("dmm results: could not replace " + e.committed() + ": " + ex.getMessage());
        }
    }

    /** The commit being measured ({@code git rev-parse}), marked {@code +changes} when the work tree differs from it. */
    private String commit() {
        String head = git("rev-parse", "--short=12", "HEAD");
        if (head == null || head.isEmpty()) return "unknown";
        String status = git("status", "--porcelain", "--untracked-files=no", "--", "src", "lib-dmm", "grammar", "examples", "pom.xml");
        return status == null || status.isEmpty() ? head : head + "+changes";
    }

    private String git(String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", root.toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? text : null;
        } catch (IOException ex) {
            return null;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The manifest with the re-measured entries replaced, written atomically, other fields kept. */
    private void write(List<Entry> updated) throws IOException {
        ObjectNode doc = (ObjectNode) JSON.readTree(Files.readString(manifest, StandardCharsets.UTF_8));
        ArrayNode list = (ArrayNode) doc.get("results");
        for (JsonNode n : list) {
            ObjectNode o = (ObjectNode) n;
            for (Entry e : updated) {
                if (!e.name().equals(o.path("name").asText())) continue;
                o.put("sha256", e.sha256());
                o.put("commit", e.commit());
                o.put("measured", e.measured());
                o.put("wallSeconds", Math.round(e.wallSeconds() * 10) / 10.0);
            }
        }
        AtomicFile.write(manifest, JSON.writeValueAsString(doc) + "\n");
    }
}
