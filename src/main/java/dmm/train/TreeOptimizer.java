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

    @Override
    public final VValue step(VValue params, VValue grads) {
        LeafTable table = new LeafTable(params);
        t++;
        double[] p = table.values;
        update(table, p, table.read(grads));
        return table.build(p);
    }

    /** Updates {@code p} in place from gradients {@code g} (both lined up with {@code table}); updates the state. */
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
