package dmm.lang;

/**
 * A top-level name. Code refers to the var, not to its value, so a later {@code def} of the same
 * name changes every caller's behaviour from its next call (hot redefinition). The value is
 * volatile: a network running on another thread sees a redefinition at its next cycle.
 */
public final class Var {
    private final String name;
    private volatile Object value;
    private volatile boolean bound;
    private volatile String doc;
    private volatile String source;
    private volatile Object previous;
    private volatile boolean hadPrevious;

    public Var(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The current value; throws an {@link EvalError} naming the var when it is unbound. */
    public Object get() {
        if (!bound) throw new EvalError("unknown name `" + name + "`");
        return value;
    }

    public boolean isBound() {
        return bound;
    }

    /** Binds a new value, remembering the old one for {@link #restorePrevious()}. */
    public synchronized void set(Object v) {
        if (bound) {
            previous = value;
            hadPrevious = true;
        }
        value = v;
        bound = true;
    }

    /** True when {@link #restorePrevious()} has a previous value to bring back. */
    public boolean hasPrevious() {
        return hadPrevious;
    }

    /** Rebinds the value this var had before the last {@link #set}; false when there was none. */
    public synchronized boolean restorePrevious() {
        if (!hadPrevious) return false;
        Object cur = value;
        value = previous;
        previous = cur;
        return true;
    }

    public String doc() {
        return doc;
    }

    public void setDoc(String doc) {
        this.doc = doc;
    }

    /** The source text of the definition as last defined, or null. */
    public String source() {
        return source;
    }

    public void setSource(String source) {
        this.source = source;
    }

    @Override
    public String toString() {
        return "#'" + name;
    }
}
