package dmm.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dmm.lang.DmmException;
import dmm.lang.Interpreter;
import dmm.vvalue.VValue;
import dmm.vvalue.VValueJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every built-in that writes a file keeps links as links and refuses devices and directories. */
class FileWritesTest {
    @TempDir
    Path dir;

    private final Interpreter interp = Toolkit.newInterpreter(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);

    private Object eval(String text) {
        return interp.eval("t.dmm", text);
    }

    private String error(String text) {
        return assertThrows(DmmException.class, () -> eval(text)).bareMessage();
    }

    private String q(Path p) {
        return "\"" + p + "\"";
    }

    private Path link(String name, Path target) throws Exception {
        return Files.createSymbolicLink(dir.resolve(name), target);
    }

    @Test
    void writeJsonAndSaveMatrixWriteThroughLinks() throws Exception {
        Path json = dir.resolve("v.json"), matrix = dir.resolve("m.json");
        Files.writeString(json, "{}");
        Path l1 = link("v-link", json), l2 = link("m-link", matrix); // the second dangles
        eval("(write-json " + q(l1) + " {:a 2})");
        eval("(require std) (def n (network n (neurons a accum) (links a.delta <- 0.5 a.single)))");
        eval("(save-matrix n " + q(l2) + ")");
        assertTrue(Files.isSymbolicLink(l1) && Files.isSymbolicLink(l2));
        assertEquals(VValue.ofPairs("a", 2), VValueJson.readFile(json));
        assertEquals(0.5, VValueJson.readFile(matrix).getIn("a", "delta", "a", "single").scalarPart());
    }

    @Test
    void writersRefuseDevicesWithAClearMessage() {
        assumeTrue(Files.exists(Path.of("/dev/full")) && !Files.isRegularFile(Path.of("/dev/full")));
        assertEquals("cannot write /dev/full: not a regular file (a character device)", error("(write-json \"/dev/full\" {:a 1})"));
        eval("(require std) (def n (network n (neurons a accum) (links a.delta <- 0.5 a.single)))");
        assertEquals("cannot write /dev/full: not a regular file (a character device)", error("(save-matrix n \"/dev/full\")"));
        assertEquals("cannot write /dev/null: not a regular file (a character device)", error("(graph n \"/dev/null\")"));
        assertEquals("cannot write /dev/null: not a regular file (a character device)", error("(write-dot n \"/dev/null\")"));
        assertTrue(Files.exists(Path.of("/dev/full")) && !Files.isRegularFile(Path.of("/dev/full")));
        assertTrue(Files.exists(Path.of("/dev/null")) && !Files.isRegularFile(Path.of("/dev/null")));
    }

    @Test
    void writingToADirectoryIsRefused() {
        assertEquals("cannot write " + dir + ": is a directory", error("(write-json " + q(dir) + " {:a 1})"));
        assertTrue(Files.isDirectory(dir));
    }

    @Test
    void dotGraphsWriteThroughLinks() throws Exception {
        Path dot = dir.resolve("g.dot");
        Files.writeString(dot, "old");
        Path l = link("g-link.dot", dot);
        eval("(require std) (def n (network n (neurons a accum) (links a.delta <- 0.5 a.single)))");
        eval("(graph n " + q(l) + ")");
        assertTrue(Files.isSymbolicLink(l));
        assertEquals(eval("(to-dot n)"), Files.readString(dot), "the target holds the network's DOT text");
        assertEquals("""
            digraph "n" {
              rankdir=LR;
              node [shape=box, fontname="Helvetica"];
              edge [fontname="Helvetica", fontsize=10];
              "a" [label="a\\n(accum)"];
              "a" -> "a" [label="single → delta (0.5)"];
            }
            """, Files.readString(dot));
    }

    @Test
    void trainingLogAndCheckpointWriteThroughLinks() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path csv = real.resolve("run.csv"), png = real.resolve("run.png"), ckpt = real.resolve("run.ckpt.json");
        Files.writeString(csv, "");
        Path lcsv = link("run.csv", csv), lpng = link("run.png", png), lckpt = link("run.ckpt.json", ckpt);
        eval("""
            (require lite) (require train)
            (def small (feedforward "abcab" {:layers 1 :copies 1 :init 0.1 :seed 2}))
            (def tr (trainer small :loss (imitation-loss (duplicate-detector "abcab") 10 [:output]) :quiet true
                             :log %s))
            (train! tr 3)
            (save-checkpoint tr %s)
            """.formatted(q(dir.resolve("run")), q(lckpt)));
        assertTrue(Files.isSymbolicLink(lcsv) && Files.isSymbolicLink(lpng) && Files.isSymbolicLink(lckpt));
        assertEquals(4, Files.readAllLines(csv).size(), "header and three steps");
        dmm.FileAssertions.assertPng(png, 900, 500);
        com.fasterxml.jackson.databind.JsonNode c = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(ckpt));
        assertEquals("dmm-checkpoint/2", c.path("format").asText());
        assertEquals("feedforward", c.path("network").asText());
        assertEquals(3, c.path("step").asInt());
    }
}
