package dmm.cli;

import dmm.bind.Bindings;
import dmm.lang.Interpreter;
import dmm.study.StudyLib;
import dmm.view.ViewLib;
import java.io.PrintStream;

/** Assembles an interpreter with every package's built-ins installed. */
public final class Toolkit {
    private Toolkit() {}

    /** A fresh interpreter with the language, the machine and training built-ins. */
    public static Interpreter newInterpreter(PrintStream out, boolean debug) {
        Interpreter interp = new Interpreter();
        interp.setOut(out);
        interp.setDebug(debug);
        Bindings.install(interp);
        StudyLib.install(interp);
        ViewLib.install(interp);
        return interp;
    }
}
