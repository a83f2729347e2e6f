package dmm.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What a study's rows depend on beyond their run ids: the program's content, the extra
 * arguments, and what each named case stands for. A results file records it once per study (a
 * line {@code {"fingerprint": ...}}); a later {@code run-study} into the same file with another
 * program, other arguments or a case redefined is refused, because the rows already there would
 * silently stand for another experiment. Settings values and seeds are part of the run ids, so a
 * study may grow (more seeds, more values, more cases) into the same file.
 */
final class StudyFingerprint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StudyFingerprint() {}

    /** The fingerprint of {@code s} now (reads the program: a missing one is an error here, before any run). */
    static ObjectNode of(Study s) throws IOException {
        byte[] program;
        try {
            program = Files.readAllBytes(s.program());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("the study's :program " + s.program() + " does not exist");
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("fingerprint", 1);
        n.put("study", s.name());
        n.put("program", s.program().toString());
        n.put("programSha256", sha256(program));
        s.extraArgs().forEach(n.putArray("args")::add);
        ObjectNode cases = n.putObject("cases");
        for (Map.Entry<String, List<String>> c : s.cases().entrySet()) c.getValue().forEach(cases.putArray(c.getKey())::add);
        n.put("recorded", Instant.now().toString());
        return n;
    }

    /**
     * Records {@code s}'s fingerprint in {@code file}, or checks it against the one there: an
     * {@link IllegalArgumentException} naming each difference when the rows would stand for
     * another experiment. Returns a note for the user when it recorded one into a file that had
     * rows of this study but no fingerprint (written by an older dmm), else null.
     */
    static String claim(ResultFile file, Study s) throws IOException {
        ObjectNode now = of(s);
        JsonNode before = null;
        for (JsonNode f : file.fingerprints()) if (s.name().equals(f.path("study").asText())) before = f;
        if (before == null) {
            boolean hadRows = file.read().stream().anyMatch(r -> r.study().equals(s.name()));
            file.appendFingerprint(now);
            return hadRows ? file.path() + " had rows of study `" + s.name() + "` but no fingerprint (an older dmm): recorded this one" : null;
        }
        List<String> diffs = new ArrayList<>();
        if (!before.path("programSha256").asText().equals(now.path("programSha256").asText()))
            diffs.add("the program " + s.program() + " changed since (sha256 " + abbrev(before.path("programSha256").asText()) + " then, "
                    + abbrev(now.path("programSha256").asText()) + " now)");
        if (!before.path("args").equals(now.path("args")))
            diffs.add(":args were " + before.path("args") + ", now " + now.path("args"));
        before.path("cases").properties().forEach(e -> {
            JsonNode current = now.path("cases").get(e.getKey());
            if (current != null && !current.equals(e.getValue()))
                diffs.add("the case `" + e.getKey() + "` stood for " + e.getValue() + ", now for " + current);
        });
        if (diffs.isEmpty()) return null;
        throw new IllegalArgumentException(file.path() + " holds results of study `" + s.name() + "` made differently: " + String.join("; ", diffs)
                + ". Its rows would stand for another experiment: give another :out (or delete " + file.path() + " to start over)");
    }

    private static String abbrev(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
