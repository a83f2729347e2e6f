package dmm.vvalue;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The test that a value in another representation (wide, lazy) is the plain tree it stands for, through the common API. */
final class SameTree {
    private SameTree() {}

    static void assertSameTree(VValue expected, VValue actual, String when) {
        assertEquals(expected, actual, when);
        assertEquals(actual, expected, when + " (symmetric)");
        assertEquals(expected.hashCode(), actual.hashCode(), when + ": hash");
        assertEquals(expected.toString(), actual.toString(), when + ": printed");
        assertEquals(expected.childCount(), actual.childCount(), when + ": child count");
        assertEquals(expected.keys(), actual.keys(), when + ": keys");
        assertEquals(expected.leafCount(), actual.leafCount(), when + ": leaves");
        assertEquals(expected, VValueJson.read(VValueJson.write(actual)), when + ": JSON round trip");
    }
}
