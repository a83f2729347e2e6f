package dmm.vvalue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Text files as people expect them: UTF-8 read strictly (a byte-order mark at the start is
 * skipped, invalid bytes are an error naming their place) and I/O failures described in words
 * ("no such file", "permission denied", "is a directory") instead of Java exception text.
 */
public final class TextFiles {
    private TextFiles() {}

    /** A file that is not valid UTF-8: the first bad byte's offset, line and column. */
    public static final class MalformedTextException extends IOException {
        private final long byteOffset;
        private final int line;
        private final int column;
        private final int badByte;
        private final transient String lenientText;
        private final int charOffset;

        MalformedTextException(long byteOffset, int line, int column, int badByte, String lenientText, int charOffset) {
            super("invalid UTF-8 at line " + line + ", column " + column + " (byte 0x"
                    + String.format("%02x", badByte) + " at byte offset " + byteOffset + ")");
            this.byteOffset = byteOffset;
            this.line = line;
            this.column = column;
            this.badByte = badByte;
            this.lenientText = lenientText;
            this.charOffset = charOffset;
        }

        /** 0-based offset of the first invalid byte in the file. */
        public long byteOffset() {
            return byteOffset;
        }

        /** 1-based line of the invalid byte. */
        public int line() {
            return line;
        }

        /** 1-based column (in characters) of the invalid byte. */
        public int column() {
            return column;
        }

        /** The invalid byte's value (0–255). */
        public int badByte() {
            return badByte;
        }

        /** The file decoded with U+FFFD for invalid bytes (to show the line with a caret). */
        public String lenientText() {
            return lenientText;
        }

        /** The offset of the invalid byte in {@link #lenientText()}. */
        public int charOffset() {
            return charOffset;
        }
    }

    /**
     * The text of a UTF-8 file. A byte-order mark at the start is skipped; invalid UTF-8 throws
     * {@link MalformedTextException}. Memory: the file's bytes plus the string.
     */
    public static String read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int from = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf ? 3 : 0;
        int bad = firstMalformed(bytes, from);
        if (bad >= 0) throw malformed(bytes, from, bad);
        return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    }

    /** The offset of the first byte that is not valid UTF-8, or -1 (checked in chunks: no copy of the text). */
    private static int firstMalformed(byte[] bytes, int from) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, bytes.length - from);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult r = d.decode(in, out, true);
            if (r.isError()) return in.position();
            if (r.isOverflow()) {
                out.clear();
                continue;
            }
            r = d.flush(out);
            if (r.isOverflow()) {
                out.clear();
                continue;
            }
            return -1;
        }
    }

    private static MalformedTextException malformed(byte[] bytes, int from, int bad) {
        int line = 1, lineStart = from;
        for (int i = from; i < bad; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        String before = new String(bytes, lineStart, bad - lineStart, StandardCharsets.UTF_8);
        int column = before.codePointCount(0, before.length()) + 1;
        int charOffset = new String(bytes, from, bad - from, StandardCharsets.UTF_8).length();
        String lenient = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        return new MalformedTextException(bad, line, column, bytes[bad] & 0xff, lenient, charOffset);
    }

    /**
     * Why an operation on {@code file} failed, in words: "no such file", "permission denied",
     * "is a directory", "not a directory" (a parent is a file), "invalid UTF-8 ...", or the
     * system's reason.
     */
    public static String why(IOException e, Path file) {
        if (e instanceof MalformedTextException) return e.getMessage();
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof NoSuchFileException) {
            Path parent = file == null ? null : file.toAbsolutePath().getParent();
            return parent != null && !Files.isDirectory(parent) ? "no such directory: " + parentName(file) : "no such file";
        }
        if (file != null && Files.isDirectory(file)) return "is a directory";
        if (e instanceof DirectoryNotEmptyException) return "is a directory";
        if (e instanceof FileAlreadyExistsException fa) return "not a directory: " + fa.getFile(); // creating a parent folder
        if (e instanceof NotDirectoryException) return "not a directory";
        if (e instanceof FileSystemException fs && fs.getReason() != null) return lowerFirst(fs.getReason());
        String m = e.getMessage();
        return m == null ? "I/O error" : lowerFirst(m);
    }

    private static String parentName(Path file) {
        Path p = file.getParent();
        return p == null ? file.toAbsolutePath().getParent().toString() : p.toString();
    }

    private static String lowerFirst(String s) {
        if (s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1)))
            return Character.toLowerCase(s.charAt(0)) + s.substring(1);
        return s;
    }
}
