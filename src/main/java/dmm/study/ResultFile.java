package dmm.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        List<Result> out = new ArrayList<>();
        if (!Files.exists(file)) return out;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                continue;   // a line cut short by a kill
            }
            if (n == null || !n.has("run") || !n.has("ok")) continue;
            Map<String, Object> settings = new LinkedHashMap<>();
            n.path("settings").properties().forEach(e -> settings.put(e.getKey(), value(e.getValue())));
            Map<String, Double> metrics = new LinkedHashMap<>();
            n.path("metrics").properties().forEach(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
            out.add(new Result(n.path("study").asText(), n.path("run").asText(), settings, n.path("seed").asLong(), n.path("ok").asBoolean(),
                    metrics, n.hasNonNull("error") ? n.path("error").asText() : null, n.path("seconds").asDouble(), n.path("out").asText()));
        }
        return out;
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

    private static final java.util.concurrent.ConcurrentHashMap<Path, Object> TURNS = new java.util.concurrent.ConcurrentHashMap<>();

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
        byte[] line = (JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        try (FileChannel ch = FileChannel.open(dmm.vvalue.AtomicFile.resolve(file), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE); java.nio.channels.FileLock lock = ch.lock()) {
            // the lock serializes appends across processes too (Spark executors append their own rows)
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
