package dmm.vvalue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * V-values as JSON: nested objects with number leaves, the layout of the published DMM
 * experiment files. The scalar of a node is written under the key {@code ":number"} (the
 * published convention); {@code "number"} is read as the scalar too.
 *
 * <p>Reading is strict: arrays, strings, booleans, null, non-finite numbers and duplicate keys
 * are errors that name the JSON path and the line and column. Writing to a file is atomic.
 */
public final class VValueJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    /** The key under which scalars are written. */
    public static final String SCALAR_KEY = ":number";

    private VValueJson() {}

    /** A JSON input that is not a V-value. */
    public static final class JsonFormatException extends RuntimeException {
        private final String jsonPath;
        private final int line;
        private final int column;

        JsonFormatException(String message, String jsonPath, int line, int column) {
            super(jsonPath + " (line " + line + ", column " + column + "): " + message);
            this.jsonPath = jsonPath;
            this.line = line;
            this.column = column;
        }

        /** The JSON path of the offending value, e.g. {@code $.a.b}. */
        public String jsonPath() {
            return jsonPath;
        }

        /** 1-based line. */
        public int line() {
            return line;
        }

        /** 1-based column. */
        public int column() {
            return column;
        }
    }

    /** Parses JSON text into a V-value. */
    public static VValue read(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            return readDocument(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads a JSON file into a V-value. */
    public static VValue readFile(Path file) throws IOException {
        return read(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Reads a V-value from an already positioned parser at its current token (used by checkpoints). */
    public static VValue readValue(JsonParser p, String basePath) throws IOException {
        Deque<String> path = new ArrayDeque<>();
        return readValue(p, path, basePath);
    }

    private static VValue readDocument(JsonParser p) throws IOException {
        try {
            JsonToken t = p.nextToken();
            if (t == null) throw error(p, "$", "empty input: expected a JSON object or number");
            VValue v = readValue(p, new ArrayDeque<>(), "$");
            if (p.nextToken() != null) throw error(p, "$", "unexpected content after the value");
            return v;
        } catch (JsonParseException e) {
            JsonLocation loc = e.getLocation();
            String msg = e.getOriginalMessage();
            int nl = msg.indexOf('\n');
            if (nl > 0) msg = msg.substring(0, nl);
            throw new JsonFormatException("malformed JSON: " + msg, "$",
                    loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr());
        }
    }

    private static VValue readValue(JsonParser p, Deque<String> path, String base) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                double d = p.getDoubleValue();
                if (!Double.isFinite(d)) throw error(p, pathString(base, path), "number out of range: " + p.getText());
                return VValue.of(d);
            }
            case START_OBJECT -> {
                VBuilder b = new VBuilder();
                boolean sawScalar = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    path.addLast(key);
                    p.nextToken();
                    VValue child = readValue(p, path, base);
                    if (key.equals(SCALAR_KEY) || key.equals(VValue.NUMBER)) {
                        if (!child.isScalar())
                            throw error(p, pathString(base, path), "the scalar key \"" + key + "\" must hold a number");
                        if (sawScalar) throw error(p, pathString(base, path), "both \":number\" and \"number\" given");
                        sawScalar = true;
                    }
                    path.removeLast();
                    b.addScaled(key.equals(SCALAR_KEY) ? VValue.NUMBER : key, 1.0, child);
                }
                return b.build();
            }
            case START_ARRAY -> throw error(p, pathString(base, path), "arrays are not V-values (expected an object or a number)");
            case VALUE_STRING -> throw error(p, pathString(base, path), "strings are not V-values (expected an object or a number)");
            case VALUE_TRUE, VALUE_FALSE -> throw error(p, pathString(base, path), "booleans are not V-values (expected an object or a number)");
            case VALUE_NULL -> throw error(p, pathString(base, path), "null is not a V-value (expected an object or a number)");
            default -> throw error(p, pathString(base, path), "unexpected " + t);
        }
    }

    private static String pathString(String base, Deque<String> path) {
        StringBuilder sb = new StringBuilder(base);
        for (String k : path) {
            if (k.matches("[A-Za-z_][A-Za-z0-9_-]*")) sb.append('.').append(k);
            else {
                sb.append('[');
                VValuePrinter.quote(k, sb);
                sb.append(']');
            }
        }
        return sb.toString();
    }

    private static JsonFormatException error(JsonParser p, String path, String message) {
        JsonLocation loc = p.currentTokenLocation();
        return new JsonFormatException(message, path, loc.getLineNr(), loc.getColumnNr());
    }

    /** The JSON text of {@code v}, pretty-printed with sorted keys. */
    public static String write(VValue v) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            write(v, g);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return w.toString();
    }

    /** Writes {@code v} with a generator (used by checkpoints). */
    public static void write(VValue v, JsonGenerator g) throws IOException {
        if (v.isScalar()) {
            writeNumber(v.scalar, g);
            return;
        }
        g.writeStartObject();
        String[] keys = v.ks();
        VValue[] children = v.cs();
        for (int i = 0; i < keys.length; i++) {
            g.writeFieldName(keys[i]);
            write(children[i], g);
        }
        if (v.scalar != 0) {
            g.writeFieldName(SCALAR_KEY);
            writeNumber(v.scalar, g);
        }
        g.writeEndObject();
    }

    private static void writeNumber(double x, JsonGenerator g) throws IOException {
        if (!Double.isFinite(x)) throw new IllegalArgumentException("non-finite number cannot be written as JSON: " + x);
        if (x == Math.rint(x) && Math.abs(x) < 1e15) g.writeNumber((long) x);
        else g.writeNumber(x);
    }

    /** Writes {@code v} to {@code file} atomically (temp file in the same folder, then rename). */
    public static void writeFile(VValue v, Path file) throws IOException {
        writeAtomically(file, write(v) + "\n");
    }

    /**
     * Writes text to {@code file} atomically: a reader never sees a half-written file; a
     * symbolic link stays a link, and a non-regular file is refused (see {@link AtomicFile}).
     */
    public static void writeAtomically(Path file, String text) throws IOException {
        AtomicFile.write(file, text);
    }
}
