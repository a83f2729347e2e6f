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
        this.lr = lr;
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
        this.lr = lr;
    }

    @Override
    public long steps() {
        return t;
    }
}
