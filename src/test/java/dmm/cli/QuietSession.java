package dmm.cli;

import dmm.lang.Interpreter;
import dmm.lang.Printer;
import dmm.lang.Values;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** A toolkit interpreter whose printing is discarded, for tests that evaluate forms and read their values. */
final class QuietSession {
    final Interpreter interp = Toolkit.newInterpreter(new PrintStream(new ByteArrayOutputStream()), false);

    /** A session that has evaluated {@code setup} (definitions the tests share). */
    QuietSession(String setup) {
        interp.eval("setup", setup);
    }

    /** The printed form of the value of {@code code}. */
    String print(String code) {
        return Printer.print(interp.eval("test", code));
    }

    /** The value of {@code code} as a number. */
    double num(String code) {
        return Values.toDouble(interp.eval("test", code), "test");
    }
}
