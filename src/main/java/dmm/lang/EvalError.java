package dmm.lang;

import java.util.ArrayList;
import java.util.List;

/**
 * An error while evaluating: the failing form's place plus the chain of calls (function names
 * with the places of the calls) that led there, innermost first. Exit code 70.
 */
public class EvalError extends DmmException {
    private final List<String> trace = new ArrayList<>();

    public EvalError(String message) {
        super(message, null);
    }

    public EvalError(String message, Span span) {
        super(message, span);
    }

    public EvalError(String message, Span span, Throwable cause) {
        super(message, span, cause);
    }

    /** Records that the error passed through a call of {@code fnName} at {@code callSite}. */
    public void addCall(String fnName, Span callSite) {
        if (trace.size() < 30) trace.add("  in " + fnName + " called at " + callSite.where());
        else if (trace.size() == 30) trace.add("  ...");
    }

    /** Adds a line of context (e.g. which neuron at which cycle) to the trace. */
    public void addContext(String line) {
        if (trace.size() <= 30) trace.add("  " + line);
    }

    public List<String> trace() {
        return trace;
    }

    @Override
    public String report() {
        String r = super.report();
        return trace.isEmpty() ? r : r + "\n" + String.join("\n", trace);
    }
}
