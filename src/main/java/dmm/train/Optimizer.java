package dmm.train;

import dmm.vvalue.VValue;
import java.util.Map;

/**
 * An optimizer over V-valued parameters. Its state is V-values keyed like the parameters; the
 * learning rate can be changed between steps.
 */
public interface Optimizer {
    /** The parameters after one step along {@code grads}; updates the state. */
    VValue step(VValue params, VValue grads);

    /** Forgets the state of every leaf that is not in {@code support} (after pruning). */
    void restrictTo(VValue support);

    /** Forgets all state (a fresh optimizer with the same settings). */
    void reset();

    double learningRate();

    void setLearningRate(double lr);

    /** Kind and settings, e.g. {@code adam}, for checkpoints and display. */
    String kind();

    /** Settings and state as numbers and V-values (for checkpoints). */
    Map<String, Object> state();

    /** Restores settings and state written by {@link #state()}. */
    void restore(Map<String, Object> state);

    /** Number of steps taken since the last reset. */
    long steps();
}
