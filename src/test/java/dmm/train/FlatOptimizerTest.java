package dmm.train;

import static org.junit.jupiter.api.Assertions.*;

import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The optimizers keep their state as arrays lined up with the parameters' leaf table between
 * steps on the same links, and the trainer sums the penalty and its gradient on those arrays:
 * everything must be bit for bit what the tree-based versions give (state read from and built
 * into trees every step, penalty and gradient by tree walks), through pruning, snapshots
 * (state → restore), weights that become exactly 0 and changes of the links.
 */
class FlatOptimizerTest {
    /** The tree-based Adam every step before the arrays (the reference). */
    private static final class TreeAdam {
        final double lr, b1, b2, eps;
        long t;
        VValue m = VValue.ZERO, v = VValue.ZERO;

        TreeAdam(double lr, double b1, double b2, double eps) {
            this.lr = lr;
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
        }

        VValue step(VValue params, VValue grads) {
            LeafTable table = new LeafTable(params);
            t++;
            double[] p = table.values.clone(), g = slowRead(table, grads);
            double[] mm = slowRead(table, m), vv = slowRead(table, v);
            double c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
            for (int i = 0; i < p.length; i++) {
                mm[i] = b1 * mm[i] + (1 - b1) * g[i];
                vv[i] = b2 * vv[i] + (1 - b2) * g[i] * g[i];
                p[i] -= lr * (mm[i] / c1) / (Math.sqrt(vv[i] / c2) + eps);
            }
            m = slowBuild(table, mm);
            v = slowBuild(table, vv);
            return slowBuild(table, p);
        }
    }

