package dmm.train;

import dmm.vvalue.VValue;

/**
 * The plumbing shared by optimizers over trees: the learning rate, the step count, and one
 * leaf-wise update over the parameters' leaves (parameters, gradients and state lined up by
 * a {@link LeafTable}). Subclasses write the update rule for one leaf.
 */
abstract class TreeOptimizer implements Optimizer {
    protected double lr;
    protected long t;

    protected TreeOptimizer(double lr) {
        this.lr = checkedRate(lr);
    }

    /** The table of the parameters this optimizer's last step built (null: none, or they lost a leaf). */
    private LeafTable last;

    @Override
    public final VValue step(VValue params, VValue grads) {
        LeafTable table = tableFor(params);
        return step(table, table.read(grads));
    }

    /**
     * One step from gradients {@code g} lined up with {@code table} (the parameters' leaves);
     * returns the new parameters. The table of the result is kept, so the next step on it (a
     * training step's network) neither walks its paths again nor moves the state's arrays.
     */
    final VValue step(LeafTable table, double[] g) {
        t++;
        double[] p = table.values.clone();
        update(table, p, g);
        VValue out = table.build(p);
        last = table.next(out, p);
        return out;
    }

    /** The leaf table of {@code params}: the one kept by the last step when params is what it built. */
    final LeafTable tableFor(VValue params) {
        LeafTable l = last;
        return l != null && l.source == params ? l : new LeafTable(params);
    }

    /**
     * Updates {@code p} in place from gradients {@code g} (both lined up with {@code table});
     * updates the state. State kept as arrays lined up with a table stays valid for the next
     * step's table when it shares the paths list ({@link LeafTable#next}); otherwise it is read
     * again through its trees.
     */
    protected abstract void update(LeafTable table, double[] p, double[] g);

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public void setLearningRate(double lr) {
        this.lr = checkedRate(lr);
    }

    /** A learning rate is a positive finite number: checked once here for every way one is given (the language, the view, Java). */
    static double checkedRate(double lr) {
        if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("the learning rate must be a positive number, got " + lr);
        return lr;
    }

    /** An optimizer's coefficient in [lo, hi) (or [lo, hi] when {@code hiIncluded}), named in the error. */
    static double checkedIn(String name, double x, double lo, double hi, boolean hiIncluded) {
        if (!(x >= lo) || (hiIncluded ? !(x <= hi) : !(x < hi)))
            throw new IllegalArgumentException(name + " must be in [" + fmt(lo) + ", " + fmt(hi) + (hiIncluded ? "]" : ")") + ", got " + x);
        return x;
    }

    private static String fmt(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }

    @Override
    public long steps() {
        return t;
    }
}
