package dmm.lang;

/**
 * An error meant for people: a message, the place it arose (when known) and a formatted report
 * {@code file:line:col: message} with the source line and a caret.
 */
public class DmmException extends RuntimeException {
    private Span span;

    public DmmException(String message, Span span) {
        super(message);
        this.span = span;
    }

    public DmmException(String message, Span span, Throwable cause) {
        super(message, cause);
        this.span = span;
    }

    /** Where the error arose, or null. */
    public Span span() {
        return span;
    }

    /** Attaches a place when none is known yet. */
    public DmmException at(Span s) {
        if (span == null) span = s;
        return this;
    }

    /** The bare message without place. */
    public String bareMessage() {
        return super.getMessage();
    }

    /** The full report: {@code file:line:col: message}, the source line and a caret. */
    public String report() {
        if (span == null) return "error: " + bareMessage();
        String ex = span.excerpt();
        return span.where() + ": " + bareMessage() + (ex.isEmpty() ? "" : "\n" + ex);
    }

    @Override
    public String getMessage() {
        return span == null ? bareMessage() : span.where() + ": " + bareMessage();
    }
}