    private static double[] slowRead(LeafTable t, VValue v) {
        double[] out = new double[t.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.getIn(t.paths.get(i)).scalarPart();
        return out;
    }

    private static VValue slowBuild(LeafTable t, double[] xs) {
        VBuilder b = new VBuilder();
        for (int i = 0; i < xs.length; i++) if (xs[i] != 0) b.addAt(t.paths.get(i), xs[i]);
        return b.build();
    }

    /** A random rank-6 matrix over a few neurons (some rows into the excluded `timer`). */
    private static VValue randomMatrix(Random r, int links) {
        VBuilder b = new VBuilder();
        String[] types = {"dot", "timer", "sum"};
        for (int i = 0; i < links; i++) {
            String ty = types[r.nextInt(types.length)];
            b.addAt(List.of(ty, ty + r.nextInt(3), "in" + r.nextInt(2), "src", "s" + r.nextInt(4), "out" + r.nextInt(2)), r.nextGaussian());
        }
        return b.build();
    }

    /** A gradient on some of w's leaves (others absent, as zeros are). */
    private static VValue randomGradient(Random r, VValue w) {
        return w.filterLeaves((p, x) -> r.nextInt(5) != 0).mapLeaves(x -> r.nextGaussian() * (r.nextInt(10) == 0 ? 1e-3 : 1));
    }

    @Test
    void adamOnArraysIsTreeAdamBitForBit() {
        Random r = new Random(11);
        Regularizer reg = new Regularizer(0.01, 0.003, Set.of("timer"));
        for (int trial = 0; trial < 20; trial++) {
            VValue w = randomMatrix(r, 40);
            Adam adam = new Adam(0.05, 0.9, 0.999, 1e-8);
            TreeAdam ref = new TreeAdam(0.05, 0.9, 0.999, 1e-8);
            VValue wRef = w;
            for (int step = 0; step < 60; step++) {
                VValue g = randomGradient(r, w);
                // the trainer's arithmetic on the table ...
                LeafTable table = adam.tableFor(w);
                double[] total = table.read(g);
                reg.addGradient(table, total);
                double l1 = reg.l1Norm(table), pen = reg.penalty(table, l1);
                // ... against the trees'
                VValue totalTree = g.add(reg.gradient(w));
                // the penalty summed over the tree's leaves, in its walk order, as the trainer once did
                double[] treeL1 = {0}, treeL2 = {0};
                w.forEachLeaf((path, x) -> {
                    if (reg.applies(path)) {
                        treeL1[0] += Math.abs(x);
                        treeL2[0] += x * x;
                    }
                });
                assertEquals(treeL1[0], l1, 0, "L1 norm, same sum order");
                assertEquals(reg.l1() * treeL1[0] + reg.l2() * treeL2[0], pen, 0);
                assertArrayEquals(slowRead(table, totalTree), total, "penalty gradient added leaf by leaf");
                assertEquals(w.leafCount(), table.size());
                w = adam.step(table, total);
                wRef = ref.step(wRef, totalTree);
                assertEquals(wRef, w, "weights at step " + step);
                if (step % 7 == 3) {
                    // a weight that becomes exactly 0 leaves the tree: the next step's table is new
                    List<String> p = new LeafTable(w).paths.get(0);
                    w = w.dissocIn(p);
                    wRef = wRef.dissocIn(p);
                }
                if (step % 13 == 5) {
                    // pruning, as Trainer.prune does it
                    double cut = 0.3;
                    w = w.filterLeaves((p, x) -> Math.abs(x) >= cut);
                    wRef = wRef.filterLeaves((p, x) -> Math.abs(x) >= cut);
                    adam.restrictTo(w);
                    ref.m = ref.m.restrictTo(wRef);
                    ref.v = ref.v.restrictTo(wRef);
                }
                if (step % 17 == 9) {
                    // a snapshot and back (the sparsifier's backtracking)
                    Map<String, Object> s = adam.state();
                    assertEquals(ref.m, s.get("m"));
                    assertEquals(ref.v, s.get("v"));
                    adam.step(w, g);
                    adam.restore(s);
                }
                if (step % 19 == 11) {
                    // a link added (restore-link!): its state starts at zero
                    List<String> p = List.of("sum", "sum9", "in0", "src", "s0", "out0");
                    w = w.assocIn(p, VValue.of(0.25));
                    wRef = wRef.assocIn(p, VValue.of(0.25));
                }
                if (step % 11 == 6) {
                    // one link cut and another added at the same boundary: as many leaves, other paths
                    List<String> cut = new LeafTable(w).paths.get(0);
                    List<String> added = List.of("dot", "dot" + step, "in0", "src", "s1", "out1");
                    w = w.dissocIn(cut).assocIn(added, VValue.of(-0.5));
                    wRef = wRef.dissocIn(cut).assocIn(added, VValue.of(-0.5));
                }
                if (w.isZero()) break;
            }
            assertEquals(ref.m, adam.firstMoment());
            assertEquals(ref.v, adam.secondMoment());
        }
    }

    @Test
    void sgdOnArraysIsTreeSgdBitForBit() {
        Random r = new Random(12);
        VValue w = randomMatrix(r, 30), wRef = w, u = VValue.ZERO;
        Sgd sgd = new Sgd(0.1, 0.9);
        for (int step = 0; step < 40; step++) {
            VValue g = randomGradient(r, w);
            w = sgd.step(w, g);
            LeafTable t = new LeafTable(wRef);
            double[] p = t.values.clone(), gg = slowRead(t, g), uu = slowRead(t, u);
            for (int i = 0; i < p.length; i++) {
                uu[i] = 0.9 * uu[i] + gg[i];
                p[i] -= 0.1 * uu[i];
            }
            u = slowBuild(t, uu);
            wRef = slowBuild(t, p);
            assertEquals(wRef, w);
            if (step == 20) {
                sgd.restrictTo(w.filterLeaves((p2, x) -> Math.abs(x) > 0.5));
                u = u.restrictTo(w.filterLeaves((p2, x) -> Math.abs(x) > 0.5));
            }
        }
        assertEquals(u, sgd.state().get("velocity"));
    }

    @Test
    void nextTableSharesPathsOnlyWhileEveryLeafStays() {
        VValue w = VValue.ofPairs("a", 1.0, "b", VValue.ofPairs("c", 2.0, "d", -3.0));
        LeafTable t = new LeafTable(w);
        double[] xs = {1.5, 2.5, -0.5};
        VValue built = t.build(xs);
        LeafTable n = t.next(built, xs);
        assertSame(t.paths, n.paths);
        assertSame(built, n.source);
        assertEquals(new LeafTable(built).paths, n.paths);
        assertArrayEquals(new LeafTable(built).values, n.values);
        double[] zero = {1.5, 0, -0.5};
        assertNull(t.next(t.build(zero), zero), "a weight at 0 leaves the tree: not the same paths");
        Adam adam = new Adam(0.1, 0.9, 0.999, 1e-8);
        VValue w1 = adam.step(w, w);
        assertSame(adam.tableFor(w1).paths, adam.tableFor(w1).paths, "the step's table is kept for its result");
        assertNotSame(adam.tableFor(w).source, w1);
    }
}
