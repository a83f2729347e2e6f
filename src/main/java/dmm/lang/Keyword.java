package dmm.lang;

import dmm.vvalue.VValuePrinter;

/** A keyword such as {@code :dict-1}; its name is a V-value key. */
public record Keyword(String name) {
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (VValuePrinter.isSimpleKey(name)) sb.append(':').append(name);
        else {
            sb.append(':');
            VValuePrinter.quote(name, sb);
        }
        return sb.toString();
    }
}
