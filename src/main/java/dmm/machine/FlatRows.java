package dmm.machine;

import dmm.vvalue.FlatKeys;
import dmm.vvalue.VValue;
import java.util.Arrays;

/**
 * The rows of one cycle on dense coordinates — when every source value is flat (a scalar and
 * numbers under keys: the DMM Lite case) — with the rule of lincomb and its transpose written
 * on arrays: coordinate 0 is the scalar, coordinate q > 0 the key the plan's {@link KeySpace}
 * gives it. Numbers (most outputs) stay numbers; only vectors get coordinates.
 *
 * <p>Forward: row {@code r} is {@code Σ_j w_j · y[s_j]} in the order of its contributions, the
 * scalar coordinate summed with the others (numbers included) in that order, as the tree
 * builder sums it, so the value is {@link TreeRows}' bit for bit. Transpose, per segment of the
 * {@link VisitOrder} with cotangent {@code g}: {@code dy[s] += w · g} and, for a soft leaf,
 * {@code dW += dot(g, y[s])} summed in the key order {@link VValue#dot} uses.
 */
final class FlatRows {
    private final RowLinks links;
    private final double[][] rowWeight;
    /** Per slot: its coordinates (null: a number) and its scalar. */
    final double[][] yd;
    final double[] ysc;
    private final FlatKeys table;
    private final VectorRows vectorRows;
    /** Per row: its scalar coordinate; under grad also its coordinates once made (null: a number). */
    final double[] rowScalar;
    final double[][] rowVector;

    private FlatRows(RowLinks links, double[][] rowWeight, double[][] yd, double[] ysc, FlatKeys table, boolean recording) {
        this.links = links;
        this.rowWeight = rowWeight;
        this.yd = yd;
        this.ysc = ysc;
        this.table = table;
        int slots = ysc.length;
        double[] y0 = new double[slots];
        byte[] pattern = new byte[slots];
        for (int s = 0; s < slots; s++) {
            double[] y = yd[s];
            y0[s] = y != null ? y[0] : ysc[s];
            if (y != null) pattern[s] = 1;
        }
        VectorRows vr = links.visit.vectorRows.find(v -> Arrays.equals(v.pattern, pattern));
        this.vectorRows = vr != null ? vr : links.visit.vectorRows.add(new VectorRows(pattern, links));
        this.rowScalar = rowScalars(y0);
        this.rowVector = recording ? new double[links.rowCount][] : null;
    }

    /** The flat rows of sources {@code ys}, or null when one of them is not flat. */
    static FlatRows of(RowLinks links, double[][] rowWeight, VValue[] ys, boolean recording) {
        for (VValue y : ys) if (!y.isFlat()) return null;
        double[] ysc = new double[ys.length];
        double[][] yd = new double[ys.length][];
        FlatKeys table = links.keys.denseAll(ys, yd, ysc);
        return new FlatRows(links, rowWeight, yd, ysc, table, recording);
    }

    // ------------------------------------------------------------------ forward

    /**
     * Row {@code r}: its scalar coordinate is one run over all contributions ({@link #rowScalars}),
     * the other coordinates one run over the vector sources only (numbers have none).
     */
    VValue row(int r) {
        double[] w = rowWeight[r];
        int a = vectorRows.start[r], b = vectorRows.start[r + 1];
        if (a == b) return VValue.of(rowScalar[r]);
        double[] acc = new double[table.size()];
        int[] vs = vectorRows.src, vj = vectorRows.j;
        // two contributions at a time: (acc + w1·y1) + w2·y2 per coordinate, the order of one at
        // a time, with one load and store of the sum instead of two
        int c = a;
        for (; c + 1 < b; c += 2) {
            double[] y1 = yd[vs[c]], y2 = yd[vs[c + 1]];
            double w1 = w[vj[c]], w2 = w[vj[c + 1]];
            int m = Math.min(y1.length, y2.length);
            for (int k = 1; k < m; k++) acc[k] = acc[k] + w1 * y1[k] + w2 * y2[k];
            for (int k = Math.max(m, 1); k < y1.length; k++) acc[k] += w1 * y1[k];
            for (int k = Math.max(m, 1); k < y2.length; k++) acc[k] += w2 * y2[k];
        }
        if (c < b) {
            double[] y = yd[vs[c]];
            double wj = w[vj[c]];
            for (int k = 1; k < y.length; k++) acc[k] += wj * y[k];
        }
        acc[0] = rowScalar[r];
        VValue x = VValue.flat(table, acc);
        if (rowVector != null) rowVector[r] = x.flatValues();
        return x;
    }

