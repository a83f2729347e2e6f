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
        assertEquals("{\n  \"x\" : {\n    \"y\" : 1,\n    \":number\" : 2\n  }\n}", VValueJson.write(VValue.ofPairs("x", VValue.ofPairs("number", 2, "y", 1))),
                "the scalar part is written under the published key \":number\"");
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
        assertEquals("$.a.b (line 2, column 8): arrays are not V-values (expected an object or a number)", e.getMessage());
    }

    @Test
    void rejectsStringsBooleansNull() {
        assertEquals("$.a (line 1, column 7): strings are not V-values (expected an object or a number)", fails("{\"a\": \"x\"}").getMessage());
        assertEquals("$.a (line 1, column 7): booleans are not V-values (expected an object or a number)", fails("{\"a\": true}").getMessage());
        assertEquals("$.a (line 1, column 7): null is not a V-value (expected an object or a number)", fails("{\"a\": null}").getMessage());
        assertEquals("$[\"hello world\"]", fails("{\"hello world\": null}").jsonPath());
    }

    @Test
    void rejectsNonFiniteNumbers() {
        assertEquals("$.a (line 1, column 7): number out of range: 1e400", fails("{\"a\": 1e400}").getMessage());
        assertEquals("$.a (line 1, column 7): malformed JSON: unexpected `N` (expected a number or an object)", fails("{\"a\": NaN}").getMessage());
    }

    @Test
    void rejectsDuplicateKeysMalformedAndTrailingInput() {
        assertEquals("$.a (line 1, column 10): duplicate key \"a\" (first given at 1:2)", fails("{\"a\": 1, \"a\": 2}").getMessage());
        assertEquals("$ (line 1, column 8): malformed JSON: unexpected end of input (the object opened at 1:1 is not closed)",
                fails("{\"a\": 1").getMessage());
        assertEquals("$ (line 1, column 4): unexpected content after the value: `{`", fails("{} {}").getMessage());
        assertEquals("$ (line 1, column 1): empty input: expected a JSON object or number", fails("").getMessage());
        assertEquals("$.x[\":number\"] (line 1, column 19): the scalar key \":number\" must hold a number (the node's own number), not an object",
                fails("{\"x\": {\":number\": {\"y\": 1}}}").getMessage());
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
