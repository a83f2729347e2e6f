package dmm.cli;

import dmm.lang.Interpreter;
import java.io.PrintStream;

/** Assembles an interpreter with every package's built-ins installed. */
public final class Toolkit {
    private Toolkit() {}

    /** A fresh interpreter with the language, the machine and training built-ins. */
    public static Interpreter newInterpreter(PrintStream out, boolean debug) {
        Interpreter interp = new Interpreter();
        interp.setOut(out);
        interp.setDebug(debug);
        dmm.bind.Bindings.install(interp);
        dmm.study.StudyLib.install(interp);
        dmm.view.ViewLib.install(interp);
        return interp;
    }
}
