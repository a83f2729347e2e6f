package dmm.jupyter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Jupyter wire format: a message's frames ({@code identities, <IDS|MSG>, signature, header,
 * parent_header, metadata, content, buffers}) and their HMAC-SHA256 signature over the four JSON
 * frames. A message whose signature does not match is refused ({@link #decode} returns null):
 * the kernel executes code only for whoever holds the connection file's key.
 */
final class Wire {
    static final String PROTOCOL_VERSION = "5.3";
    private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);
    static final ObjectMapper JSON = new ObjectMapper();

    /** A decoded message; {@code identities} route a reply back to its sender on a ROUTER socket. */
    record Message(List<byte[]> identities, ObjectNode header, JsonNode parent, ObjectNode metadata, ObjectNode content) {
        String type() {
            return header.path("msg_type").asText("");
        }
    }

    private final byte[] key;
    private final String session = UUID.randomUUID().toString();

    Wire(String key) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    /** The signature of the four JSON frames, as lowercase hex; empty when the key is empty (signing off). */
    String sign(byte[]... frames) {
        if (key.length == 0) return "";
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] f : frames) mac.update(f);
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    /**
     * The message in {@code frames}, or null when it is malformed or wrongly signed (compared in
     * constant time). {@code why} receives the reason for a refusal.
     */
    Message decode(List<byte[]> frames, StringBuilder why) {
        int d = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(frames.get(i), DELIMITER)) {
                d = i;
                break;
            }
        }
        if (d < 0 || frames.size() < d + 6) {
            why.append("a message without the <IDS|MSG> delimiter and its five frames");
            return null;
        }
        byte[] sig = frames.get(d + 1);
        byte[] h = frames.get(d + 2), p = frames.get(d + 3), m = frames.get(d + 4), c = frames.get(d + 5);
        byte[] expected = sign(h, p, m, c).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, sig)) {
            why.append("a message with a wrong signature (not signed with this kernel's key)");
            return null;
        }
        try {
            JsonNode header = JSON.readTree(h), metadata = JSON.readTree(m), content = JSON.readTree(c);
            if (!(header instanceof ObjectNode hn) || !(content instanceof ObjectNode cn)) {
                why.append("a message whose header or content is not a JSON object");
                return null;
            }
            ObjectNode md = metadata instanceof ObjectNode mn ? mn : JSON.createObjectNode();
            return new Message(new ArrayList<>(frames.subList(0, d)), hn, JSON.readTree(p), md, cn);
        } catch (IOException e) {
            why.append("a message whose frames are not JSON");
            return null;
        }
    }

    /** The frames of a new message of {@code type} answering {@code parent} (null for none), to {@code identities}. */
    List<byte[]> encode(List<byte[]> identities, String type, Message parent, ObjectNode content, ObjectNode metadata) {
        ObjectNode header = JSON.createObjectNode();
        header.put("msg_id", UUID.randomUUID().toString());
        header.put("session", session);
        header.put("username", "dmm");
        header.put("date", Instant.now().toString());
        header.put("msg_type", type);
        header.put("version", PROTOCOL_VERSION);
        try {
            byte[] h = JSON.writeValueAsBytes(header);
            byte[] p = parent == null ? "{}".getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(parent.header());
            byte[] m = JSON.writeValueAsBytes(metadata == null ? JSON.createObjectNode() : metadata);
            byte[] c = JSON.writeValueAsBytes(content);
            List<byte[]> out = new ArrayList<>(identities);
            out.add(DELIMITER);
            out.add(sign(h, p, m, c).getBytes(StandardCharsets.US_ASCII));
            out.add(h);
            out.add(p);
            out.add(m);
            out.add(c);
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a message that cannot be written as JSON: " + type, e);
        }
    }
}
