package dmm.lang;

import java.util.ArrayList;
import java.util.List;

/**
 * An error while evaluating: the failing form's place plus the chain of calls (function names
 * with the places of the calls) that led there, innermost first. Runs of repeated calls (a
 * recursion, or a cycle of mutually recursive calls) are folded into one entry with a count,
 * so a stack overflow 100000 calls deep reports a few lines. Exit code 70.
 */
public class EvalError extends DmmException {
    /** At most this many trace entries are kept (a folded run counts as its calls plus one). */
    static final int MAX_LINES = 30;
    /** The longest cycle of calls folded as one repeated unit. */
    static final int MAX_PERIOD = 4;

    /** Trace entries, innermost first: a call, a repetition of the calls before it, or a line of context. */
    private final List<Object> entries = new ArrayList<>();
    /** The repetition being extended (the last entry), or null. */
    private Repeat open;
    /** Calls left off after {@link #MAX_LINES}. */
    private long omitted;

    private record Call(String fn, Span site) {
        boolean same(Call o) {
            return fn.equals(o.fn) && site.source() == o.site.source() && site.start() == o.site.start();
        }

        @Override
        public String toString() {
            return "  in " + fn + " called at " + site.where();
        }
    }

    /** The {@code period} calls before this entry occur {@code times} times in a row in all. */
    private static final class Repeat {
        final int period;
        long times = 2;
        /** How many calls of the next repetition have been matched so far. */
        int phase;

        Repeat(int period) {
            this.period = period;
        }
    }

    public EvalError(String message) {
        super(message, null);
    }

    public EvalError(String message, Span span) {
        super(message, span);
    }

    public EvalError(String message, Span span, Throwable cause) {
        super(message, span, cause);
    }

    /** An out-of-memory error for people: what was being done, the heap limit and how to raise it. */
    public static EvalError outOfMemory(String doing, Span span) {
        long max = Runtime.getRuntime().maxMemory();
        String limit = max == Long.MAX_VALUE ? "" : "the Java heap is limited to " + mb(max) + "; ";
        String more = max == Long.MAX_VALUE ? "-Xmx8g" : "-Xmx" + suggest(max);
        return new EvalError("out of memory while " + doing + " (" + limit + "allow more with DMM_JAVA_OPTS=" + more
                + ", or make the data smaller)", span);
    }

    private static String mb(long bytes) {
        long m = bytes >> 20;
        return m >= 10240 ? (m >> 10) + " GB" : m + " MB";
    }

    private static String suggest(long max) {
        long m = Math.max(256, (max >> 20) * 2);
        return m >= 2048 ? ((m + 1023) >> 10) + "g" : m + "m";
    }

    /** Records that the error passed through a call of {@code fnName} at {@code callSite}. */
    public void addCall(String fnName, Span callSite) {
        Call c = new Call(fnName, callSite);
        if (open != null) {
            Call expected = (Call) entries.get(entries.size() - 1 - open.period + open.phase);
            if (expected.same(c)) {
                if (++open.phase == open.period) {
                    open.phase = 0;
                    open.times++;
                }
                return;
            }
            // the run ended part-way through a repetition: those calls are ordinary entries again
            Repeat r = open;
            open = null;
            List<Object> partial = new ArrayList<>(entries.subList(entries.size() - 1 - r.period, entries.size() - 1 - r.period + r.phase));
            for (Object p : partial) append(p);
        }
        append(c);
        fold();
    }

    /** Adds a line of context (e.g. which neuron at which cycle) to the trace. */
    public void addContext(String line) {
        open = null;
        append("  " + line);
    }

    private void append(Object entry) {
        if (entries.size() >= MAX_LINES) {
            omitted++;
            return;
        }
        entries.add(entry);
    }

    /** Folds the newest calls when they repeat the calls just before them. */
    private void fold() {
        int n = entries.size();
        for (int p = 1; p <= MAX_PERIOD && 2 * p <= n; p++) {
            boolean match = true;
            for (int i = 0; i < p && match; i++) {
                Object a = entries.get(n - 1 - i), b = entries.get(n - 1 - p - i);
                match = a instanceof Call ca && b instanceof Call cb && ca.same(cb);
            }
            if (match) {
                entries.subList(n - p, n).clear();
                open = new Repeat(p);
                entries.add(open);
                return;
            }
        }
    }

    /** The trace lines, innermost first. */
    public List<String> trace() {
        List<String> out = new ArrayList<>();
        for (Object e : entries) {
            if (e instanceof Repeat r) {
                if (r.period == 1) {
                    int last = out.size() - 1;
                    out.set(last, out.get(last) + " (repeated " + r.times + " times)");
                } else out.add("  (the " + r.period + " calls above repeated " + r.times + " times)");
            } else out.add(e.toString());
        }
        if (omitted > 0) out.add("  ... (" + omitted + " more)");
        return out;
    }

    @Override
    public String report() {
        String r = super.report();
        List<String> trace = trace();
        return trace.isEmpty() ? r : r + "\n" + String.join("\n", trace);
    }
}
