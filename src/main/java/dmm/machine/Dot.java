package dmm.machine;

import dmm.ad.Ops;
import dmm.vvalue.VValue;
import java.util.Set;
import java.util.TreeSet;

/** Graphviz DOT rendering of a network: neurons as boxes, links as labelled edges. */
public final class Dot {
    private Dot() {}

    public static String render(Network net) {
        StringBuilder sb = new StringBuilder();
        sb.append("digraph \"").append(esc(net.name())).append("\" {\n");
        sb.append("  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
        Set<String> nodes = new TreeSet<>();
        for (NeuronDecl d : net.neurons().values()) {
            nodes.add(d.name());
            sb.append("  \"").append(esc(d.name())).append("\" [label=\"").append(esc(d.name())).append("\\n(")
                    .append(esc(d.type())).append(")\"];\n");
        }
        edges(Ops.primal(net.softMatrix()), false, sb);
        edges(net.hardMatrix(), true, sb);
        sb.append("}\n");
        return sb.toString();
    }

    private static void edges(VValue m, boolean hard, StringBuilder sb) {
        m.forEachLeaf((p, w) -> {
            if (p.size() < 6) return;
            String from = p.get(4), to = p.get(1);
            String label = String.join(".", p.subList(5, p.size())) + " → " + p.get(2) + (w == 1 ? "" : " (" + Links.format(w) + ")");
            sb.append("  \"").append(esc(from)).append("\" -> \"").append(esc(to)).append("\" [label=\"").append(esc(label)).append('"');
            if (hard) sb.append(", style=dashed");
            else if (w < 0) sb.append(", color=red");
            sb.append("];\n");
        });
    }

    /**
     * Renders DOT text to SVG or PNG with Graphviz's {@code dot} and writes the result
     * atomically (a link stays a link; a device or directory is refused); a clear error when
     * Graphviz is not installed.
     */
    public static void renderWithGraphviz(String dot, String format, java.nio.file.Path out) throws java.io.IOException {
        dmm.vvalue.AtomicFile.resolve(out); // refuse a device or directory before running anything
        Process p;
        try {
            p = new ProcessBuilder("dot", "-T" + format).start();
        } catch (java.io.IOException e) {
            throw new MachineError("Graphviz `dot` is not installed: write a .dot file instead, or install graphviz");
        }
        java.util.concurrent.CompletableFuture<byte[]> errors = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (java.io.IOException e) {
                return new byte[0];
            }
        });
        try (var in = p.getOutputStream()) {
            in.write(dot.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        byte[] rendered = p.getInputStream().readAllBytes();
        try {
            if (p.waitFor() != 0)
                throw new MachineError("Graphviz `dot` failed: " + new String(errors.join(), java.nio.charset.StandardCharsets.UTF_8).trim());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dmm.cancel.Cancelled();
        }
        dmm.vvalue.AtomicFile.write(out, rendered);
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
