package dmm.jupyter;

import dmm.ad.Ops;
import dmm.machine.Network;
import dmm.machine.NeuronDecl;
import dmm.vvalue.VValue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network drawn as SVG, laid out as the browser view lays it out (view.js {@code layout}): a
 * column per distance from the neurons nothing feeds, neurons sorted by type then name in each
 * column; a link is a curve from its source to its target, blue for a positive soft weight, red
 * for a negative one, its width by |weight|, dashed when hard.
 */
final class NetworkSvg {
    private record Link(String from, String to, double w, boolean hard) {}

    private NetworkSvg() {}

    static String draw(Network net) {
        List<NeuronDecl> neurons = new ArrayList<>(net.neurons().values());
        List<Link> links = new ArrayList<>();
        collect(links, Ops.primal(net.softMatrix()), false);
        collect(links, net.hardMatrix(), true);
        Map<String, Integer> depth = depths(neurons, links);
        Map<Integer, List<NeuronDecl>> columns = new TreeMap<>();
        for (NeuronDecl d : neurons) columns.computeIfAbsent(depth.get(d.name()), k -> new ArrayList<>()).add(d);
        List<List<NeuronDecl>> cols = new ArrayList<>(columns.values());
        for (List<NeuronDecl> c : cols) c.sort(Comparator.comparing(NeuronDecl::type).thenComparing(NeuronDecl::name));
        int tallest = cols.stream().mapToInt(List::size).max().orElse(1);
        double width = Math.max(480, 160 * cols.size()), rowH = 56, margin = 70;
        double height = margin + tallest * rowH + 20;
        double colW = cols.size() > 1 ? (width - 2 * margin) / (cols.size() - 1) : 0;
        Map<String, double[]> pos = new LinkedHashMap<>();
        for (int i = 0; i < cols.size(); i++) {
            List<NeuronDecl> c = cols.get(i);
            double top = margin / 2 + (tallest - c.size()) * rowH / 2 + rowH / 2;
            for (int j = 0; j < c.size(); j++)
                pos.put(c.get(j).name(), new double[] {cols.size() > 1 ? margin + i * colW : width / 2, top + j * rowH});
        }
        double maxW = links.stream().filter(l -> !l.hard).mapToDouble(l -> Math.abs(l.w)).max().orElse(1);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" style=\"max-width:100%%;height:auto\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        s.append("<title>").append(escape(net.name())).append(" — ").append(neurons.size()).append(" neurons, ")
                .append(net.softLinkCount()).append(" soft links</title>\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        for (Link l : links) {
            double[] a = pos.get(l.from), b = pos.get(l.to);
            if (a == null || b == null) continue;
            String colour = l.hard ? "#555" : l.w >= 0 ? "#1f77b4" : "#d62728";
            double sw = l.hard ? 1.2 : 0.8 + 3.2 * Math.abs(l.w) / (maxW == 0 ? 1 : maxW);
            String path;
            if (l.from.equals(l.to)) {
                path = String.format(Locale.ROOT, "M%.1f %.1f c -30 -40, 30 -40, 0 -18", a[0] - 6, a[1] - 14);
            } else {
                double mx = (a[0] + b[0]) / 2, my = (a[1] + b[1]) / 2 - (a[0] >= b[0] ? 40 : 0);
                path = String.format(Locale.ROOT, "M%.1f %.1f Q%.1f %.1f %.1f %.1f", a[0], a[1], mx, my, b[0], b[1]);
            }
            s.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.2f\" stroke-opacity=\"0.75\"%s>"
                    + "<title>%s → %s  %s</title></path>%n", path, colour, sw, l.hard ? " stroke-dasharray=\"4 3\"" : "",
                    escape(l.from), escape(l.to), l.hard ? "hard " + fmt(l.w) : fmt(l.w)));
        }
        for (NeuronDecl d : neurons) {
            double[] p = pos.get(d.name());
            s.append(String.format(Locale.ROOT, "<g><circle cx=\"%.1f\" cy=\"%.1f\" r=\"13\" fill=\"#f4f1de\" stroke=\"#333\"/>"
                    + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>"
                    + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#777\" font-size=\"10\">%s</text></g>%n",
                    p[0], p[1], p[0], p[1] - 17, escape(d.name()), p[0], p[1] + 25, escape(d.type())));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    /** The links of a rank-6 matrix: paths {@code [to-type, to, to-field, from-type, from, from-field...]}. */
    private static void collect(List<Link> out, VValue matrix, boolean hard) {
        if (matrix == null) return;
        matrix.forEachLeaf((p, w) -> {
            if (p.size() >= 5) out.add(new Link(p.get(4), p.get(1), w, hard));
        });
    }

    /** Columns: the distance from the neurons no link feeds (the first neuron when every one is fed); the unreached last. */
    private static Map<String, Integer> depths(List<NeuronDecl> neurons, List<Link> links) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        Map<String, Integer> fedBy = new LinkedHashMap<>();
        for (NeuronDecl d : neurons) {
            out.put(d.name(), new LinkedHashSet<>());
            fedBy.put(d.name(), 0);
        }
        for (Link l : links) {
            if (l.from.equals(l.to) || !out.containsKey(l.from) || !out.containsKey(l.to)) continue;
            if (out.get(l.from).add(l.to)) fedBy.merge(l.to, 1, Integer::sum);
        }
        Map<String, Integer> depth = new LinkedHashMap<>();
        Deque<String> queue = new ArrayDeque<>();
        for (NeuronDecl d : neurons) if (fedBy.get(d.name()) == 0) queue.add(d.name());
        if (queue.isEmpty() && !neurons.isEmpty()) queue.add(neurons.get(0).name());
        for (String n : queue) depth.put(n, 0);
        while (!queue.isEmpty()) {
            String n = queue.poll();
            for (String m : out.get(n)) {
                if (!depth.containsKey(m)) {
                    depth.put(m, depth.get(n) + 1);
                    queue.add(m);
                }
            }
        }
        int max = depth.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        for (NeuronDecl d : neurons) depth.putIfAbsent(d.name(), max + 1);
        // layered networks (the feedforward transducer's neurons are named type-LAYER-COPY): a column
        // per layer, the sources before them and the neurons fed by the last layer after them
        List<String> layered = neurons.stream().map(NeuronDecl::name).filter(n -> layerOf(n) >= 0).toList();
        if (!layered.isEmpty() && layered.size() * 2 >= neurons.size()) {
            int top = layered.stream().mapToInt(NetworkSvg::layerOf).max().orElse(0);
            Map<String, Set<String>> in = new LinkedHashMap<>();
            for (Map.Entry<String, Set<String>> e : out.entrySet())
                for (String to : e.getValue()) in.computeIfAbsent(to, k -> new LinkedHashSet<>()).add(e.getKey());
            for (NeuronDecl d : neurons) {
                int layer = layerOf(d.name());
                Set<String> from = in.getOrDefault(d.name(), Set.of());
                depth.put(d.name(), layer >= 0 ? layer : from.stream().allMatch(m -> layerOf(m) < 0) ? 0 : top + 1);
            }
        }
        return depth;
    }

    private static final Pattern LAYERED = Pattern.compile("-(\\d+)-(\\d+)$");

    /** The layer of a neuron named type-LAYER-COPY, or -1. */
    private static int layerOf(String name) {
        Matcher m = LAYERED.matcher(name);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static String fmt(double w) {
        return String.format(Locale.ROOT, "%.4g", w);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
