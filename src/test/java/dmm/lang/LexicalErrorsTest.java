package dmm.lang;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * The reader's lexical errors, word for word and at their exact place: unterminated strings and
 * block comments, malformed escapes (the first one in the string), stray characters. Brackets,
 * quotes and {@code |#} inside strings and comments do not count.
 */
class LexicalErrorsTest {
    private static String firstLine(String text) {
        SyntaxError e = assertThrows(SyntaxError.class, () -> Reader.read("t.dmm", text), text);
        return e.report().split("\n")[0];
    }

    private static final String UNTERMINATED_STRING = "unterminated string (no closing `\"`)";
    private static final String UNTERMINATED_COMMENT = "unterminated block comment (no closing `|#`)";
    private static final String UNICODE = "invalid unicode escape in string (expected \\u and four hex digits)";

    private static String escape(String shown) {
        return "invalid escape `\\" + shown + "` in string (allowed: \\\" \\\\ \\n \\t \\r \\b \\f \\/ \\uXXXX)";
    }

    @Test
    void unterminatedStringsAreReportedWhereTheyOpen() {
        String[][] cases = {
            {"(a \"bc", "1:4"},
            {"\"abc\\", "1:1"},                 // a backslash at the very end escapes nothing
            {"\"\\u1234", "1:1"},              // a complete unicode escape, then the end
            {"\"ok\" (f \"x)", "1:9"},
            {"1\"a", "1:2"},                   // not an invalid number: the string is the problem
            {"; \"quoted\" (\n\"a", "2:1"},
            {"#| \" |# \"tail", "1:9"},
            {"(f \"a \\\" ( b", "1:4"},
        };
        for (String[] c : cases) assertEquals("t.dmm:" + c[1] + ": " + UNTERMINATED_STRING, firstLine(c[0]), c[0]);
    }

    @Test
    void theFirstMalformedEscapeOfAStringIsReportedAtItsBackslash() {
        String[][] cases = {
            {"\"a\\qb\"", "1:3", escape("q")},
            {"\"a\\qb", "1:3", escape("q")},                      // before the missing closing quote
            {"\"\\x \\y\"", "1:2", escape("x")},
            {"\"ok\" \"\\u00e9 \\x\"", "1:14", escape("x")},
            {"\"a\\\nb\"", "1:3", escape("\\u000a")},              // a backslash before a newline
            {"\"\\\\\\q\"", "1:4", escape("q")},                   // \\ is an escaped backslash, \q is not
            {"\"\\u12G4\"", "1:2", UNICODE},
            {"\"\\u12\"", "1:2", UNICODE},
            {"\"\\u12", "1:2", UNICODE},
            {"\"\\u", "1:2", UNICODE},
            {"\"\\u1234 \\u12\"", "1:9", UNICODE},
            {"\"\\u1234\\x\"", "1:8", escape("x")},
            {"(a \"b\" \"\\q\" \"unterminated", "1:9", escape("q")},
        };
        for (String[] c : cases) assertEquals("t.dmm:" + c[1] + ": " + c[2], firstLine(c[0]), c[0]);
    }

    @Test
    void unterminatedBlockCommentsAreReportedWhereTheyOpen() {
        String[][] cases = {
            {"#| never closed", "1:1"},
            {"#| a |# #| b", "1:9"},
            {"#|#", "1:1"},
            {"(f #| x |", "1:4"},
            {"\"x\" #| \"", "1:5"},
            {"\"#|\" #|", "1:6"},
        };
        for (String[] c : cases) assertEquals("t.dmm:" + c[1] + ": " + UNTERMINATED_COMMENT, firstLine(c[0]), c[0]);
    }

    @Test
    void otherCharactersTheLexerCannotTake() {
        assertEquals("t.dmm:1:1: unexpected `#` (only `#_` and `#| ... |#` are allowed)", firstLine("#"));
        assertEquals("t.dmm:1:4: unexpected `#` (only `#_` and `#| ... |#` are allowed)", firstLine("(a #{1})"));
        assertEquals("t.dmm:1:2: a keyword needs a name after `:`", firstLine("(: a)"));
        assertEquals("t.dmm:1:4: unexpected character `@`", firstLine("(a @b)"));
        assertEquals("t.dmm:1:1: unexpected character `\\u0000`", firstLine("\u0000"));
        assertEquals("t.dmm:1:1: invalid number `1\"a\"`", firstLine("1\"a\""));
    }

    @Test
    void bracketsQuotesAndCommentMarksInsideStringsAndCommentsDoNotCount() {
        assertEquals(4, Reader.read("t.dmm", "\"(\" \"#|\" \";\" #| \" ( |# ; \" [\n(a) #||# #|||#").size());
        assertEquals(0, Reader.read("t.dmm", "#||# #|||# #| | # |#").size());
        assertEquals(Form.StringForm.class, Reader.read("t.dmm", "\"a\\\\\"").get(0).getClass());
        assertEquals("a\\", ((Form.StringForm) Reader.read("t.dmm", "\"a\\\\\"").get(0)).value());
    }
}