    /**
     * Every row's scalar coordinate, {@code Σ w_j · y0[s_j]} in the order of its contributions,
     * two rows at a time: each sum is a chain of dependent additions, and two chains in one loop
     * overlap their latencies (each row still sums in its own order, so the result is the same).
     */
    private double[] rowScalars(double[] y0) {
        int rows = links.rowCount;
        int[][] rowSrc = links.rowSrc;
        double[] out = new double[rows];
        int r = 0;
        for (; r + 1 < rows; r += 2) {
            int[] s1 = rowSrc[r], s2 = rowSrc[r + 1];
            double[] w1 = rowWeight[r], w2 = rowWeight[r + 1];
            int n1 = s1.length, n2 = s2.length, m = Math.min(n1, n2);
            double a = 0, b = 0;
            int j = 0;
            for (; j < m; j++) {
                a += w1[j] * y0[s1[j]];
                b += w2[j] * y0[s2[j]];
            }
            for (int q = j; q < n1; q++) a += w1[q] * y0[s1[q]];
            for (int q = j; q < n2; q++) b += w2[q] * y0[s2[q]];
            out[r] = a;
            out[r + 1] = b;
        }
        if (r < rows) {
            int[] s1 = rowSrc[r];
            double[] w1 = rowWeight[r];
            double a = 0;
            for (int j = 0; j < s1.length; j++) a += w1[j] * y0[s1[j]];
            out[r] = a;
        }
        return out;
    }

    /**
     * Per row, its contributions whose source is a vector (slot and place of the weight, in the
     * row's order), for one pattern of vector sources.
     */
    static final class VectorRows {
        final byte[] pattern;
        /** Per row its start; per contribution the source slot and its place in the row's arrays (the weight). */
        final int[] start, src, j;

        VectorRows(byte[] pattern, RowLinks p) {
            this.pattern = pattern;
            start = new int[p.rowCount + 1];
            int n = 0;
            for (int[] s : p.rowSrc) for (int sl : s) if (pattern[sl] != 0) n++;
            src = new int[n];
            j = new int[n];
            int c = 0;
            for (int r = 0; r < p.rowCount; r++) {
                start[r] = c;
                int[] s = p.rowSrc[r];
                for (int jj = 0; jj < s.length; jj++) {
                    if (pattern[s[jj]] == 0) continue;
                    src[c] = s[jj];
                    j[c++] = jj;
                }
            }
            start[p.rowCount] = c;
        }
    }

    // ------------------------------------------------------------------ transpose

    /** Kinds of source slot in the pullback (plus {@link #VECTOR} when its value is a vector). */
    static final byte NOT_WANTED = 0, NUMBERS = 1, WANTED = 2, VECTOR = 4;

    /**
     * The contributions of every segment split by the kind of their source, for one pattern of
     * kinds (per slot: NOT_WANTED, NUMBERS or WANTED, plus VECTOR): sources taking only the
     * scalar of the cotangent, sources taking all of it; soft leaves whose source is a number,
     * soft leaves whose source is a vector. Each run is then a tight loop with no test per
     * contribution. Within one segment (a row) every source and every soft leaf occurs once, so
     * running the kinds one after the other changes the order of no sum.
     */
    static final class Split {
        final byte[] pattern;
        /**
         * Per kind, each segment's start and its contributions' source slots and visiting
         * positions (where the weight is, and where the soft leaf's cotangent is summed):
         * {@code fused} — a number source taking only the scalar, in a soft segment (most links:
         * its source's sum and its dot product in one run); {@code num} — the other sources
         * taking only the scalar; {@code want} — sources taking all of it; {@code scalar} — soft
         * leaves of other number sources; {@code vector} — soft leaves of vector sources.
         */
        final int[] fusedStart, fusedSrc, fusedPos, numStart, numSrc, numPos, wantStart, wantSrc, wantPos, scalarStart, scalarSrc, scalarPos,
                vectorStart, vectorSrc, vectorPos;

