package dmm.bind;

import dmm.lang.Interpreter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** The interpreters tests run programs in: every binding installed, printing nowhere. */
public final class TestInterpreters {
    private TestInterpreters() {}

    /** A fresh interpreter with every binding, its output discarded. */
    public static Interpreter quiet() {
        Interpreter i = new Interpreter();
        i.setOut(new PrintStream(new ByteArrayOutputStream()));
        Bindings.install(i);
        return i;
    }

    /** {@link #quiet()} after evaluating {@code setup} (say {@code "(require lite)"}). */
    public static Interpreter quiet(String setup) {
        Interpreter i = quiet();
        i.eval("setup", setup);
        return i;
    }
}
