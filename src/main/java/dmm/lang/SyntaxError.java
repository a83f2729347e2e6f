package dmm.lang;

/** Malformed source text. Exit code 65 from the command line. */
public final class SyntaxError extends DmmException {
    public SyntaxError(String message, Span span) {
        super(message, span);
    }
}
