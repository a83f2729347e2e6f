package dmm.lang;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/**
 * {@code seed!}: adjacent seeds give independent streams (a study over seeds 1..N needs them),
 * and {@code :legacy} gives the old java.util.Random stream some committed results were made with.
 */
class RandomSeedTest {
    private final Interpreter interp = new Interpreter();

    RandomSeedTest() {
        interp.setOut(new PrintStream(new ByteArrayOutputStream()));
    }

    private double firstDraw(long seed, String legacy) {
        return Values.toDouble(interp.eval("t.dmm", "(do (seed! " + seed + legacy + ") (rand))"), "test");
    }

    /** The correlation of the first draws of seeds s and s + 1 over s = 1..n. */
    private double adjacentCorrelation(int n, String legacy) {
        double sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
        for (int s = 1; s <= n; s++) {
            double x = firstDraw(s, legacy), y = firstDraw(s + 1, legacy);
            sx += x;
            sy += y;
            sxy += x * y;
            sxx += x * x;
            syy += y * y;
        }
        return (sxy / n - sx / n * sy / n) / Math.sqrt((sxx / n - sx * sx / n / n) * (syy / n - sy * sy / n / n));
    }

    @Test
    void adjacentSeedsGiveUncorrelatedFirstDraws() {
        assertTrue(Math.abs(adjacentCorrelation(500, "")) < 0.15, "SplittableRandom: " + adjacentCorrelation(500, ""));
        assertTrue(adjacentCorrelation(500, " :legacy") > 0.9, "java.util.Random's first draws follow the seed");
    }

    @Test
    void theSameSeedGivesTheSameStream() {
        assertEquals(interp.eval("t.dmm", "(do (seed! 5) [(rand) (rand-normal) (rand-int 100)])"),
                interp.eval("t.dmm", "(do (seed! 5) [(rand) (rand-normal) (rand-int 100)])"));
    }

    @Test
    void theLegacyStreamIsJavaUtilRandomSeededWithTheSeed() {
        assertEquals(new java.util.Random(1).nextDouble(), firstDraw(1, " :legacy"));
        assertEquals(0.7308781907032909, firstDraw(1, " :legacy"));
        assertEquals(new java.util.SplittableRandom(1).nextDouble(), firstDraw(1, ""));
    }

    @Test
    void aSecondArgumentOtherThanLegacyIsAnError() {
        String report = assertThrows(DmmException.class, () -> interp.eval("t.dmm", "(seed! 1 :fast)")).report();
        assertTrue(report.contains("seed!: the optional second argument is :legacy"), report);
        assertTrue(report.contains("t.dmm:1:1"), report);
    }
}
