package dmm.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Sizes the architecture keeps: no source file over about 500 lines without the reason stated
 * in its class comment, and no method over about 60 lines in the engine, the AD core and the
 * V-values ({@code machine}, {@code ad}, {@code vvalue}), where the subtle code lives.
 */
class SizeTest {
    private static final Path ROOT = Path.of("src/main/java/dmm");
    /** A class comment giving its reason: "Why this file is long", "(Long because ...", "over 500 lines". */
    private static final Pattern REASON = Pattern.compile("(?i)(why this file is long|long because|over 500 lines)");

    private static List<Path> sources(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    @Test
    void aLongFileSaysWhyAtItsTop() throws IOException {
        List<String> unexplained = new ArrayList<>();
        for (Path f : sources(ROOT)) {
            List<String> lines = Files.readAllLines(f);
            if (lines.size() <= 550) continue;
            int classLine = 0;
            while (classLine < lines.size() && !lines.get(classLine).matches("^(public )?(sealed |final |abstract )*(class|interface|record|enum) .*")) classLine++;
            String header = String.join("\n", lines.subList(0, classLine));
            if (!REASON.matcher(header).find()) unexplained.add(f + " (" + lines.size() + " lines)");
        }
        assertEquals(List.of(), unexplained, "files over ~500 lines whose class comment does not say why");
    }

    @Test
    void noMethodInTheCoreIsOverSixtyLines() throws IOException {
        List<String> tooLong = new ArrayList<>();
        for (String pkg : List.of("machine", "ad", "vvalue")) {
            for (Path f : sources(ROOT.resolve(pkg))) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String l = lines.get(i);
                    boolean method = l.startsWith("    ") && !l.startsWith("     ") && l.contains("(") && l.endsWith("{")
                            && !l.matches(".*\\b(class|interface|record|enum|new)\\b.*") && !l.strip().startsWith("//");
                    if (!method) continue;
                    int end = i + 1;
                    while (end < lines.size() && !lines.get(end).equals("    }")) end++;
                    int length = end - i + 1;
                    if (length > 62) tooLong.add(f.getFileName() + ":" + (i + 1) + " " + l.strip() + " (" + length + " lines)");
                    i = end;
                }
            }
        }
        assertEquals(List.of(), tooLong, "methods over ~60 lines in machine, ad, vvalue");
    }
}
