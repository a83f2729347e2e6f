package dmm.view;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dmm.ad.Ops;
import dmm.bind.MachineLib;
import dmm.bind.TrainRuns;
import dmm.lang.Interpreter;
import dmm.lang.Printer;
import dmm.machine.Network;
import dmm.machine.NeuronDecl;
import dmm.machine.Runner;
import dmm.train.TrainControl;
import dmm.train.TrainLog;
import dmm.train.TrainRun;
import dmm.vvalue.VValue;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the browser view shows, as JSON: every live network and every background training run
 * of a session. Built on the viewer's own thread from immutable values (a runner's current
 * network, a run's latest network and its history), so building it never blocks a network or a
 * trainer. One {@code ViewState} per client remembers what that client has already received
 * (network structures, history points), so each update carries only what changed.
 */
final class ViewState {
    /** A printed V-value in a hover box is cut to this many characters. */
    static final int MAX_VALUE_CHARS = 400;
    /** At most this many history points per run and update: a run keeps at most this many (thinned out beyond), so a new client gets its whole curve. */
    static final int MAX_POINTS = 20_000;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private final Interpreter interp;
    /** A network with more soft links than this gets its weights at most once a second (a training step changes all of them). */
    static final int LARGE_NETWORK = 300;
    /** Significant digits of a weight sent for display. */
    static final int WEIGHT_DIGITS = 4;

    /** Per network key: what was last sent of its structure (hard matrix identity, soft link set, status), so it goes out only when it changed. */
    private final Map<String, Object[]> sentStructure = new HashMap<>();
    /** Per network key: the soft matrix whose weights were last sent (identity), the weights as sent, and when. */
    private final Map<String, Object[]> sentWeights = new HashMap<>();
    private final Map<String, Long> sentCycle = new HashMap<>();
    private final Map<Integer, Long> sentSeq = new HashMap<>();
    private final Map<Integer, Integer> sentMessages = new HashMap<>();

    ViewState(Interpreter interp) {
        this.interp = interp;
    }

    /** The next update for this client, or null when nothing changed since the last one. */
    ObjectNode next() {
        ObjectNode root = JSON.objectNode();
        boolean changed = false;
        ArrayNode nets = root.putArray("networks");
        Set<String> present = new HashSet<>();
        for (Runner r : MachineLib.runners(interp).all()) {
            String key = "live:" + r.name();
            present.add(key);
            changed |= network(nets, key, r.current(), r.isPaused() ? "paused" : "running", null, true);
        }
        ArrayNode runs = root.putArray("runs");
        for (TrainRun run : TrainRuns.runs(interp).all()) {
            String key = "train:" + run.id();
            present.add(key);
            changed |= network(nets, key, run.network(), run.status().word(), run.id(), false);
            changed |= run(runs, run);
        }
        if (sentStructure.keySet().retainAll(present)) changed = true;
        sentWeights.keySet().retainAll(present);
        sentCycle.keySet().retainAll(present);
        return changed ? root : null;
    }

    /** Forgets what was sent (a reconnected client gets everything again). */
    void reset() {
        sentStructure.clear();
        sentWeights.clear();
        sentCycle.clear();
        sentSeq.clear();
        sentMessages.clear();
    }

    private boolean network(ArrayNode out, String key, Network net, String status, Integer run, boolean live) {
        Object soft = net.softMatrix();
        VValue hard = net.hardMatrix();
        VValue softValue = Ops.primal(soft);
        Object[] last = sentStructure.get(key);
        Object[] lastWeights = sentWeights.get(key);
        boolean sameSoft = lastWeights != null && lastWeights[0] == soft;
        // a training step gives new weights on the same links: the link set (its paths) decides whether the structure changed
        long linkSet = sameSoft ? (long) last[3] : linkSetSignature(softValue);
        boolean structure = last == null || last[1] != hard || !status.equals(last[2]) || (long) last[3] != linkSet;
        boolean weights = false;
        Long cycle = sentCycle.get(key);
        boolean values = live && (cycle == null || cycle != net.cycle());
        ObjectNode n = out.addObject();
        n.put("key", key);
        n.put("name", net.name());
        n.put("status", status);
        n.put("cycle", net.cycle());
        n.put("live", live);
        if (run != null) n.put("run", run);
        n.put("softLinks", net.softLinkCount());
        if (structure) {
            ArrayNode neurons = n.putArray("neurons");
            for (NeuronDecl d : net.neurons().values()) {
                ObjectNode x = neurons.addObject();
                x.put("name", d.name());
                x.put("type", d.type());
            }
            ArrayNode links = n.putArray("links");
            links(links, softValue, false);
            links(links, hard, true);
            sentStructure.put(key, new Object[] {soft, hard, status, linkSet});
            sentWeights.put(key, new Object[] {soft, rounded(softValue), System.nanoTime()});
        } else if (!sameSoft) {
            // the same links with new weights: only the weights, in the links' order, rounded for display
            long now = System.nanoTime();
            boolean due = net.softLinkCount() <= LARGE_NETWORK || lastWeights == null || now - (long) lastWeights[2] >= 1_000_000_000L;
            if (due) {
                double[] w = rounded(softValue);
                if (lastWeights == null || !Arrays.equals(w, (double[]) lastWeights[1])) {
                    ArrayNode ws = n.putArray("weights");
                    for (double x : w) ws.add(x);
                    sentWeights.put(key, new Object[] {soft, w, now});
                    weights = true;
                } else {
                    sentWeights.put(key, new Object[] {soft, w, now});
                }
            }
        }
        if (values || (structure && live)) {
            ObjectNode vals = n.putObject("values");
            for (String name : net.neurons().keySet()) {
                ObjectNode v = vals.putObject(name);
                v.put("in", print(net.inputOf(name)));
                v.put("out", print(net.outputOf(name)));
            }
            sentCycle.put(key, net.cycle());
        }
        return structure || values || weights;
    }

