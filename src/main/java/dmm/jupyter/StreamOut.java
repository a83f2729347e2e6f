package dmm.jupyter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A cell's stdout or stderr as Jupyter {@code stream} messages, sent as the text is flushed (a
 * println flushes), so output appears while a cell runs. A progress line drawn in place (the
 * terminal's {@code \r ESC[2K} redraw that training uses) becomes one display updated in place
 * ({@code display_data}, then {@code update_display_data}) instead of a line per redraw.
 */
final class StreamOut extends OutputStream {
    private static final String REDRAW = "\r\033[2K";
    /** Text held before sending: a long print without a newline is sent in pieces of this size. */
    private static final int LIMIT = 8192;

    private final Kernel kernel;
    private final String name;
    private final Supplier<Wire.Message> parent;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private String progressId;

    StreamOut(Kernel kernel, String name, Supplier<Wire.Message> parent) {
        this.kernel = kernel;
        this.name = name;
        this.parent = parent;
    }

    @Override
    public synchronized void write(int b) {
        buf.write(b);
        if (buf.size() >= LIMIT) flush();
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        buf.write(b, off, len);
        if (buf.size() >= LIMIT) flush();
    }

    @Override
    public synchronized void flush() {
        if (buf.size() == 0) return;
        String text = buf.toString(StandardCharsets.UTF_8);
        buf.reset();
        int redraw = text.lastIndexOf(REDRAW);
        if (redraw < 0) {
            if (progressId != null && text.startsWith("\n")) text = text.substring(1); // the end of a redrawn line
            progressId = null;
            send(text);
            return;
        }
        send(text.substring(0, text.indexOf(REDRAW)));
        String line = text.substring(redraw + REDRAW.length());
        boolean first = progressId == null;
        if (first) progressId = UUID.randomUUID().toString();
        ObjectNode content = Wire.JSON.createObjectNode();
        content.putObject("data").put("text/plain", line);
        content.putObject("metadata");
        content.putObject("transient").put("display_id", progressId);
        kernel.publish(first ? "display_data" : "update_display_data", parent.get(), content);
    }

    /** Ends a progress display: the next redraw starts a new one. */
    synchronized void endProgress() {
        flush();
        progressId = null;
    }

    private void send(String text) {
        if (text.isEmpty()) return;
        kernel.publish("stream", parent.get(), Wire.JSON.createObjectNode().put("name", name).put("text", text));
    }
}
