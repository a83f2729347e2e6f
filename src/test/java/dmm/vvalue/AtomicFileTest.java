package dmm.vvalue;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    private static String read(Path p) throws IOException {
        return Files.readString(p);
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * A stopped run saves its checkpoint on the thread that was interrupted: the write must not
     * fail with ClosedByInterruptException ("cannot write the checkpoint ...: null", seen when a
     * study stopped its runs), and the interrupt stays set for the code that stops.
     */
    @Test
    void anInterruptedThreadStillWritesAndStaysInterrupted() throws IOException {
        Path target = dir.resolve("checkpoint.json");
        Thread.currentThread().interrupt();
        try {
            AtomicFile.write(target, "saved on the way out");
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is set again");
        } finally {
            Thread.interrupted();
        }
        assertEquals("saved on the way out", Files.readString(target));
    }

    @Test
    void writingThroughALinkKeepsTheLinkAndUpdatesTheTarget() throws IOException {
        Path target = dir.resolve("target.json");
        Files.writeString(target, "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), target);
        VValueJson.writeFile(VValue.ofPairs("a", 1), link);
        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        assertEquals(target, Files.readSymbolicLink(link));
        assertEquals(VValue.ofPairs("a", 1), VValueJson.readFile(target));
        assertEquals(List.of("link.json", "target.json"), names(), "no temp files left behind");
    }

    @Test
    void writingThroughAChainOfTwoRelativeLinksUpdatesTheFinalTarget() throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        Path target = dir.resolve("sub/target.txt");
        Files.writeString(target, "old");
        Path first = Files.createSymbolicLink(dir.resolve("first"), Path.of("sub/target.txt"));
        Path second = Files.createSymbolicLink(dir.resolve("second"), Path.of("first"));
        AtomicFile.write(second, "new");
        assertTrue(Files.isSymbolicLink(first));
        assertTrue(Files.isSymbolicLink(second));
        assertEquals("new", read(target));
        assertEquals(List.of("target.txt"), namesIn(dir.resolve("sub")));
    }

    private static List<String> namesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aDanglingLinkCreatesItsTarget() throws IOException {
        Path target = dir.resolve("not-yet.txt");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        AtomicFile.write(link, "hello");
        assertTrue(Files.isSymbolicLink(link));
        assertTrue(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS));
        assertEquals("hello", read(link));
    }

    @Test
    void theTargetKeepsItsPermissions() throws IOException {
        Path target = dir.resolve("private.json");
        Files.writeString(target, "old");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        AtomicFile.write(target, "new");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        AtomicFile.write(dir.resolve("fresh.json"), "x");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("fresh.json"))));
    }

    @Test
    void aDirectoryIsRefusedAndKept() throws IOException {
        Path d = Files.createDirectories(dir.resolve("d"));
        Files.writeString(d.resolve("inside"), "x");
        IOException e = assertThrows(AtomicFile.NotARegularFile.class, () -> AtomicFile.write(d, "new"));
        assertEquals("not a regular file (a directory)", e.getMessage());
        assertEquals("x", read(d.resolve("inside")));
        Path link = Files.createSymbolicLink(dir.resolve("to-d"), d);
        e = assertThrows(AtomicFile.NotARegularFile.class, () -> AtomicFile.write(link, "new"));
        assertEquals("not a regular file (it links to " + d + ", a directory)", e.getMessage());
        assertTrue(Files.isSymbolicLink(link));
    }

    @Test
    void devicesAreRefusedAndStayDevices() throws IOException {
        for (String device : List.of("/dev/null", "/dev/full")) {
            Path p = Path.of(device);
            assumeTrue(Files.exists(p) && !Files.isRegularFile(p), device + " exists on this system");
            IOException e = assertThrows(IOException.class, () -> VValueJson.writeFile(VValue.ofPairs("a", 1), p));
            assertEquals("not a regular file (a character device)", e.getMessage());
            assertTrue(Files.exists(p), device + " still exists");
            assertFalse(Files.isRegularFile(p), device + " is still not a regular file");
            assertEquals(0020000, (Integer) Files.getAttribute(p, "unix:mode") & 0170000, device + " is still a character device");
        }
    }

    @Test
    void aFifoIsRefused() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is not available");
            return;
        }
        assumeTrue(p.waitFor() == 0, "mkfifo works here");
        IOException e = assertThrows(AtomicFile.NotARegularFile.class, () -> AtomicFile.write(fifo, "x"));
        assertEquals("not a regular file (a FIFO)", e.getMessage());
        assertFalse(Files.isRegularFile(fifo));
    }

    @Test
    void aLoopOfLinksIsAnError() throws IOException {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(a, "x"));
        assertEquals("too many levels of symbolic links", e.getMessage());
    }

    @Test
    void missingFoldersAreCreatedAndFileSystemErrorsAreInWords() throws IOException {
        Path deep = dir.resolve("x/y/z.json");
        AtomicFile.write(deep, "1");
        assertEquals("1", read(deep));
        Path blocker = dir.resolve("plain");
        Files.writeString(blocker, "");
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(blocker.resolve("f.json"), "1"));
        assertEquals("not a directory: " + blocker, e.getMessage(), "a file stands where a folder must be made");
    }
}
