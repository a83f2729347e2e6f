package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import dmm.lang.Interpreter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * lib-dmm/superfluid.dmm and examples/superfluid.dmm against the facts SUPERFLUID.md derives from
 * its definitions: the target's observed values, the always-zero loss, the layout of the source's
 * draw, the count of non-zero gradient entries at T = 2, and finite differences on the neuron
 * and on whole runs.
 */
class SuperfluidTest {
    private static final QuietSession session = new QuietSession("""
            (require superfluid)
            (def tgt (superfluid-target "test string."))
            (def net (superfluid-network "test string." {}))
            """);
    private static final Interpreter interp = session.interp;

    @Test
    void targetObservesTheDerivedCounts() {
        StringBuilder d1 = new StringBuilder("[0"), d2 = new StringBuilder("[0");
        for (int y = 1; y < 140; y++) {
            d1.append(' ').append(y <= 33 ? 0 : y <= 63 ? 1 : 2);
            d2.append(' ').append(y <= 112 ? 0 : y <= 122 ? 1 : y <= 132 ? 2 : 3);
        }
        String obs = "(def obs (observe tgt 140 :inputs [:output]))";
        interp.eval("test", obs);
        assertEquals(d1 + "]", session.print("(map (fn [o] (get-in o [:output :dict-1 :number])) obs)"));
        assertEquals(d2 + "]", session.print("(map (fn [o] (get-in o [:output :dict-2 :number])) obs)"));
    }

    @Test
    void alwaysZeroNetworkScores447() {
        assertEquals(447.0, session.num("((superfluid-loss tgt 140) (with-matrix net {}))"));
    }

    @Test
    void layoutHasTheSourcesLeavesAndTrainableScalars() {
        // published: 2944 leaves in the initial-output tree, 2906 trainable (80 F entries, 20
        // recurrences, 2806 feed-forward links)
        assertEquals("[2944 2906]", session.print("(let [l (superfluid-layout {})] [(count l) (count (filter some? l))])"));
        assertEquals("2906", session.print("(link-count net)"));
        assertEquals("80", session.print("(let [m (named-matrix net)] (reduce + 0 (map (fn [n] (leaf-count (get-in m [n :function]))) (fluid-names 5 4))))"));
        // fluid-0-0's F entries are leaves 4..7; the spec's first draws are leaves 4, 5, 6
        assertEquals(0.007923229f, (float) session.num("(get-in (named-matrix net) [\"fluid-0-0\" :function \"sel-accum_add_args\" :out])"));
        assertEquals(0.11594379f, (float) session.num("(get-in (named-matrix net) [\"fluid-0-0\" :function \"sel-compare_scalars\" :out])"));
        assertEquals(0.09715625f, (float) session.num("(get-in (named-matrix net) [\"fluid-0-0\" :function \"sel-dot_product\" :out])"));
        // inclusive: input group i also reads output group i (layer L reads layer L−1)
        assertEquals("[2944 2906 4606]", session.print("[(count (superfluid-layout {})) (link-count net) "
                + "(link-count (superfluid-network \"test string.\" {:inclusive 1}))]"));
    }

    @Test
    void exactly230TrainableScalarsHaveAGradientAtT2() {
        assertEquals(230.0, session.num("(leaf-count (grad (fn [W] ((superfluid-loss tgt 2) (with-matrix net W))) (matrix net)))"));
    }

    @Test
    void fluidNeuronValues() {
        assertEquals("{:dot 2 :false 4 :norm -4 :result {:a 6 :b 2}}", session.print("""
            (fluid-up {:function {"accum_add_args" 2 "compare_scalars" 4 "dot_product" 0.5 "max_norm_dict" -1}
                       :accum {:a 1} :delta {:a 2 :b 1} :dict {:a {:b -4} :c 2}
                       :x {:number 1 :a 1} :y {:number 2 :a 2 :b 7}})"""));
        assertEquals("0", session.print("(fluid-up {:accum {:a 1} :x 3 :y 1})"), "without F every output is zero");
    }

    @Test
    void fluidNeuronGradientsMatchFiniteDifferences() {
        // every leaf of the inputs (F entries included), weighted sums of all outputs
        double worst = session.num("""
            (check-grad (fn [in] (sum (* {:result {:a 0.7 :b -1.3 :number 0.4} :norm 1.1 :dot -0.6 :true 0.9 :false 1.7}
                                         (fluid-up in))))
                        {:function {"accum_add_args" 0.3 "compare_scalars" -0.8 "dot_product" 0.5 "max_norm_dict" 1.2}
                         :accum {:a 1 :number 0.5} :delta {:a 2 :b 1} :dict {:a {:b -4} :c 2}
                         :x {:number 1.5 :a 1 :c 2} :y {:number 0.25 :a 2 :c -1}}
                        :quiet true)""");
        assertTrue(worst < 1e-6, "worst relative error " + worst);
    }

    @Test
    void wholeRunGradientMatchesFiniteDifferences() {
        double worst = session.num("(check-grad (fn [W] ((superfluid-loss tgt 36) (with-matrix net W))) (matrix net) :leaves 60 :seed 3 :quiet true)");
        assertTrue(worst < 1e-5, "worst relative error " + worst);
    }

