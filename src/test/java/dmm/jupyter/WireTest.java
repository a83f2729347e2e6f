package dmm.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireTest {
    private static List<byte[]> message(Wire w) {
        return w.encode(List.of("id".getBytes(StandardCharsets.UTF_8)), "execute_request", null,
                Wire.JSON.createObjectNode().put("code", "(+ 1 2)"), null);
    }

    @Test
    void messageSignedWithTheKeyDecodes() {
        Wire w = new Wire("secret");
        Wire.Message m = w.decode(message(w), new StringBuilder());
        assertNotNull(m);
        assertEquals("(+ 1 2)", m.content().get("code").asText());
        assertEquals("id", new String(m.identities().get(0), StandardCharsets.UTF_8));
    }

    @Test
    void messageSignedWithAnotherKeyIsRefused() {
        StringBuilder why = new StringBuilder();
        assertNull(new Wire("secret").decode(message(new Wire("other")), why));
        assertEquals("a message with a wrong signature (not signed with this kernel's key)", why.toString());
    }

    @Test
    void messageWithAChangedContentIsRefused() {
        Wire w = new Wire("secret");
        List<byte[]> frames = new ArrayList<>(message(w));
        frames.set(frames.size() - 1, "{\"code\":\"(rm-rf)\"}".getBytes(StandardCharsets.UTF_8));
        assertNull(w.decode(frames, new StringBuilder()));
    }

    @Test
    void signatureIsHmacSha256OfTheFourFrames() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                new Wire("Jefe").sign("what do ya ".getBytes(StandardCharsets.UTF_8), "want ".getBytes(StandardCharsets.UTF_8),
                        "for ".getBytes(StandardCharsets.UTF_8), "nothing?".getBytes(StandardCharsets.UTF_8)));
    }
}
