package dmm.vvalue;

/**
 * A NaN reached a V-value (a leaf, a scale factor, a sum). Typed so that training recognizes a
 * non-finite loss or gradient by its type, wherever it surfaces, never by its message.
 */
public final class NonFiniteException extends ArithmeticException {
    public NonFiniteException(String message) {
        super(message);
    }

    /** The NonFiniteException among {@code e} and its causes, or null. */
    public static NonFiniteException in(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) if (c instanceof NonFiniteException n) return n;
        return null;
    }
}
