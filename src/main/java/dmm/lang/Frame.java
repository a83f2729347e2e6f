package dmm.lang;

/** The activation of a function (or of a top-level form): its local slots and captured values. */
public final class Frame {
    final Object[] slots;
    final Closure closure;

    Frame(int size, Closure closure) {
        this.slots = size == 0 ? NO_SLOTS : new Object[size];
        this.closure = closure;
    }

    private static final Object[] NO_SLOTS = new Object[0];
}
