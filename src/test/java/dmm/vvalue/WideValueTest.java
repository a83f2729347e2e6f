package dmm.vvalue;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Values with many children edited key by key ({@link WideNode}) behave exactly like plain
 * ones, and building them one key at a time copies a linear number of children.
 */
class WideValueTest {
    private static VValue fromModel(TreeMap<String, VValue> model, double scalar) {
        VBuilder b = new VBuilder().addScalar(scalar);
        for (Map.Entry<String, VValue> e : model.entrySet()) b.addScaled(e.getKey(), 1.0, e.getValue());
        return b.build();
    }

    private static void assertSame(VValue expected, VValue actual, String when) {
        SameTree.assertSameTree(expected, actual, when);
    }

    @Test
    void randomEditsAgreeWithAModelAndOldVersionsNeverChange() {
        Random rnd = new Random(5);
        RandomVValues gen = new RandomVValues(6);
        TreeMap<String, VValue> model = new TreeMap<>();
        double scalar = 0;
        VValue v = VValue.ZERO;
        List<VValue> snapshots = new ArrayList<>();
        List<VValue> expectedSnapshots = new ArrayList<>();
        for (int op = 0; op < 6000; op++) {
            String key = "k" + rnd.nextInt(op < 3000 ? 400 : 120); // grow, then shrink below the wide threshold
            int what = rnd.nextInt(10);
            if (what < 5 || op < 200) {
                VValue child = rnd.nextBoolean() ? VValue.of(1 + rnd.nextInt(5)) : gen.next(2);
                if (child.isZero()) model.remove(key);
                else model.put(key, child);
                v = rnd.nextBoolean() ? v.withChild(key, child) : v.assoc(key, child);
            } else if (what < 9 || op >= 3000) {
                model.remove(key);
                v = rnd.nextBoolean() ? v.withChild(key, VValue.ZERO) : v.dissocIn(List.of(key));
            } else {
                scalar = rnd.nextInt(3);
                v = v.withScalar(scalar);
            }
            assertEquals(model.getOrDefault(key, VValue.ZERO), v.get(key), "get after op " + op);
            assertEquals(model.size(), v.childCount(), "child count after op " + op);
            if (op % 250 == 0) {
                assertSame(fromModel(model, scalar), v, "after op " + op);
                snapshots.add(v);
                expectedSnapshots.add(fromModel(model, scalar));
            }
        }
        for (int i = 0; i < snapshots.size(); i++) assertSame(expectedSnapshots.get(i), snapshots.get(i), "snapshot " + i);
    }

    @Test
    void algebraOnAWideValueEqualsAlgebraOnThePlainOne() {
        RandomVValues gen = new RandomVValues(9);
        VValue wide = VValue.ZERO;
        for (int i = 0; i < 300; i++) wide = wide.withChild("k" + (i * 37 % 300), gen.next(2).add(VValue.of("z", 1)));
        wide = wide.withScalar(2.5);
        assertInstanceOf(WideNode.class, wide, "built key by key, the value is wide");
        VValue plain = VValueJson.read(VValueJson.write(wide));
        assertNotNull(plain.keys, "read back, it is plain");
        VValue small = VValue.ofPairs("k5", 1, "k7", VValue.ofPairs("z", 2), "new", 3, "number", 1);
        assertEquals(plain.add(small), wide.add(small));
        assertEquals(small.add(plain), small.add(wide));
        assertEquals(VValue.combine(1, plain, -2, small), VValue.combine(1, wide, -2, small));
        assertEquals(VValue.combine(1, small, 1, plain), VValue.combine(1, small, 1, wide));
        assertEquals(plain.add(plain), wide.add(wide));
        assertEquals(plain.scale(3), wide.scale(3));
        assertEquals(VValue.multiply(plain, small), VValue.multiply(wide, small));
        assertEquals(VValue.dot(plain, plain), VValue.dot(wide, wide), 1e-9);
        assertEquals(plain.restrictTo(small), wide.restrictTo(small));
        assertEquals(small.restrictTo(plain), small.restrictTo(wide));
        assertEquals(plain.mapLeaves(x -> x * x), wide.mapLeaves(x -> x * x));
        assertEquals(VValue.lincomb(VValue.ofPairs("k5", 2, "k9", VValue.ofPairs("z", 1)), plain),
                VValue.lincomb(VValue.ofPairs("k5", 2, "k9", VValue.ofPairs("z", 1)), wide));
        assertEquals(VValue.zip(plain, small, Double::sum), VValue.zip(wide, small, Double::sum));
        assertEquals(plain.filterLeaves((p, x) -> x > 0), wide.filterLeaves((p, x) -> x > 0));
        assertEquals(plain.maxAbs(), wide.maxAbs());
        assertEquals(VBuilder.of(plain).build(), VBuilder.of(wide).build());
        assertEquals(plain.getIn("k5", "z"), wide.getIn("k5", "z"));
        assertTrue(wide.isFlat() == plain.isFlat() && !wide.isZero() && !wide.isScalar());
    }

    @Test
    void buildingAValueKeyByKeyCopiesALinearNumberOfChildren() {
        int n = 20_000;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) keys.add("key-" + i);
        Collections.shuffle(keys, new Random(3));
        Map<String[], Boolean> baseArrays = new IdentityHashMap<>();
        VValue v = VValue.ZERO;
        for (String k : keys) {
            v = v.assoc(k, VValue.ONE);
            if (v instanceof WideNode w) {
                baseArrays.put(w.baseKeys, true);
                assertNull(w.merged, "editing does not make the sorted arrays");
            }
        }
        long copied = 0;
        for (String[] a : baseArrays.keySet()) copied += a.length;
        // each merge copies the children once; merges come after a quarter of the base's size in edits
        assertTrue(copied <= 8L * n, "children copied while adding " + n + " keys: " + copied + " (quadratic would be ~" + (long) n * n / 2 + ")");
        assertTrue(baseArrays.size() < 64, "merges: " + baseArrays.size());
        assertEquals(n, v.childCount());
        assertEquals(keys.stream().sorted().toList(), v.keys());
    }

    @Test
    void aBuilderTakesManyKeysInAnyOrder() {
        int n = 5000;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) keys.add("k" + i);
        Collections.shuffle(keys, new Random(4));
        VBuilder b = new VBuilder();
        TreeMap<String, VValue> model = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String k = keys.get(i);
            if (i % 3 == 0) {
                b.child(k).addAt(List.of("x"), 2);
                model.put(k, VValue.ofPairs("x", 2));
            } else {
                b.addAt(List.of(k), i);
                if (i != 0) model.put(k, VValue.of(i));
            }
        }
        b.addAt(List.of(keys.get(1)), -1); // an existing key, found through the index
        model.put(keys.get(1), VValue.of(0)); // 1 - 1 = 0: the child vanishes
        model.remove(keys.get(1));
        VValue built = b.build();
        assertEquals(fromModel(model, 0), built);
        b.addAt(List.of("zzz"), 1); // the builder goes on after build
        assertEquals(built.add(VValue.ofPairs("zzz", 1)), b.build());
        assertEquals(b.build(), b.build());
    }
}
