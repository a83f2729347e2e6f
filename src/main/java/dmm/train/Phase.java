package dmm.train;

import java.util.Locale;

/**
 * What a training step is for: plain training, a sparsification round's shrinking steps at its
 * λ, the judge's steps on a copy after a cut (λ = 0), the final polish (λ = 0), or the
 * steps after a regrow (pruned links back at small values, at the trainer's first λ). Progress lines,
 * the log's history, the browser view and the changes that wait for a phase read it.
 */
public enum Phase {
    TRAIN, SHRINK, JUDGE, POLISH, REGROW;

    /** The phase as progress lines and the view write it: {@code train}, {@code shrink}, {@code judge}, {@code polish}, {@code regrow}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True in the phases that train with λ = 0 whatever λ is set (a new λ waits for the next shrinking phase). */
    public boolean lambdaFixedAtZero() {
        return this == JUDGE || this == POLISH;
    }
}
