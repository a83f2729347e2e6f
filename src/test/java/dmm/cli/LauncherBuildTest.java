package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SLOW (two Maven builds, about half a minute): the {@code ./dmm} launcher on a fresh copy of the
 * project. This is the suite's only test that runs Maven; keep it that way.
 */
@Tag("slow")
class LauncherBuildTest {
    @Test
    void concurrentFirstLaunchesShareOneBuildAndARebuildLeavesRunningJarsAlone(@TempDir Path dir) throws Exception {
        assumeTrue(new File("/bin/bash").canExecute(), "needs bash");
        for (String p : List.of("dmm", "pom.xml", "grammar", "lib-dmm", "src/main")) copy(Path.of(p), dir.resolve(p));
        assertTrue(dir.resolve("dmm").toFile().setExecutable(true));
        // Build offline when the local repository already holds the plugins the package phase needs.
        boolean cached = Files.isDirectory(Path.of(System.getProperty("user.home"),
                ".m2/repository/org/apache/maven/plugins/maven-shade-plugin"));
        String mvnOpts = cached ? "-o" : "";

        // Two first launches at once: one builds, the other waits for that build and uses its jar.
        Process a = launch(dir, mvnOpts, "a"), b = launch(dir, mvnOpts, "b");
        assertEquals(0, finish(a, dir, "a"), () -> "first launch failed: " + read(dir, "a.err"));
        assertEquals(0, finish(b, dir, "b"), () -> "second launch failed: " + read(dir, "b.err"));
        String outA = read(dir, "a.out"), outB = read(dir, "b.out"), errs = read(dir, "a.err") + read(dir, "b.err");
        // the jar's version is the project's (from the manifest the build writes)
        org.w3c.dom.Element project = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(dir.resolve("pom.xml").toFile()).getDocumentElement();
        String version = null;
        for (org.w3c.dom.Node n = project.getFirstChild(); n != null; n = n.getNextSibling())
            if (n.getNodeName().equals("version")) version = n.getTextContent().strip();
        assertEquals("dmm " + version + System.lineSeparator(), outA);
        assertEquals(outA, outB);
        assertEquals(1, errs.split("dmm: building", -1).length - 1, "exactly one launch builds:\n" + errs);
        assertFalse(errs.contains("\u001b"), "no terminal escapes in the build output:\n" + errs.replace("\u001b", "ESC"));

        // A dmm that is running keeps its jar: after a source edit the next launch rebuilds, and the
        // jar the running one opened is not rewritten under it.
        Path launchJar = dir.resolve("target/dmm-launch.jar");
        try (FileChannel running = FileChannel.open(launchJar, StandardOpenOption.READ)) {
            long size = running.size();
            byte[] head = new byte[4096];
            running.read(ByteBuffer.wrap(head), 0);
            Files.setLastModifiedTime(dir.resolve("src/main/java/dmm/cli/Main.java"), FileTime.from(Instant.now()));
            assertEquals(0, finish(launch(dir, mvnOpts, "c"), dir, "c"), () -> "rebuild failed: " + read(dir, "c.err"));
            assertTrue(read(dir, "c.err").contains("dmm: building"), read(dir, "c.err"));
            assertFalse(read(dir, "c.err").contains("\u001b"));
            assertEquals(outA, read(dir, "c.out"));
            assertEquals(size, running.size(), "the running jar was rewritten in place");
            byte[] again = new byte[4096];
            running.read(ByteBuffer.wrap(again), 0);
            assertArrayEquals(head, again);
        }
        // Up to date now: the next launch neither builds nor waits.
        assertEquals(0, finish(launch(dir, mvnOpts, "d"), dir, "d"));
        assertEquals("", read(dir, "d.err"));

        // --with-spark: Maven resolves Spark's jars once, and a study runs on Spark (local[2]),
        // with Spark's logging at WARN. Online: the dependency plugin it runs is not among what the
        // package phase resolved, so a fresh machine's local repository may lack its dependencies
        // (found on a fresh machine, where the offline resolution failed)
        copy(Path.of("src/test/resources/study"), dir.resolve("study"));
        String study = "(run-study (study \"toy\" :program \"study/toy.dmm\" :grid [:scale [1 2]] :seeds [1 2]) :workers 2"
                + " :out \"toy-out\" :backend \"spark\" :master \"local[2]\") nil";
        assertEquals(0, finish(launch(dir, "", "e", "--with-spark", "eval", study), dir, "e"), () -> read(dir, "e.err") + read(dir, "e.out"));
        assertTrue(read(dir, "e.err").contains("resolving Apache Spark's jars"), read(dir, "e.err"));
        assertFalse(read(dir, "e.err").contains(" INFO "), "Spark logs at WARN:\n" + read(dir, "e.err"));
        assertTrue(read(dir, "e.out").contains("study toy: 4 runs in"), read(dir, "e.out"));
        assertEquals(4, Files.readAllLines(dir.resolve("toy-out/results.jsonl")).stream().filter(l -> l.contains("\"run\"")).count());
        assertTrue(Files.readString(dir.resolve("target/spark.classpath")).contains("spark-core"));
    }

    private static Process launch(Path dir, String mvnOpts, String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(dir.resolve("dmm").toString()));
        cmd.addAll(args.length == 0 ? List.of("--version") : List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().put("DMM_MVN_OPTS", mvnOpts);
        return pb.start();
    }

    private static int finish(Process p, Path dir, String name) throws InterruptedException {
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("launch " + name + " did not finish within 5 minutes: " + read(dir, name + ".err"));
        }
        return p.exitValue();
    }

    private static String read(Path dir, String file) {
        try {
            return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(t);
                else Files.copy(f, t, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
