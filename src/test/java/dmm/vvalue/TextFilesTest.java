package dmm.vvalue;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** UTF-8 files read strictly (byte-order mark skipped, bad bytes located) and I/O failures in words. */
class TextFilesTest {
    @Test
    void aByteOrderMarkIsSkippedAndOnlyAtTheStart(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bom.json");
        Files.write(f, "\uFEFF{\"a\": 1}".getBytes(StandardCharsets.UTF_8));
        assertEquals("{\"a\": 1}", TextFiles.read(f));
        assertEquals(VValue.ofPairs("a", 1), VValueJson.readFile(f));
        Files.write(f, "x\uFEFFy".getBytes(StandardCharsets.UTF_8));
        assertEquals("x\uFEFFy", TextFiles.read(f));
    }

    @Test
    void invalidUtf8NamesTheByteOffsetLineAndColumn(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.json");
        // line 2 after `"éb` ("é" is two bytes, one character): byte offset 13, column 4
        byte[] bytes = "{\"a\": 1,\n\"\u00e9b".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bytes.length + 3];
        System.arraycopy(bytes, 0, all, 0, bytes.length);
        all[bytes.length] = (byte) 0xc3; // a lead byte followed by a non-continuation byte
        all[bytes.length + 1] = '"';
        all[bytes.length + 2] = '}';
        Files.write(f, all);
        TextFiles.MalformedTextException e = assertThrows(TextFiles.MalformedTextException.class, () -> TextFiles.read(f));
        assertEquals(13, e.byteOffset());
        assertEquals(2, e.line());
        assertEquals(4, e.column());
        assertEquals("invalid UTF-8 at line 2, column 4 (byte 0xc3 at byte offset 13)", e.getMessage());
        assertEquals("invalid UTF-8 at line 2, column 4 (byte 0xc3 at byte offset 13)", TextFiles.why(e, f));
    }

    @Test
    void failuresAreDescribedInWords(@TempDir Path dir) throws IOException {
        // tests run as root, so chmod cannot produce a permission error: the mapping is by type
        assertEquals("permission denied", TextFiles.why(new AccessDeniedException(dir.resolve("x").toString()), dir.resolve("x")));
        Path missing = dir.resolve("nope.json");
        assertEquals("no such file", TextFiles.why(assertThrows(NoSuchFileException.class, () -> TextFiles.read(missing)), missing));
        Path deep = dir.resolve("no-dir/x.json");
        assertEquals("no such directory: " + dir.resolve("no-dir"), TextFiles.why(assertThrows(IOException.class, () -> TextFiles.read(deep)), deep));
        assertEquals("is a directory", TextFiles.why(assertThrows(IOException.class, () -> TextFiles.read(dir)), dir));
    }
}