    /** A digest of the soft links' paths (not their weights). */
    private static long linkSetSignature(VValue soft) {
        long[] h = {1125899906842597L};
        soft.forEachLeaf((p, w) -> {
            for (String part : p) h[0] = 31 * h[0] + part.hashCode();
            h[0] = 31 * h[0] + 7;
        });
        return h[0];
    }

    /** The soft weights in the order {@link #links} lists them, to {@link #WEIGHT_DIGITS} significant digits. */
    private static double[] rounded(VValue soft) {
        List<Double> ws = new ArrayList<>();
        soft.forEachLeaf((p, w) -> {
            if (p.size() >= 5) ws.add(w);
        });
        double[] out = new double[ws.size()];
        for (int i = 0; i < out.length; i++) out[i] = round(ws.get(i));
        return out;
    }

    static double round(double w) {
        return w == 0 || !Double.isFinite(w) ? w : new BigDecimal(w).round(new MathContext(WEIGHT_DIGITS)).doubleValue();
    }

    private static void links(ArrayNode out, VValue matrix, boolean hard) {
        matrix.forEachLeaf((p, w) -> {
            if (p.size() < 5) return;   // a scalar or partial path: not a link
            ObjectNode l = out.addObject();
            l.put("to", p.get(1));
            l.put("toField", p.get(2));
            l.put("from", p.get(4));
            l.put("fromField", String.join(".", p.subList(5, p.size())));
            l.put("w", hard ? w : round(w));
            if (hard) l.put("hard", true);
            ArrayNode path = l.putArray("path");
            for (String s : p) path.add(s);
        });
    }

    private boolean run(ArrayNode out, TrainRun run) {
        ObjectNode r = out.addObject();
        r.put("id", run.id());
        r.put("name", run.name());
        r.put("kind", run.kind());
        r.put("status", run.status().word());
        r.put("phase", run.phase().word());
        r.put("target", run.target());
        r.put("startStep", run.startStep());
        if (run.error() != null) r.put("error", run.error());
        TrainRun.Point last = run.last();
        if (last != null) {
            TrainLog.Row row = last.row();
            r.put("step", row.step());
            r.put("lambda", row.lambda());
            r.put("lr", row.lr());
            r.put("links", row.links());
            r.put("loss", row.loss());
            r.put("prereg", row.prereg());
        }
        if (run.round() >= 0) {
            r.put("round", run.round());
            r.put("accepted", run.acceptedRounds());
            r.put("threshold", run.threshold());
        }
        ArrayNode cut = r.putArray("cut");
        for (Map.Entry<List<String>, Double> e : run.trainer().control().cutLinks().entrySet()) {
            ObjectNode c = cut.addObject();
            c.put("name", TrainControl.linkName(e.getKey()));
            c.put("w", e.getValue());
            ArrayNode path = c.putArray("path");
            for (String s : e.getKey()) path.add(s);
        }
        long after = sentSeq.getOrDefault(run.id(), 0L);
        List<TrainRun.Point> points = run.historyAfter(after, MAX_POINTS);
        ArrayNode ps = r.putArray("points");
        for (TrainRun.Point p : points) {
            TrainLog.Row row = p.row();
            ArrayNode a = ps.addArray();
            a.add(p.seq()).add(row.step()).add(row.loss()).add(row.prereg()).add(row.l1()).add(row.links()).add(row.lambda()).add(row.lr()).add(p.phase().word());
        }
        if (!points.isEmpty()) sentSeq.put(run.id(), points.get(points.size() - 1).seq());
        List<String> messages = run.messages();
        int sent = sentMessages.getOrDefault(run.id(), 0);
        ArrayNode ms = r.putArray("messages");
        for (String m : messages) ms.add(m);
        String fingerprint = run.status().word() + run.phase().word() + messages.size() + (messages.isEmpty() ? "" : messages.get(messages.size() - 1)).hashCode();
        boolean changed = !points.isEmpty() || sent != fingerprint.hashCode();
        sentMessages.put(run.id(), fingerprint.hashCode());
        return changed;
    }

    static String print(Object v) {
        String s;
        try {
            s = Printer.print(v instanceof VValue || Ops.isTracked(v) ? Ops.primal(v) : v);
        } catch (RuntimeException e) {
            s = "?";
        }
        return s.length() > MAX_VALUE_CHARS ? s.substring(0, MAX_VALUE_CHARS) + " …" : s;
    }
}
