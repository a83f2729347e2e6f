package dmm.jupyter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A cell's stdout or stderr as Jupyter {@code stream} messages, sent when the text is flushed:
 * by the session every {@link Session#FLUSH_MS} ms while a cell runs (so output appears while it
 * runs, lines written close together in one message) and when the cell ends. A progress line drawn in place (the
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
    /** The display of the current progress line (null: the next redraw starts one). */
    private String progressId;
    /** A progress line was drawn and no newline has ended it yet. */
    private boolean lineOpen;

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

    /**
     * Sends what was written: plain text as one stream message; each run of progress redraws as
     * one update of the progress display (its last line), the display ended by the newline after it.
     */
    @Override
    public synchronized void flush() {
        if (buf.size() == 0) return;
        String text = buf.toString(StandardCharsets.UTF_8);
        buf.reset();
        StringBuilder plain = new StringBuilder();
        String progress = null;
        int i = 0, n = text.length();
        while (i < n) {
            if (text.startsWith(REDRAW, i)) {
                send(plain);
                int from = i + REDRAW.length();
                int nl = text.indexOf('\n', from), next = text.indexOf(REDRAW, from);
                int end = Math.min(nl < 0 ? n : nl, next < 0 ? n : next);
                progress = text.substring(from, end);
                lineOpen = true;
                i = end;
            } else if (lineOpen && text.charAt(i) == '\n') {
                showProgress(progress);
                progress = null;
                progressId = null;   // the next redraw starts a new display
                lineOpen = false;
                i++;
            } else {
                plain.append(text.charAt(i++));
            }
        }
        showProgress(progress);
        send(plain);
    }

    private void showProgress(String line) {
        if (line == null) return;
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
        lineOpen = false;
    }

    private void send(StringBuilder text) {
        if (text.length() == 0) return;
        kernel.publish("stream", parent.get(), Wire.JSON.createObjectNode().put("name", name).put("text", text.toString()));
        text.setLength(0);
    }
}
