package dmm.lang;

/** A symbol as a runtime value (from a quoted form). */
public record Symbol(String name) {
    @Override
    public String toString() {
        return name;
    }
}
