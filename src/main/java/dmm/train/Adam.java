package dmm.train;

import dmm.vvalue.VValue;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Adam over trees: the same update as Adam on a flat vector of the leaves. With g the gradient,
 * {@code m ← β1·m + (1−β1)·g}, {@code v ← β2·v + (1−β2)·g²},
 * {@code p ← p − lr · m̂ / (√v̂ + ε)} with bias corrections {@code m̂ = m/(1−β1ᵗ)},
 * {@code v̂ = v/(1−β2ᵗ)} (ε added after the square root). The first update is {@code lr·sign(g)}.
 *
 * <p>Between steps on the same links the moments stay arrays lined up with the parameters'
 * leaf table; they become trees keyed like the parameters (zeros dropped, as always) when asked
 * for ({@link #state()}, {@link #firstMoment()}), after pruning, or when the links change.
 */
public final class Adam extends TreeOptimizer {
    private double beta1, beta2, eps;
    /** The moments as trees; null while the arrays hold them. */
    private VValue m = VValue.ZERO, v = VValue.ZERO;
    /** The moments as arrays lined up with {@link #aligned}'s leaves, or null. */
    private double[] mArr, vArr;
    private LeafTable aligned;

    public Adam(double lr, double beta1, double beta2, double eps) {
        super(lr);
        this.beta1 = checkedIn("beta1", beta1, 0, 1, false);
        this.beta2 = checkedIn("beta2", beta2, 0, 1, false);
        if (!(eps > 0) || !Double.isFinite(eps)) throw new IllegalArgumentException("eps must be a positive number, got " + eps);
        this.eps = eps;
    }

    @Override
    protected void update(LeafTable table, double[] p, double[] g) {
        double[] mm, vv;
        if (mArr != null && aligned.paths == table.paths) {
            mm = mArr;
            vv = vArr;
        } else {
            mm = table.read(firstMoment());
            vv = table.read(secondMoment());
        }
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < p.length; i++) {
            mm[i] = beta1 * mm[i] + (1 - beta1) * g[i];
            vv[i] = beta2 * vv[i] + (1 - beta2) * g[i] * g[i];
            p[i] -= lr * (mm[i] / c1) / (Math.sqrt(vv[i] / c2) + eps);
            // a tree keeps no zero leaf: one read back is +0 (never -0)
            if (mm[i] == 0) mm[i] = 0;
            if (vv[i] == 0) vv[i] = 0;
        }
        mArr = mm;
        vArr = vv;
        aligned = table;
        m = null;
        v = null;
    }

    @Override
    public void restrictTo(VValue support) {
        m = firstMoment().restrictTo(support);
        v = secondMoment().restrictTo(support);
        mArr = vArr = null;
        aligned = null;
    }

    @Override
    public void reset() {
        m = VValue.ZERO;
        v = VValue.ZERO;
        mArr = vArr = null;
        aligned = null;
        t = 0;
    }

    @Override
    public String kind() {
        return "adam";
    }

    /** First moments, keyed like the parameters. */
    public VValue firstMoment() {
        if (m == null) m = aligned.build(mArr);
        return m;
    }

    /** Second moments, keyed like the parameters. */
    public VValue secondMoment() {
        if (v == null) v = aligned.build(vArr);
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
        s.put("m", firstMoment());
        s.put("v", secondMoment());
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
        mArr = vArr = null;
        aligned = null;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "#<adam lr=%g β1=%g β2=%g ε=%g, %d steps>", lr, beta1, beta2, eps, t);
    }
}
