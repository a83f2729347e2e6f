package dmm.jupyter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/** A Jupyter connection file: where the five sockets listen and the key messages are signed with. */
record Connection(String transport, String ip, int shell, int iopub, int stdin, int control, int heartbeat,
                  String key, String signatureScheme) {

    /** Reads a connection file; a missing or malformed one is an error that names the file and what was wrong. */
    static Connection read(Path file) {
        JsonNode j;
        try {
            j = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the connection file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        if (j == null || !j.isObject()) throw new IllegalArgumentException("the connection file " + file + " is not a JSON object");
        String scheme = text(j, "signature_scheme", "hmac-sha256", file);
        if (!scheme.equals("hmac-sha256") && !scheme.isEmpty())
            throw new IllegalArgumentException("the connection file " + file + " asks for signature scheme `" + scheme
                    + "`; dmm signs with hmac-sha256");
        return new Connection(text(j, "transport", "tcp", file), text(j, "ip", "127.0.0.1", file),
                port(j, "shell_port", file), port(j, "iopub_port", file), port(j, "stdin_port", file),
                port(j, "control_port", file), port(j, "hb_port", file), text(j, "key", "", file), scheme);
    }

    private static String text(JsonNode j, String field, String dflt, Path file) {
        JsonNode v = j.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.isTextual()) throw new IllegalArgumentException("the connection file " + file + ": `" + field + "` must be a string");
        return v.asText();
    }

    private static int port(JsonNode j, String field, Path file) {
        JsonNode v = j.get(field);
        if (v == null || !v.canConvertToInt() || v.asInt() <= 0 || v.asInt() > 65535)
            throw new IllegalArgumentException("the connection file " + file + ": `" + field + "` must be a port number (1-65535)");
        return v.asInt();
    }

    String address(int port) {
        return transport + "://" + ip + ":" + port;
    }
}