        Split(byte[] pattern, VisitOrder v) {
            this.pattern = pattern;
            int segs = v.segments(), n = v.src.length;
            int[][] start = new int[5][segs + 1], srcs = new int[5][n], poss = new int[5][n];
            int[] count = new int[5];
            for (int sg = 0; sg < segs; sg++) {
                for (int q = 0; q < 5; q++) start[q][sg] = count[q];
                for (int c = v.segStart[sg]; c < v.segStart[sg + 1]; c++) {
                    int slot = v.src[c];
                    int kind = pattern[slot] & 3;
                    boolean vector = (pattern[slot] & VECTOR) != 0;
                    if (kind == NUMBERS && v.segSoft[sg] && !vector) {
                        add(srcs, poss, count, 0, slot, c);
                        continue;
                    }
                    if (kind == NUMBERS) add(srcs, poss, count, 1, slot, c);
                    else if (kind == WANTED) add(srcs, poss, count, 2, slot, c);
                    if (v.segSoft[sg]) add(srcs, poss, count, vector ? 4 : 3, slot, c);
                }
            }
            for (int q = 0; q < 5; q++) start[q][segs] = count[q];
            fusedStart = start[0];
            numStart = start[1];
            wantStart = start[2];
            scalarStart = start[3];
            vectorStart = start[4];
            fusedSrc = Arrays.copyOf(srcs[0], count[0]);
            fusedPos = Arrays.copyOf(poss[0], count[0]);
            numSrc = Arrays.copyOf(srcs[1], count[1]);
            numPos = Arrays.copyOf(poss[1], count[1]);
            wantSrc = Arrays.copyOf(srcs[2], count[2]);
            wantPos = Arrays.copyOf(poss[2], count[2]);
            scalarSrc = Arrays.copyOf(srcs[3], count[3]);
            scalarPos = Arrays.copyOf(poss[3], count[3]);
            vectorSrc = Arrays.copyOf(srcs[4], count[4]);
            vectorPos = Arrays.copyOf(poss[4], count[4]);
        }

        private static void add(int[][] srcs, int[][] poss, int[] count, int kind, int slot, int c) {
            srcs[kind][count[kind]] = slot;
            poss[kind][count[kind]++] = c;
        }
    }

    /**
     * Per coordinate count (up to a key table's size), the key ids below it in key order; for
     * tables of a few hundred keys (the character-level case) made once per table, for larger
     * ones (quadratic) made per pullback as the lengths are met.
     */
    static final class Below {
        private static final int KEPT = 512;
        final int[] sortedIds;
        final int[][] ids;

        private Below(int[] sortedIds, int[][] ids) {
            this.sortedIds = sortedIds;
            this.ids = ids;
        }

        static Below of(VisitOrder v, int[] sortedIds) {
            Below known = v.below.find(b -> b.sortedIds == sortedIds);
            if (known != null) return known;
            int max = 1;
            for (int q : sortedIds) max = Math.max(max, q + 1);
            if (max > KEPT) return new Below(sortedIds, new int[max + 1][]);
            int[][] ids = new int[max + 1][];
            for (int len = 0; len <= max; len++) ids[len] = idsBelow(sortedIds, len);
            return v.below.add(new Below(sortedIds, ids));
        }

        /** The ids below {@code len} (capped at the table's size), in key order. */
        int[] of(int len) {
            int at = Math.min(len, ids.length - 1);
            int[] r = ids[at];
            if (r == null) ids[at] = r = idsBelow(sortedIds, at);
            return r;
        }

        private static int[] idsBelow(int[] sortedIds, int len) {
            int n = 0;
            for (int q : sortedIds) if (q < len) n++;
            int[] r = new int[n];
            n = 0;
            for (int q : sortedIds) if (q < len) r[n++] = q;
            return r;
        }
    }

    /**
     * One backward pass's transpose on these rows, for one pattern of source kinds: per segment,
     * the cotangent's non-zero coordinates — the scalar, then the keys in key order, as
     * {@link VValue#dot} visits them (skipping only exact zeros) — for the dot products; the sums
     * into the sources' cotangents go coordinate by coordinate (in which order does not matter).
     */
    final class Transpose {
        private final Split split;
        private final Below below;
        private final double[] visitWeight;
        /** Per slot: the cotangent's coordinates (null until a vector arrives) and its scalar. */
        final double[][] dyd;
        final double[] dy0;
        private int[] idx;
        private double[] gq;

        Transpose(byte[] kind, double[] visitWeight) {
            VisitOrder v = links.visit;
            Split sp = v.splits.find(s -> Arrays.equals(s.pattern, kind));
            this.split = sp != null ? sp : v.splits.add(new Split(kind, v));
            this.below = Below.of(v, links.keys.table().sortedIds());
            this.visitWeight = visitWeight;
            this.dyd = new double[kind.length][];
            this.dy0 = new double[kind.length];
            this.idx = new int[links.keys.size()];
            this.gq = new double[idx.length];
        }

