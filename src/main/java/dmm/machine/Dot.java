package dmm.machine;

import dmm.ad.Ops;
import dmm.cancel.Cancelled;
import dmm.vvalue.AtomicFile;
import dmm.vvalue.VValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

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
    public static void renderWithGraphviz(String dot, String format, Path out) throws IOException {
        AtomicFile.resolve(out); // refuse a device or directory before running anything
        Process p;
        try {
            p = new ProcessBuilder("dot", "-T" + format).start();
        } catch (IOException e) {
            throw new MachineError("Graphviz `dot` is not installed: write a .dot file instead, or install graphviz");
        }
        CompletableFuture<byte[]> errors = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        try (var in = p.getOutputStream()) {
            in.write(dot.getBytes(StandardCharsets.UTF_8));
        }
        byte[] rendered = p.getInputStream().readAllBytes();
        try {
            if (p.waitFor() != 0)
                throw new MachineError("Graphviz `dot` failed: " + new String(errors.join(), StandardCharsets.UTF_8).trim());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cancelled();
        }
        AtomicFile.write(out, rendered);
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
