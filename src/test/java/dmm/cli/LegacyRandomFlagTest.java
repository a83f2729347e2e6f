package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code dmm --legacy-random}: every seed! gives the old java.util.Random stream; without it, SplittableRandom's. */
class LegacyRandomFlagTest {
    @Test
    void theFlagSelectsTheOldStreamForEverySeed() {
        ChildJvm.Result legacy = ChildJvm.dmm(List.of(), null, null, "--legacy-random", "eval", "(seed! 1) (rand)");
        assertEquals(0, legacy.exit(), legacy.toString());
        assertTrue(legacy.out().contains(String.valueOf(new java.util.Random(1).nextDouble())), legacy.toString());
        ChildJvm.Result current = ChildJvm.dmm(List.of(), null, null, "eval", "(seed! 1) (rand)");
        assertTrue(current.out().contains(String.valueOf(new java.util.SplittableRandom(1).nextDouble())), current.toString());
    }
}
