package dmm.view;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dmm.bind.TrainRuns;
import dmm.cli.Toolkit;
import dmm.lang.Interpreter;
import dmm.train.TrainRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a viewer receives while the 1486-link flagship network trains: the structure once, then
 * only the weights, rounded, at most once a second for a network this large — not every link
 * every tick (about 260 KB a tick before).
 */
class ViewPayloadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Interpreter interp = Toolkit.newInterpreter(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);

    @AfterEach
    void end() {
        TrainRuns.runs(interp).stopAll();
    }

    private static int networkBytes(ObjectNode n) throws Exception {
        return n == null ? 0 : JSON.writeValueAsBytes(n.at("/networks")).length;
    }

    @Test
    void aTrainingNetworkSendsItsStructureOnceThenRoundedWeightsAtMostOnceASecond() throws Exception {
        interp.setNotifier(line -> {});
        interp.eval("setup", """
                (require lite) (require train)
                (def tr (trainer (feedforward "test string." {:published 1})
                                 :loss (imitation-loss (duplicate-detector "test string.") 140 [:output]) :quiet true))
                (train! tr 1000000 :background true)
                """);
        TrainRun run = TrainRuns.runs(interp).get(1);
        ViewState view = new ViewState(interp);
        ObjectNode first = view.next();
        JsonNode net = first.at("/networks/0");
        assertTrue(net.has("links") && net.get("links").size() >= 1486, "the structure first");
        long step = run.trainer().step();
        while (run.trainer().step() < step + 3) Thread.sleep(5);
        ObjectNode soon = view.next();
        assertFalse(soon != null && soon.at("/networks/0").has("links"), "no structure again: the links are the same");
        assertFalse(soon != null && soon.at("/networks/0").has("weights"), "a large network's weights wait a second");
        Thread.sleep(1100);
        ObjectNode later = view.next();
        assertNotNull(later);
        JsonNode weights = later.at("/networks/0/weights");
        assertTrue(weights.isArray() && weights.size() == net.get("softLinks").asInt(), "one weight per soft link, in the links' order");
        for (JsonNode w : weights) assertTrue(w.asText().replace("-", "").replace(".", "").replaceAll("E.*", "").replaceFirst("^0+", "").length() <= 4,
                "rounded to 4 digits: " + w);
        // the network part of each update (the run's new history points come on top: about 80 bytes a step)
        int structure = networkBytes(first), withoutWeights = networkBytes(soon), withWeights = networkBytes(later);
        System.out.printf("view payload (the network's part): structure %d bytes; an update within the second %d bytes; with the weights %d bytes%n",
                structure, withoutWeights, withWeights);
        assertTrue(withWeights < 25_000, "the weights update is small: " + withWeights);
        assertTrue(withoutWeights < 1_000, "an update without weights is small: " + withoutWeights);
        assertTrue(structure > 150_000, "the structure is the large part: " + structure);
    }
}
