package dmm.ad;

/** Misuse of the AD core: nested gradients, a non-scalar function value, and the like. */
public class AdException extends RuntimeException {
    public AdException(String message) {
        super(message);
    }
}
