package dmm.vvalue;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VValueJsonTest {
    @Test
    void roundTripsRandomValues() {
        RandomVValues gen = new RandomVValues(7);
        for (int i = 0; i < 300; i++) {
            VValue v = gen.next(4);
            assertEquals(v, VValueJson.read(VValueJson.write(v)));
        }
    }

    @Test
    void readsPublishedScalarKey() {
        VValue v = VValueJson.read("{\"accum\": {\"dict-2\": {\"input\": {\"char\": 0.5}}}, \"x\": {\":number\": 2}}");
        assertEquals(0.5, v.getIn("accum", "dict-2", "input", "char").scalarPart());
        assertEquals(VValue.of(2), v.get("x"));
        assertTrue(VValueJson.write(VValue.ofPairs("x", VValue.ofPairs("number", 2, "y", 1))).contains("\":number\""));
    }

    @Test
    void zeroLeavesAreDroppedOnRead() {
        assertEquals(VValue.ofPairs("a", 1), VValueJson.read("{\"a\": 1, \"b\": 0, \"c\": {\"d\": 0}}"));
    }

    private static VValueJson.JsonFormatException fails(String json) {
        return assertThrows(VValueJson.JsonFormatException.class, () -> VValueJson.read(json));
    }

    @Test
    void rejectsArraysWithPathAndPosition() {
        var e = fails("{\"a\": {\n  \"b\": [1, 2]}}");
        assertEquals("$.a.b", e.jsonPath());
        assertEquals(2, e.line());
        assertEquals(8, e.column());
        assertTrue(e.getMessage().contains("arrays are not V-values"), e.getMessage());
    }

    @Test
    void rejectsStringsBooleansNull() {
        assertTrue(fails("{\"a\": \"x\"}").getMessage().startsWith("$.a (line 1, column 7): strings"));
        assertTrue(fails("{\"a\": true}").getMessage().contains("booleans"));
        assertTrue(fails("{\"a\": null}").getMessage().contains("null"));
        assertEquals("$[\"hello world\"]", fails("{\"hello world\": null}").jsonPath());
    }

    @Test
    void rejectsNonFiniteNumbers() {
        assertTrue(fails("{\"a\": 1e400}").getMessage().contains("out of range"));
        assertTrue(fails("{\"a\": NaN}").getMessage().contains("malformed JSON"));
    }

    @Test
    void rejectsDuplicateKeysMalformedAndTrailingInput() {
        assertTrue(fails("{\"a\": 1, \"a\": 2}").getMessage().contains("duplicate key \"a\" (first given at 1:2)"));
        assertTrue(fails("{\"a\": 1").getMessage().contains("malformed JSON"));
        assertTrue(fails("{} {}").getMessage().contains("after the value"));
        assertTrue(fails("").getMessage().contains("empty input"));
        assertTrue(fails("{\"x\": {\":number\": {\"y\": 1}}}").getMessage().contains("must hold a number"));
    }

    @Test
    void writesFilesAtomically(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.json");
        VValue v = VValue.ofPairs("a", 1.5);
        VValueJson.writeFile(v, f);
        assertEquals(v, VValueJson.readFile(f));
        VValueJson.writeFile(VValue.ofPairs("b", 2), f);
        assertEquals(VValue.ofPairs("b", 2), VValueJson.readFile(f));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temp files left behind");
        }
    }
}