    @Test
    void seededDrawIsDmmsOwnAndReproducible() {
        assertEquals(session.print("(matrix (superfluid-network \"test string.\" {:seed 5}))"),
                session.print("(matrix (superfluid-network \"test string.\" {:seed 5}))"));
        assertNotEquals(session.print("(matrix net)"), session.print("(matrix (superfluid-network \"test string.\" {:seed 5}))"));
        assertEquals("2906", session.print("(link-count (superfluid-network \"test string.\" {:seed 5}))"));
    }

    @Test
    void couplingPenaltyAndItsGradient() {
        interp.eval("test", """
            (def W {"fluid" {"a" {"function" {"anonymous fn" {"sel-accum_add_args" {"out" 0.3} "sel-dot_product" {"out" 5}}}
                                  "accum" {"fluid" {"a" {"result" -0.2}}}}
                             "b" {"accum" {"fluid" {"b" {"result" 0.25}}}}}})""");
        assertEquals(0.75, session.num("(coupling-penalty W [\"a\" \"b\"])"), 1e-15); // |0.3 + 0.2| + |0 − 0.25|
        assertEquals("{:fluid {:a {:accum {:fluid {:a {:result -1}}} :function {\"anonymous fn\" {:sel-accum_add_args {:out 1}}}} "
                + ":b {:accum {:fluid {:b {:result 1}}}}}}", session.print("(grad (fn [W] (coupling-penalty W [\"a\" \"b\"])) W)"));
        // on the source's initial network: fluid-0-0 has f_a 0.007923229 and w_rec −0.15471169
        assertEquals(0.007923229f + 0.15471169f, (float) session.num("(coupling-penalty (matrix net) [\"fluid-0-0\"])"), 1e-7);
        assertEquals(session.num("((superfluid-loss tgt 2) net)") + 0.5 * session.num("(coupling-penalty (matrix net) (fluid-names 5 4))"),
                session.num("((coupled-loss (superfluid-loss tgt 2) 0.5 5 4) net)"), 1e-12);
    }

    @Test
    void quickSparsificationPrunesLinksAndFunctionEntries(@org.junit.jupiter.api.io.TempDir Path dir) {
        List<String> lines = run("run", "examples/superfluid.dmm", "--window", "20", "--steps", "2", "--sparsify", "--quick-sparsify",
                "--dense-steps", "20", "--out", dir.toString()).lines().toList();
        assertTrue(lines.contains("sparsify: coupling λ_acc 0.5, L1 0.001, 20 dense steps, then sparsify!"), lines.toString());
        String fin = lines.stream().filter(l -> l.startsWith("final: ")).findFirst().orElseThrow();
        assertTrue(fin.matches("final: \\d+ soft links, imitation loss \\S+, coupling \\S+, 50 steps"), fin);
        int links = Integer.parseInt(fin.split(" ")[1]);
        assertTrue(links < 2906, fin);
        int at = lines.indexOf("surviving fluid neurons (read by another neuron): name, F, data links in, links out");
        List<String> neurons = lines.subList(at + 1, lines.indexOf("  ; hard") - links);
        assertFalse(neurons.isEmpty());
        // F entries were pruned too: some surviving neuron has fewer than four
        assertTrue(neurons.stream().anyMatch(l -> l.split("[a-z_]+_[a-z_]+ ", -1).length - 1 < 4), neurons.toString());
        assertTrue(Files.exists(dir.resolve("superfluid-sparse-matrix.json")));
    }

    private static String run(String... args) {
        return CliRuns.ok(args);
    }

    @Test
    void exampleLogsTheLossBeforeEachUpdate() {
        List<String> lines = run("run", "examples/superfluid.dmm", "--window", "11", "--steps", "3").lines().toList();
        assertEquals("superfluid: published (exclusive) wiring | init jax (the source's draw) | window 11 | lr 0.01 | 2906 trainable scalars",
                lines.get(0));
        // step 1's loss is the loss of the initial network at T = 11
        double initial = session.num("((superfluid-loss tgt 11) net)");
        assertEquals(String.format("step 1 loss %.7g", initial), lines.get(1));
        for (int i = 2; i <= 3; i++) assertTrue(lines.get(i).matches("step " + i + " loss [0-9.e+-]+"), lines.get(i));
        assertTrue(lines.get(4).matches("after 3 steps: loss [0-9.e+-]+ \\| [0-9.]+ s per step"), lines.get(4));
        assertEquals(5, lines.size());
    }

    @Test
    void storedSparseResultScoresItsRecordedLoss() {
        // docs/results/superfluid-sparse-matrix.json: ./dmm run examples/superfluid.dmm --sparsify (see its log)
        List<String> lines = run("run", "examples/superfluid.dmm", "--matrix", "docs/results/superfluid-sparse-matrix.json", "--steps", "0")
                .lines().toList();
        assertEquals("superfluid: published (exclusive) wiring | init docs/results/superfluid-sparse-matrix.json | window 140 | lr 0.01 "
                + "| 40 trainable scalars", lines.get(0));
        assertEquals("after 0 steps: loss 4.264343 | 0.00 s per step", lines.get(1));
        assertEquals("  fluid-1-0 {:accum_add_args -0.936171549357168} 7 8", lines.get(3));
        assertEquals(9, lines.size(), lines.toString());
    }

    @Test
    void exampleTakesInclusiveAndSeed() {
        String first = run("run", "examples/superfluid.dmm", "--window", "2", "--steps", "1", "--inclusive", "--seed", "4").lines().findFirst().orElseThrow();
        assertEquals("superfluid: inclusive wiring | init seed 4 | window 2 | lr 0.01 | 4606 trainable scalars", first);
    }
}
