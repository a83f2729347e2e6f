package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * lib-dmm/restarts.dmm: which attempt {@code restart-attempts} keeps, and when it stops. Each
 * attempt here is a small network's trainer pruned at its own threshold (fewer links for a
 * larger one), scored from a table, so the choice rules are checked without training.
 */
class RestartsLibTest {
    private static final QuietSession session = new QuietSession("""
            (require lite)
            (require train)
            (require restarts)
            (def small (feedforward "abcab" {:layers 2 :copies 1 :init 0.1 :seed 2}))
            (def small-loss (imitation-loss (duplicate-detector "abcab") 30 [:output]))
            (defn attempts-of
              "An attempt function: attempt k prunes below (nth cuts k); its score is (nth scores k)."
              [cuts scores]
              [(fn [k] (let [tr (trainer small :loss small-loss :quiet true)] (prune! tr (nth cuts k)) tr))
               (fn [tr] (get scores (str (link-count (trained tr)))))])
            (defn links-at [cut] (let [tr (trainer small :loss small-loss :quiet true)] (prune! tr cut) (link-count (trained tr))))
            (defn run-attempts
              "restart-attempts over cuts and scores: [kept-k made-ks] (the ks made, last first)."
              [cuts scores restarts max-links & links]
              (let [by-links (reduce (fn [m k] (assoc m (str (links-at (nth cuts k))) (nth scores k))) {} (range 0 (count cuts)))
                    fs (attempts-of cuts by-links)
                    out (if (empty? links)
                          (restart-attempts (first fs) (second fs) restarts max-links 0.01)
                          (restart-attempts (first fs) (second fs) restarts max-links 0.01 (first links)))]
                [(first (first out)) (map first (second out))]))
            """);

    @Test
    void theAttemptsHaveDifferentLinkCounts() {
        assertTrue(session.num("(links-at 0)") > session.num("(links-at 0.05)"));
        assertTrue(session.num("(links-at 0.05)") > session.num("(links-at 0.1)"));
    }

    @Test
    void theFirstGoodAttemptWithinMaxLinksEndsTheRun() {
        // attempt 1 is wrong (0.5), attempt 2 good and small enough: attempt 3 is never made
        assertEquals("[1 [1 0]]", session.print("(run-attempts [0 0.1 0.05] [0.5 0.005 0.001] 2 100000)"));
    }

    @Test
    void withNoneWithinMaxLinksTheGoodOneWithFewestLinksIsKept() {
        // all good, all over the limit: every restart is made and the fewest links win over the lower score
        assertEquals("[0 [2 1 0]]", session.print("(run-attempts [0.1 0 0.05] [0.005 0.001 0.002] 2 0)"));
    }

    @Test
    void aWrongAttemptIsNeverKeptOverAGoodOne() {
        // attempt 1 has the fewest links but is wrong; of the good ones the smaller is kept
        assertEquals("[2 [2 1 0]]", session.print("(run-attempts [0.1 0 0.05] [0.5 0.005 0.002] 2 0)"));
    }

    @Test
    void withNoneGoodTheLowestScoreIsKept() {
        assertEquals("[1 [2 1 0]]", session.print("(run-attempts [0 0.05 0.1] [3 1 2] 2 100000)"));
    }

    /** A links function (the caller's count after its own rewrites) replaces link-count, for the limit and the choice. */
    @Test
    void aLinksFunctionCountsInsteadOfTheTrainedMatrix() {
        // counted backwards, the most links are the fewest: attempt 2 (cut 0) is kept over attempt 1 (cut 0.1)
        assertEquals("[1 [2 1 0]]", session.print("(run-attempts [0.1 0 0.05] [0.005 0.001 0.002] 2 0 (fn [tr] (- 100000 (link-count (trained tr)))))"));
        // every attempt within the limit by that count: the first good one ends the run
        assertEquals("[0 [0]]", session.print("(run-attempts [0 0.1] [0.005 0.001] 2 3 (fn [tr] 3))"));
    }

    @Test
    void noRestartsMeansOneAttempt() {
        assertEquals("[0 [0]]", session.print("(run-attempts [0 0.05] [3 1] 0 100000)"));
    }
}
