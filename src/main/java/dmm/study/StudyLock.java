package dmm.study;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One {@code run-study} at a time per results folder: a lock file ({@code .run-study.lock}) held
 * with an OS file lock while the study runs, naming its holder. A second {@code run-study} into
 * the same folder — from this process or another — fails at once with the holder's name instead
 * of running every run a second time into the same folders. The lock goes with its process, so a
 * killed study never leaves the folder locked. (On a shared file system whose locks are not
 * reliable, the driver as the only writer of rows is what keeps the file whole.)
 */
final class StudyLock implements AutoCloseable {
    static final String NAME = ".run-study.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StudyLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the folder's lock, or fails naming who holds it. */
    static StudyLock acquire(Path dir, String study) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(NAME);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;   // this process holds it already: another run-study of this JVM
        }
        if (l == null) {
            String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
            ch.close();
            throw new IllegalArgumentException("another run-study is writing to " + dir + (holder.isEmpty() ? "" : " (" + holder + ")")
                    + "; wait for it to end, or give another :out");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(("study " + study + ", process " + ManagementFactory.getRuntimeMXBean().getName() + ", since "
                + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
        return new StudyLock(ch, l);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
