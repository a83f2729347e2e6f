package dmm.bind;

import dmm.machine.Network;
import dmm.machine.Runner;
import dmm.lang.EvalError;
import dmm.lang.Interpreter;
import dmm.lang.Printer;
import dmm.lang.Values;
import java.util.ArrayList;
import java.util.List;

/**
 * The language surface of the machine, installed in one call: {@link NetworkForms} (defnet and
 * the wiring forms), {@link NetworkBuiltins}, {@link MatrixFiles} and {@link LiveBuiltins}; and
 * the argument helpers they share.
 */
public final class MachineLib {
    private MachineLib() {}

    /** Registers the machine's forms and built-ins in {@code interp}. */
    public static void install(Interpreter interp) {
        interp.addErrorTranslator(EngineErrors.TRANSLATOR);
        new NetworkForms(interp).install();
        new NetworkBuiltins(interp).install();
        new MatrixFiles(interp).install();
        new LiveBuiltins(interp).install();
        LanguageNeurons.install(interp);
        StandardFunctions.install(interp);
    }

    /** The runners of {@code interp}. */
    public static Runner.Registry runners(Interpreter interp) {
        return interp.extension(Runner.Registry.class, Runner.Registry::new);
    }

    public static Network asNetwork(Object v, String what) {
        return network(v, what);
    }

    static Network network(Object v, String what) {
        if (v instanceof Network n) return n;
        throw new EvalError(what + " expects a network, got " + Printer.describe(v));
    }

    // ------------------------------------------------------------------ built-ins

    static String nameArg(Object v) {
        return Values.name(v, "expected a neuron name (a quoted symbol like 'output, or a string)");
    }

    static List<String> names(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) for (Object o : l) out.add(nameArg(o));
        else out.add(nameArg(v));
        return out;
    }
}
