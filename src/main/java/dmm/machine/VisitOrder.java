package dmm.machine;

import java.util.ArrayList;
import java.util.List;

/**
 * The order in which the down movement's pullback visits the contributions: the soft matrix's
 * rows in matrix order ({@link RowLinks#rowOrder}), then the hard matrix's, one segment per
 * (pass, row), as flat arrays — the order the general down movement sums its cotangents in, so
 * the compiled pullback equals it bit for bit. Depends only on the links; also holds what the
 * flat rows derive from the patterns of a cycle's values (kept while a pattern repeats).
 */
final class VisitOrder {
    /** Per segment: its row (rowBase[i] + f), neuron i, field f, whether it is the soft pass; segStart has one more entry. */
    final int[] segRow, segNeuron, segField, segStart;
    final boolean[] segSoft;
    /** Per contribution: source slot, soft leaf index (-1: hard), and where its weight is (weight[i][f][j]: j). */
    final int[] src, softIndex, j;
    /** Per neuron: the neurons its rows read from, one bit each; whether a row of it has soft contributions. */
    final long[][] sourceBits;
    final boolean[] neuronSoft;

    /** How many patterns are remembered (a run meets a few: the first cycles' values are zeros and numbers). */
    private static final int PATTERNS = 16;
    /** The pullback's splits of the contributions by kind of source, per pattern of kinds. */
    final Recent<FlatRows.Split> splits = new Recent<>(PATTERNS);
    /** The forward's vector contributions, per pattern of vector sources. */
    final Recent<FlatRows.VectorRows> vectorRows = new Recent<>(PATTERNS);
    /** The key ids below each coordinate count, for the last key table met. */
    final Recent<FlatRows.Below> below = new Recent<>(1);

    VisitOrder(RowLinks p) {
        int neurons = p.fields.length;
        sourceBits = new long[neurons][];
        neuronSoft = new boolean[neurons];
        for (int i = 0; i < neurons; i++) {
            long[] bits = new long[(neurons + 63) >> 6];
            for (int f = 0; f < p.fields[i].length; f++) {
                neuronSoft[i] |= p.hasSoft[p.rowBase[i] + f];
                for (int sl : p.src[i][f]) bits[p.slotNeuron[sl] >> 6] |= 1L << p.slotNeuron[sl];
            }
            sourceBits[i] = bits;
        }
        List<int[]> segs = new ArrayList<>();
        List<int[]> cs = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            boolean softPass = pass == 0;
            for (int i : p.rowOrder) {
                for (int f = 0; f < p.fields[i].length; f++) {
                    int r = p.rowBase[i] + f;
                    if (softPass ? !p.hasSoft[r] : !p.hasHard[r]) continue;
                    segs.add(new int[] {r, i, f, cs.size(), softPass ? 1 : 0});
                    int[] k = p.softIndex[i][f];
                    for (int jj = 0; jj < k.length; jj++)
                        if ((k[jj] >= 0) == softPass) cs.add(new int[] {p.src[i][f][jj], k[jj], jj});
                }
            }
        }
        int n = segs.size();
        segRow = new int[n];
        segNeuron = new int[n];
        segField = new int[n];
        segStart = new int[n + 1];
        segSoft = new boolean[n];
        for (int q = 0; q < n; q++) {
            int[] g = segs.get(q);
            segRow[q] = g[0];
            segNeuron[q] = g[1];
            segField[q] = g[2];
            segStart[q] = g[3];
            segSoft[q] = g[4] == 1;
        }
        segStart[n] = cs.size();
        src = new int[cs.size()];
        softIndex = new int[cs.size()];
        j = new int[cs.size()];
        for (int c = 0; c < src.length; c++) {
            src[c] = cs.get(c)[0];
            softIndex[c] = cs.get(c)[1];
            j[c] = cs.get(c)[2];
        }
    }

    int segments() {
        return segRow.length;
    }

    /** {@code weight} (per neuron, field, contribution) in the visiting order. */
    double[] weights(double[][][] weight) {
        double[] vw = new double[src.length];
        for (int q = 0; q < segRow.length; q++) {
            double[] row = weight[segNeuron[q]][segField[q]];
            for (int c = segStart[q]; c < segStart[q + 1]; c++) vw[c] = row[j[c]];
        }
        return vw;
    }
}
