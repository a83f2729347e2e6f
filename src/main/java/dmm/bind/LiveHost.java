package dmm.bind;

import dmm.cancel.CancelToken;
import dmm.lang.Interpreter;
import dmm.lang.Printer;
import dmm.lang.Var;
import dmm.machine.Network;
import dmm.machine.NeuronTypes;
import dmm.machine.Runner;
import java.util.List;

/**
 * A live network's host in the language: lines above the REPL's prompt, errors reported with
 * their place, the restore hint for a failed type, watch lines in the language's printing.
 */
final class LiveHost implements Runner.Host {
    private final Interpreter interp;

    LiveHost(Interpreter interp) {
        this.interp = interp;
    }

    @Override
    public void notify(String line) {
        interp.notify(line);
    }

    @Override
    public String describe(RuntimeException error) {
        return Bindings.describe(error);
    }

    @Override
    public String recoveryHint(String failedType) {
        // name the type to restore when the failing neuron's type has a previous definition
        Var type = interp.findNeuronType(failedType);
        return type != null && type.hasPrevious() ? ", or (restore! '" + failedType + ") to bring back its previous definition" : "";
    }

    @Override
    public String watchLine(Network after, Runner.Watch watch) {
        return line(after, watch.outputs(), watch.inputs());
    }

    @Override
    public NeuronTypes types() {
        return LanguageNeurons.types(interp);
    }

    @Override
    public CancelToken callerToken() {
        return interp.cancelToken();
    }

    /** A watch line: the cycle, then each watched neuron's outputs (or {@code name<-} inputs). */
    static String line(Network net, List<String> outs, List<String> ins) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%5d", net.cycle()));
        for (String n : outs) sb.append("  ").append(n).append(" ").append(Printer.print(net.outputOf(n)));
        for (String n : ins) sb.append("  ").append(n).append("<- ").append(Printer.print(net.inputOf(n)));
        return sb.toString();
    }
}
