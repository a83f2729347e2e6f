package dmm.machine;

import dmm.vvalue.VValue;
import dmm.vvalue.VValuePrinter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Readable link lists: {@code to.field <- weight from.field}, sorted. */
public final class Links {
    private Links() {}

    /** The links of a rank-6 matrix (types omitted), sorted by target then source. */
    public static List<String> describe(VValue m) {
        List<String> out = new ArrayList<>();
        m.forEachLeaf((p, w) -> {
            if (p.size() < 6) {
                out.add("(malformed entry at " + String.join(".", p) + ": " + VValuePrinter.number(w) + ")");
                return;
            }
            String from = String.join(".", p.subList(4, p.size()));
            out.add(p.get(1) + "." + p.get(2) + " <- " + format(w) + " " + from);
        });
        out.sort(null);
        return out;
    }

    static String format(double w) {
        if (w == Math.rint(w) && Math.abs(w) < 1e6) return VValuePrinter.number(w);
        return String.format(Locale.ROOT, "%.4g", w).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e").replaceAll("\\.$", "");
    }
}
