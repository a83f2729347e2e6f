package dmm.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dmm.vvalue.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A study's results as JSON lines, one per finished run, appended as runs finish: each line is
 * written whole with one write and forced to disk, so a study killed at any moment leaves every
 * finished run's line intact (a line cut short by the kill is ignored when the file is read).
 */
public final class ResultFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public ResultFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    /** The rows so far (none when the file does not exist); incomplete or foreign lines are skipped. */
    public List<Result> read() throws IOException {
        return read(skipped -> {});
    }

    /**
     * The rows so far; a line that is not UTF-8 or not a whole JSON object (cut short by a kill,
     * damaged by an editor) is skipped and told to {@code warn} with its line number, and the
     * others are read as usual. Lines that are JSON but not rows (the study fingerprints) are not rows.
     */
    public List<Result> read(Consumer<String> warn) throws IOException {
        List<Result> out = new ArrayList<>();
        for (JsonNode n : lines(warn)) {
            if (!n.has("run") || !n.has("ok")) continue;
            Map<String, Object> settings = new LinkedHashMap<>();
            n.path("settings").properties().forEach(e -> settings.put(e.getKey(), value(e.getValue())));
            Map<String, Double> metrics = new LinkedHashMap<>();
            n.path("metrics").properties().forEach(e -> {
                if (e.getValue().isNumber()) metrics.put(e.getKey(), e.getValue().asDouble());
                else warn.accept(file + ": run " + n.path("run").asText() + " has the metric `" + e.getKey() + "` = " + e.getValue()
                        + ", not a number; left out");
            });
            out.add(new Result(n.path("study").asText(), n.path("run").asText(), settings, n.path("seed").asLong(), n.path("ok").asBoolean(),
                    metrics, n.hasNonNull("error") ? n.path("error").asText() : null, n.path("seconds").asDouble(), n.path("out").asText(),
                    n.hasNonNull("executor") ? n.path("executor").asText() : null));
        }
        return out;
    }

    /** The fingerprint lines ({@code {"fingerprint": ...}}) in the file, in order. */
    public List<JsonNode> fingerprints() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : lines(w -> {})) if (n.has("fingerprint")) out.add(n);
        return out;
    }

    /** Every line that is a UTF-8 JSON object; the others are told to {@code warn} and skipped. */
    private List<JsonNode> lines(Consumer<String> warn) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(file)) return out;
        byte[] bytes = Files.readAllBytes(file);
        int start = 0, lineNo = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') end++;
            lineNo++;
            String line;
            try {
                line = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
            } catch (CharacterCodingException e) {
                warn.accept(file + ": line " + lineNo + " is not UTF-8 text; skipped");
                start = end + 1;
                continue;
            }
            start = end + 1;
            if (line.isBlank()) continue;
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                warn.accept(file + ": line " + lineNo + " is not a whole JSON object (cut short by a kill?); skipped");
                continue;
            }
            if (n != null && n.isObject()) out.add(n);
        }
        return out;
    }

    /** Appends a study's fingerprint line (one write, forced to disk, under the file lock like rows). */
    public void appendFingerprint(ObjectNode fingerprint) throws IOException {
        Object turn = TURNS.computeIfAbsent(file.toAbsolutePath().normalize(), k -> new Object());
        synchronized (turn) {
            appendLine((JSON.writeValueAsString(fingerprint) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Object value(JsonNode v) {
        if (v.isBoolean()) return v.asBoolean();
        if (v.isNumber()) return v.asDouble();
        return v.asText();
    }

    /** Appends one row (under a file lock, so threads and processes may append alike; one write, forced to disk). */
    public void append(Result r) throws IOException {
        // threads of this JVM take turns by path (a JVM holds one file lock per file); processes by the file lock
        Object turn = TURNS.computeIfAbsent(file.toAbsolutePath().normalize(), k -> new Object());
        synchronized (turn) {
            appendLocked(r);
        }
    }

    private static final ConcurrentHashMap<Path, Object> TURNS = new ConcurrentHashMap<>();

    private void appendLocked(Result r) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("study", r.study());
        n.put("run", r.run());
        ObjectNode s = n.putObject("settings");
        r.settings().forEach((k, v) -> {
            if (v instanceof Boolean b) s.put(k, b);
            else if (v instanceof Number x) s.put(k, x.doubleValue());
            else s.put(k, String.valueOf(v));
        });
        n.put("seed", r.seed());
        n.put("ok", r.ok());
        ObjectNode m = n.putObject("metrics");
        r.metrics().forEach(m::put);
        if (r.error() != null) n.put("error", r.error());
        n.put("seconds", r.seconds());
        n.put("out", r.out());
        if (r.executor() != null) n.put("executor", r.executor());
        appendLine((JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void appendLine(byte[] line) throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        try (FileChannel ch = FileChannel.open(AtomicFile.resolve(file), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
            // the lock serializes appends across processes too (two dmm processes appending to one file)
            ch.position(ch.size());
            if (ch.size() > 0) {   // a line cut short by a kill must not swallow this one
                ByteBuffer last = ByteBuffer.allocate(1);
                ch.read(last, ch.size() - 1);
                if (last.get(0) != '\n') ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
            }
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) ch.write(b);
            ch.force(false);
        }
    }
}
