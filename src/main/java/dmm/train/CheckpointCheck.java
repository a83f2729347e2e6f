package dmm.train;

import dmm.machine.MachineError;
import dmm.machine.Network;
import dmm.machine.NeuronDecl;
import dmm.vvalue.VValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a checkpoint belongs to the network and the optimizer it is being loaded into,
 * before anything is restored: every neuron its matrices and optimizer state name is declared
 * with the same type, every field exists, the hard links are the network's, and the optimizer
 * state is complete. A mismatch is a {@link TrainingError} naming it, never a cast failure.
 */
final class CheckpointCheck {
    private CheckpointCheck() {}

    /**
     * @param savedFrom the network name recorded in the checkpoint (may be null)
     * @param expected  the state of the optimizer that will restore it (its keys and kinds)
     * @param state     the optimizer state read from the checkpoint
     */
    static void validate(Path file, String savedFrom, Network net, VValue soft, VValue hard, Map<String, Object> expected,
            Map<String, Object> state) {
        String from = savedFrom != null && !savedFrom.equals(net.name()) ? " (it was saved from network `" + savedFrom + "`)" : "";
        checkNeurons(file, from, net, soft, "soft matrix");
        checkNeurons(file, from, net, hard, "hard matrix");
        for (Map.Entry<String, Object> e : state.entrySet())
            if (e.getValue() instanceof VValue v && expected.get(e.getKey()) instanceof VValue)
                checkNeurons(file, from, net, v, "optimizer state \"" + e.getKey() + "\"");
        for (VValue m : new VValue[] {soft, hard}) {
            try {
                net.checkTypes(m);
            } catch (MachineError e) {
                throw new TrainingError("checkpoint " + file + " does not fit network `" + net.name() + "`" + from + ": " + e.getMessage());
            }
        }
        checkHardLinks(file, from, net, hard);
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            Object got = state.get(e.getKey());
            String key = "\"" + e.getKey() + "\"";
            if (got == null) throw new TrainingError("checkpoint " + file + " has incomplete optimizer state: " + key + " is missing");
            String want = kind(e.getValue());
            if (!want.equals(kind(got)))
                throw new TrainingError("checkpoint " + file + " has invalid optimizer state: " + key + " should be " + want + ", not " + kind(got));
        }
    }

    private static String kind(Object v) {
        if (v instanceof Double) return "a number";
        if (v instanceof String) return "a string";
        if (v instanceof VValue) return "a V-value";
        return "a " + (v == null ? "nil" : v.getClass().getSimpleName());
    }

    /** Every neuron a rank-6 value names (as target or source) is declared, with the type the value gives it. */
    private static void checkNeurons(Path file, String from, Network net, VValue m, String what) {
        Map<String, NeuronDecl> declared = net.neurons();
        m.forEachLeaf((p, x) -> {
            if (p.size() < 5) throw new TrainingError("checkpoint " + file + " is corrupt: its " + what + " is not a rank-6 matrix (a leaf at "
                    + (p.isEmpty() ? "the root" : String.join(".", p)) + ")");
            for (int i : new int[] {0, 3}) {
                String type = p.get(i), name = p.get(i + 1);
                NeuronDecl d = declared.get(name);
                if (d == null)
                    throw new TrainingError("checkpoint " + file + " names neuron `" + name + "`, which network `" + net.name()
                            + "` does not declare" + from);
                if (!d.type().equals(type))
                    throw new TrainingError("checkpoint " + file + " names neuron `" + name + "` with type `" + type + "`, but network `"
                            + net.name() + "` declares it as `" + d.type() + "`" + from);
            }
        });
    }

    /** The checkpoint's hard links are exactly the network's (training never changes them). */
    private static void checkHardLinks(Path file, String from, Network net, VValue hard) {
        Set<String> mine = links(net.hardMatrix()), theirs = links(hard);
        List<String> extra = new ArrayList<>(theirs), missing = new ArrayList<>(mine);
        extra.removeAll(mine);
        missing.removeAll(theirs);
        if (!extra.isEmpty())
            throw new TrainingError("checkpoint " + file + " has the hard link " + extra.get(0) + ", which network `" + net.name()
                    + "` does not have" + from + (extra.size() > 1 ? " (and " + (extra.size() - 1) + " more)" : ""));
        if (!missing.isEmpty())
            throw new TrainingError("checkpoint " + file + " lacks the hard link " + missing.get(0) + " of network `" + net.name() + "`" + from
                    + (missing.size() > 1 ? " (and " + (missing.size() - 1) + " more)" : ""));
    }

    private static Set<String> links(VValue m) {
        Set<String> out = new LinkedHashSet<>();
        m.forEachLeaf((p, x) -> {
            if (p.size() >= 6) out.add(p.get(1) + "." + p.get(2) + " <- " + String.join(".", p.subList(4, p.size())));
        });
        return out;
    }
}
