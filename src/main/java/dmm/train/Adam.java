package dmm.train;

import dmm.vvalue.VValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam over trees: the same update as Adam on a flat vector of the leaves. With g the gradient,
 * {@code m ← β1·m + (1−β1)·g}, {@code v ← β2·v + (1−β2)·g²},
 * {@code p ← p − lr · m̂ / (√v̂ + ε)} with bias corrections {@code m̂ = m/(1−β1ᵗ)},
 * {@code v̂ = v/(1−β2ᵗ)} (ε added after the square root). The first update is {@code lr·sign(g)}.
 */
public final class Adam extends TreeOptimizer {
    private double beta1, beta2, eps;
    private VValue m = VValue.ZERO, v = VValue.ZERO;

    public Adam(double lr, double beta1, double beta2, double eps) {
        super(lr);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    protected void update(LeafTable table, double[] p, double[] g) {
        double[] mm = table.read(m), vv = table.read(v);
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < p.length; i++) {
            mm[i] = beta1 * mm[i] + (1 - beta1) * g[i];
            vv[i] = beta2 * vv[i] + (1 - beta2) * g[i] * g[i];
            p[i] -= lr * (mm[i] / c1) / (Math.sqrt(vv[i] / c2) + eps);
        }
        m = table.build(mm);
        v = table.build(vv);
    }

    @Override
    public void restrictTo(VValue support) {
        m = m.restrictTo(support);
        v = v.restrictTo(support);
    }

    @Override
    public void reset() {
        m = VValue.ZERO;
        v = VValue.ZERO;
        t = 0;
    }

    @Override
    public String kind() {
        return "adam";
    }

    /** First moments, keyed like the parameters. */
    public VValue firstMoment() {
        return m;
    }

    /** Second moments, keyed like the parameters. */
    public VValue secondMoment() {
        return v;
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("kind", "adam");
        s.put("lr", lr);
        s.put("beta1", beta1);
        s.put("beta2", beta2);
        s.put("eps", eps);
        s.put("t", (double) t);
        s.put("m", m);
        s.put("v", v);
        return s;
    }

    @Override
    public void restore(Map<String, Object> s) {
        lr = (Double) s.get("lr");
        beta1 = (Double) s.get("beta1");
        beta2 = (Double) s.get("beta2");
        eps = (Double) s.get("eps");
        t = (long) (double) (Double) s.get("t");
        m = (VValue) s.get("m");
        v = (VValue) s.get("v");
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "#<adam lr=%g β1=%g β2=%g ε=%g, %d steps>", lr, beta1, beta2, eps, t);
    }
}
