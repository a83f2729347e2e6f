package dmm.train;

import dmm.vvalue.VValue;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** SGD with momentum over trees: {@code u ← μ·u + g}, {@code p ← p − lr·u}. */
public final class Sgd extends TreeOptimizer {
    private double momentum;
    /** The velocity as a tree; null while {@link #uArr} holds it (lined up with {@link #aligned}'s leaves). */
    private VValue velocity = VValue.ZERO;
    private double[] uArr;
    private LeafTable aligned;

    public Sgd(double lr, double momentum) {
        super(lr);
        this.momentum = checkedIn("momentum", momentum, 0, 1, false);
    }

    @Override
    protected void update(LeafTable table, double[] p, double[] g) {
        double[] u = uArr != null && aligned.paths == table.paths ? uArr : table.read(velocity());
        for (int i = 0; i < p.length; i++) {
            u[i] = momentum * u[i] + g[i];
            p[i] -= lr * u[i];
            if (u[i] == 0) u[i] = 0; // a tree keeps no zero leaf: one read back is +0 (never -0)
        }
        uArr = u;
        aligned = table;
        velocity = null;
    }

    private VValue velocity() {
        if (velocity == null) velocity = aligned.build(uArr);
        return velocity;
    }

    @Override
    public void restrictTo(VValue support) {
        velocity = velocity().restrictTo(support);
        uArr = null;
        aligned = null;
    }

    @Override
    public void reset() {
        velocity = VValue.ZERO;
        uArr = null;
        aligned = null;
        t = 0;
    }

    @Override
    public String kind() {
        return "sgd";
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("kind", "sgd");
        s.put("lr", lr);
        s.put("momentum", momentum);
        s.put("t", (double) t);
        s.put("velocity", velocity());
        return s;
    }

    @Override
    public void restore(Map<String, Object> s) {
        lr = (Double) s.get("lr");
        momentum = (Double) s.get("momentum");
        t = (long) (double) (Double) s.get("t");
        velocity = (VValue) s.get("velocity");
        uArr = null;
        aligned = null;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "#<sgd lr=%g momentum=%g, %d steps>", lr, momentum, t);
    }
}
