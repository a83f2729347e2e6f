package dmm.vvalue;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * The V-value JSON reader applies the map-literal rules (no duplicate keys, no object under the
 * scalar key) and describes malformed input in its own words with line and column, never with
 * a JSON library's messages.
 */
class JsonStrictnessTest {
    private static VValueJson.JsonFormatException jsonError(String json) {
        return assertThrows(VValueJson.JsonFormatException.class, () -> VValueJson.read(json));
    }

    @Test
    void jsonAppliesTheSameTwoRulesWithLineAndColumn() {
        var dup = jsonError("{\"x\": {\n  \"a\": 1,\n  \"a\": 2}}");
        assertEquals("data.json:3:3: duplicate key \"a\" (first given at 2:3); at $.x.a", dup.describe("data.json"));
        var number = jsonError("{\"x\": {\"number\": {\"b\": 1}}}");
        assertEquals("data.json:1:18: the scalar key \"number\" must hold a number (the node's own number), not an object; at $.x.number",
                number.describe("data.json"));
        var both = jsonError("{\":number\": 1, \"number\": 2}");
        assertEquals("duplicate key \"number\" (\":number\", the same scalar key, given at 1:2)", both.reason());
    }

    @Test
    void malformedJsonIsDescribedInOurOwnWords() {
        String[][] cases = {
            {"{\"a\": x}", "1:7: malformed JSON: unexpected `x` (expected a number or an object); at $.a"},
            {"{\"a\": 1", "1:8: malformed JSON: unexpected end of input (the object opened at 1:1 is not closed)"},
            {"{\"a\" 1}", "1:6: malformed JSON: expected `:` after the key \"a\", found `1`; at $.a"},
            {"{\"a\": 1,}", "1:9: malformed JSON: expected a key in double quotes, found `}`"},
            {"{\"a\": 01}", "1:7: malformed JSON: invalid number `01`; at $.a"},
            {"{\"a\": NaN}", "1:7: malformed JSON: unexpected `N` (expected a number or an object); at $.a"},
            {"{\"a\": 1} x", "1:10: unexpected content after the value: `x`"},
            {"{\"a\n\": 1}", "1:4: malformed JSON: control character U+000A in a string (write it as an escape such as \\n)"},
            {"{\"a\": 1e999}", "1:7: number out of range: 1e999; at $.a"},
        };
        for (String[] c : cases) {
            var e = jsonError(c[0]);
            String d = e.describe("f.json");
            assertEquals("f.json:" + c[1], d, c[0]);
            for (String jackson : new String[] {"Unexpected character", "code 1", "[Source:", "Unrecognized token", "was expecting"})
                assertFalse(d.contains(jackson), d);
        }
    }

    @Test
    void jsonStringsWithEscapesAreKeys() {
        assertEquals(VValue.ofPairs("a\"b\u00e9\n", 1), VValueJson.read("{\"a\\\"b\\u00e9\\n\": 1}"));
    }
}
