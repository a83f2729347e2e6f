package dmm.vvalue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * The one way dmm writes a whole file (JSON values, matrices, checkpoints, DOT graphs, plots):
 * atomically, so a reader — or a crash — never sees a half-written file.
 *
 * <p>The path is first resolved: a symbolic link (or a chain of them, or a dangling one) is
 * followed to the file it names, and that file is replaced — the link stays a link. Something
 * that exists but is not a regular file (a directory, a device such as {@code /dev/full}, a
 * FIFO) is refused with {@link NotARegularFile}: replacing it by renaming over it would destroy
 * it. The new content goes to a temporary file in the target's directory, is flushed to disk,
 * takes the old file's permissions, and is renamed over the target.
 *
 * <pre>{@code AtomicFile.write(Path.of("runs/m.json"), "{}\n");}</pre>
 */
public final class AtomicFile {
    private static final int MAX_LINKS = 40;

    private AtomicFile() {}

    /** Writes the content to an output stream (it is buffered; do not close it). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * A path that names something other than a regular file. Its message reads after
     * "cannot write PATH: ", e.g. {@code not a regular file (a character device)}.
     */
    public static final class NotARegularFile extends IOException {
        NotARegularFile(String message) {
            super(message);
        }
    }

    /** Writes text (UTF-8) to {@code file} atomically. */
    public static void write(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes bytes to {@code file} atomically. */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, out -> out.write(bytes));
    }

    /**
     * Writes what {@code content} produces to {@code file} atomically. A thread that was
     * interrupted (a Ctrl-C, a study stopping its runs) still writes: an interrupted thread's file
     * channels close themselves at the first operation, which would lose exactly the checkpoint a
     * stop is meant to save; the interrupt is set again afterwards.
     */
    public static void write(Path file, Content content) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            writeResolved(resolve(file), content);
        } catch (FileSystemException e) {
            throw humane(e);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * The regular file {@code file} names, following symbolic links (the target need not exist
     * yet); a clear error when it exists and is not a regular file. Appending writers (the
     * training log) open the result.
     */
    public static Path resolve(Path file) throws IOException {
        Path p = file.toAbsolutePath();
        Path via = null;
        for (int hops = 0; Files.isSymbolicLink(p); hops++) {
            if (hops == MAX_LINKS) throw new NotARegularFile("too many levels of symbolic links");
            Path t = Files.readSymbolicLink(p);
            p = t.isAbsolute() ? t : p.resolveSibling(t);
            via = p;
        }
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
            throw new NotARegularFile("not a regular file (" + (via != null ? "it links to " + via + ", " : "") + kind(p) + ")");
        return p;
    }

    private static String kind(Path p) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) return "a directory";
        try {
            int type = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
            switch (type) {
                case 0020000: return "a character device";
                case 0060000: return "a block device";
                case 0010000: return "a FIFO";
                case 0140000: return "a socket";
                default: break;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            // no unix attribute view: fall through to the generic description
        }
        return "a special file";
    }

    private static void writeResolved(Path target, Content content) throws IOException {
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            copyAttributes(target, tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                content.writeTo(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The new file gets the old one's permissions (and owner, where allowed); a new file is rw-r--r--. */
    private static void copyAttributes(Path target, Path tmp) {
        try {
            Set<PosixFilePermission> perms = Files.exists(target)
                    ? Files.getPosixFilePermissions(target)
                    : PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(tmp, perms);
            if (Files.exists(target)) {
                UserPrincipal owner = Files.getOwner(target);
                if (!owner.equals(Files.getOwner(tmp))) Files.setOwner(tmp, owner);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system, or not allowed to give the file away: keep the defaults
        }
    }

    /** Makes the rename itself durable; not every platform can open a directory, which is fine. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // best effort
        }
    }

    /** File-system errors in words (the JDK's messages are often just the path). */
    static IOException humane(FileSystemException e) {
        String file = e.getFile();
        String what;
        if (e instanceof AccessDeniedException) what = "permission denied";
        else if (e instanceof NoSuchFileException) what = "no such file or directory";
        else if (e instanceof NotDirectoryException) what = "not a directory";
        else if (e instanceof FileAlreadyExistsException) what = "not a directory"; // a file where a parent folder must go, as TextFiles.why says
        else what = e.getReason() != null ? e.getReason() : "file system error";
        return new IOException(file == null ? what : what + ": " + file, e);
    }
}