        /** Segment {@code sg} with cotangent {@code gd}; {@code dSoft} (null: not a soft segment wanted) takes the dot products. */
        void segment(int sg, double[] gd, double[] dSoft) {
            int len = gd.length;
            if (idx.length < len) idx = new int[len];
            int[] ids = below.of(len);
            int nz = 0;
            double g0 = gd[0];
            if (g0 != 0) idx[nz++] = 0;
            for (int q : ids) if (gd[q] != 0) idx[nz++] = q;
            if (nz == 0) return;
            numberLinks(sg, g0, dSoft);
            wantLinks(sg, gd, nz);
            if (dSoft == null) return;
            // the dot products with the sources (one per soft leaf): with a number, its product;
            // with a vector, summed in the coordinates' key order
            int[] src = split.scalarSrc, pos = split.scalarPos;
            for (int c = split.scalarStart[sg], e = split.scalarStart[sg + 1]; c < e; c++) dSoft[pos[c]] += g0 * ysc[src[c]];
            if (gq.length < nz) gq = new double[idx.length];
            for (int t = 0; t < nz; t++) gq[t] = gd[idx[t]];
            vectorDots(sg, len, nz, dSoft);
        }

        /**
         * The segment's sources taking only the scalar {@code g0} of its cotangent: {@code w·g0}
         * into each; for those fused with their soft leaf (a number source in a soft segment,
         * when {@code dSoft} is given), the leaf's product {@code g0·y} too, in the same run.
         */
        private void numberLinks(int sg, double g0, double[] dSoft) {
            double[] vw = visitWeight;
            int[] src = split.fusedSrc, pos = split.fusedPos;
            int a = split.fusedStart[sg], e = split.fusedStart[sg + 1];
            if (dSoft != null) {
                for (int c = a; c < e; c++) {
                    int s = src[c], p = pos[c];
                    dy0[s] += vw[p] * g0;
                    dSoft[p] += g0 * ysc[s];
                }
            } else {
                for (int c = a; c < e; c++) dy0[src[c]] += vw[pos[c]] * g0;
            }
            src = split.numSrc;
            pos = split.numPos;
            for (int c = split.numStart[sg], f = split.numStart[sg + 1]; c < f; c++) dy0[src[c]] += vw[pos[c]] * g0;
        }

        /** The segment's sources taking all of its cotangent {@code gd} (non-zero coordinates {@code idx[0..nz)}): {@code w·gd} into each. */
        private void wantLinks(int sg, double[] gd, int nz) {
            boolean sparse = nz * 2 < gd.length; // (max-norm's cotangent has one coordinate)
            int[] src = split.wantSrc, pos = split.wantPos;
            for (int c = split.wantStart[sg], e = split.wantStart[sg + 1]; c < e; c++) {
                int s = src[c];
                double[] d = dyd[s];
                if (d == null || d.length < gd.length) dyd[s] = d = d == null ? new double[gd.length] : Arrays.copyOf(d, gd.length);
                double wj = visitWeight[pos[c]];
                if (sparse) {
                    for (int t = 0; t < nz; t++) {
                        int q = idx[t];
                        d[q] += wj * gd[q];
                    }
                } else {
                    for (int q = 0; q < gd.length; q++) d[q] += wj * gd[q];
                }
            }
        }

        /**
         * The segment's soft leaves of vector sources: the dot product of the cotangent's non-zero
         * coordinates ({@code idx}, their values {@code gq}) with the source, each summed in the
         * coordinates' key order; two at a time, the two sums interleaved.
         */
        private void vectorDots(int sg, int len, int nz, double[] dSoft) {
            int[] src = split.vectorSrc, pos = split.vectorPos;
            int pending = -1;
            for (int c = split.vectorStart[sg], e = split.vectorStart[sg + 1]; c < e; c++) {
                double[] y = yd[src[c]];
                if (y.length < len) {
                    double dot = 0;
                    for (int t = 0; t < nz; t++) {
                        int q = idx[t];
                        if (q < y.length) dot += gq[t] * y[q];
                    }
                    dSoft[pos[c]] += dot;
                    continue;
                }
                if (pending < 0) {
                    pending = c;
                    continue;
                }
                double[] y1 = yd[src[pending]];
                double dot1 = 0, dot2 = 0;
                for (int t = 0; t < nz; t++) {
                    int q = idx[t];
                    double gt = gq[t];
                    dot1 += gt * y1[q];
                    dot2 += gt * y[q];
                }
                dSoft[pos[pending]] += dot1;
                dSoft[pos[c]] += dot2;
                pending = -1;
            }
            if (pending >= 0) {
                double[] y1 = yd[src[pending]];
                double dot = 0;
                for (int t = 0; t < nz; t++) dot += gq[t] * y1[idx[t]];
                dSoft[pos[pending]] += dot;
            }
        }
    }
}
