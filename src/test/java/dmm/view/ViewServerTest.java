package dmm.view;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dmm.bind.TrainRuns;
import dmm.cli.Toolkit;
import dmm.lang.Interpreter;
import dmm.train.TrainRun;
import dmm.vvalue.VValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The view's server without a browser: what it refuses, what it serves, the actions and their answers. */
class ViewServerTest {
    final Interpreter interp = Toolkit.newInterpreter(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
    final HttpClient http = HttpClient.newHttpClient();
    ViewServer server;

    ViewServerTest() throws Exception {
        interp.setNotifier(line -> {});
        server = ViewLib.serve(interp, "127.0.0.1", 0);
    }

    @AfterEach
    void end() {
        server.close();
        TrainRuns.runs(interp).stopAll();
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> action(String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + "/api/action")).header("Content-Type", "application/json")
                .header("X-DMM-Token", server.token()).POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void itListensOnLoopbackWithALongRandomToken() {
        assertTrue(server.url().startsWith("http://127.0.0.1:" + server.port() + "/?token="), server.url());
        assertTrue(server.token().length() >= 43, "256 bits");
        ViewServer other = null;
        try {
            other = ViewServer.start(interp, "127.0.0.1", 0);
            assertNotEquals(server.token(), other.token());
        } catch (IOException e) {
            fail(e);
        } finally {
            if (other != null) other.close();
        }
    }

    @Test
    void thePageAndTheChartLibraryComeFromTheJarWithoutAToken() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js"));
        assertFalse(page.body().contains("https://"), "nothing from a CDN");
        assertEquals(200, get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").statusCode());
        assertEquals(200, get("/static/view.js").statusCode());
        assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(""), "the token never leaks in a Referer");
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
        assertEquals(404, get("/static/../ViewServer.class").statusCode());
        assertEquals(404, get("/webjars/../../dmm/view/ViewServer.class").statusCode());
        assertEquals(404, get("/dmm/view/ViewServer.class").statusCode());
    }

    @Test
    void theApiNeedsTheToken() throws Exception {
        assertEquals(403, get("/api/state").statusCode());
        assertEquals(403, get("/api/state?token=" + server.token().substring(1)).statusCode());
        assertEquals(403, get("/api/events").statusCode());
        HttpResponse<String> ok = get("/api/state?token=" + server.token());
        assertEquals(200, ok.statusCode());
        assertEquals("application/json; charset=utf-8", ok.headers().firstValue("Content-Type").orElse(""));
        HttpResponse<String> noHeader = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/action?token=" + server.token()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"pause\",\"run\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, noHeader.statusCode(), "a change needs the token in the header");
    }

    @Test
    void anotherHostNameIsRefused() throws Exception {
        // DNS rebinding: a page of evil.example resolving to 127.0.0.1 sends Host: evil.example
        assertEquals(403, rawStatus("evil.example:" + server.port()));
        assertEquals(403, rawStatus("127.0.0.1:" + (server.port() + 1)));
        assertEquals(200, rawStatus("localhost:" + server.port()));
        assertEquals(200, rawStatus("127.0.0.1:" + server.port()));
    }

    int rawStatus(String host) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/state?token=" + server.token() + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String first = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(first.substring(9, 12));
        }
    }

    /** A small network training in the background as run 1, paused (`tr` in the session). */
    private TrainRun pausedRun() {
        interp.eval("setup", """
            (require lite) (require train)
            (def tr (trainer (feedforward "abcab" {:layers 2 :copies 1 :init 0.1 :seed 2})
                             :loss (imitation-loss (duplicate-detector "abcab") 30 [:output]) :quiet true))
            (train! tr 1000000 :background true)
            (pause! tr)
            """);
        return TrainRuns.runs(interp).get(1);
    }

    @Test
    void onlyTheListedActionsWithCheckedArguments() throws Exception {
        TrainRun run = pausedRun();
        assertEquals(400, action("{\"action\":\"eval\",\"code\":\"(System/exit 0)\"}").statusCode());
        assertEquals(400, action("not json").statusCode());
        assertEquals(400, action("{\"action\":\"set-lr\",\"run\":1,\"value\":\"fast\"}").statusCode());
        assertEquals(400, action("{\"action\":\"set-lr\",\"run\":1,\"value\":-1}").statusCode());
        assertEquals(404, action("{\"action\":\"pause\",\"run\":7}").statusCode());
        assertEquals(400, action("{\"action\":\"set-schedule\",\"run\":1,\"settings\":{\"nope\":1}}").statusCode());
        assertEquals(200, action("{\"action\":\"set-schedule\",\"run\":1,\"settings\":{\"recover-steps\":20}}").statusCode());
        HttpResponse<String> lr = action("{\"action\":\"set-l1\",\"run\":1,\"value\":0.003}");
        assertEquals(200, lr.statusCode(), lr.body());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (run.trainer().lambda() != 0.003 && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(0.003, run.trainer().lambda(), "applied by the paused trainer at its step boundary");
        assertEquals(200, action("{\"action\":\"stop\",\"run\":1}").statusCode());
        assertTrue(run.await(10_000));
        assertEquals(TrainRun.Status.STOPPED, run.status());
        JsonNode state = new ObjectMapper().readTree(get("/api/state?token=" + server.token()).body());
        assertEquals("stopped", state.at("/runs/0/status").asText());
        assertEquals("train:1", state.at("/networks/0/key").asText());
        int soft = 0;
        for (JsonNode l : state.at("/networks/0/links")) if (!l.path("hard").asBoolean()) soft++;
        assertEquals(run.network().softLinkCount(), soft);
    }

    /**
     * A link action is checked as the REPL form checks it, before anything is queued: a path naming
     * undeclared neurons, wrong types or fields, or a link that is not there is a 400 with the
     * reason, and the trainer goes on as before (it used to apply such a restore and fail for good).
     */
    @Test
    void aMalformedLinkActionIsRefusedAndTheTrainerStaysUsable() throws Exception {
        TrainRun run = pausedRun();
        HttpResponse<String> bad = action("{\"action\":\"restore-link\",\"run\":1,\"link\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"],\"weight\":1}");
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("`b`"), bad.body());
        HttpResponse<String> wrongType = action("{\"action\":\"restore-link\",\"run\":1,"
                + "\"link\":[\"max-norm\",\"output\",\"dict-1\",\"sum-dicts\",\"accum-1-1\",\"dict\"],\"weight\":1}");
        assertEquals(400, wrongType.statusCode(), wrongType.body());
        assertTrue(wrongType.body().contains("declares it as `output`"), wrongType.body());
        HttpResponse<String> wrongField = action("{\"action\":\"cut-link\",\"run\":1,"
                + "\"link\":[\"output\",\"output\",\"nope\",\"sum-dicts\",\"accum-1-1\",\"dict\"]}");
        assertEquals(400, wrongField.statusCode(), wrongField.body());
        HttpResponse<String> zeroWeight = action("{\"action\":\"restore-link\",\"run\":1,"
                + "\"link\":[\"output\",\"output\",\"dict-1\",\"sum-dicts\",\"accum-1-1\",\"dict\"],\"weight\":0}");
        assertEquals(400, zeroWeight.statusCode(), zeroWeight.body());
        // the trainer is untouched: it evaluates, trains on, and a valid cut still works
        interp.eval("t", "(resume! tr)");
        interp.eval("t", "(stop! tr)");
        assertTrue(run.await(10_000));
        Object loss = interp.eval("t", "(evaluate tr)");
        assertTrue(loss instanceof Number || loss instanceof VValue, String.valueOf(loss));
        HttpResponse<String> cut = action("{\"action\":\"cut-link\",\"run\":1,"
                + "\"link\":[\"output\",\"output\",\"dict-1\",\"sum-dicts\",\"accum-1-1\",\"dict\"]}");
        assertEquals(200, cut.statusCode(), cut.body());
    }

    /** Clients that send half a request hold no thread the others need: /api/state answers while 20 of them hang. */
    @Test
    void clientsSendingPartialHeadersDoNotBlockOthers() throws Exception {
        List<Socket> stuck = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                s.getOutputStream().write(("GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                stuck.add(s);
            }
            Thread.sleep(200);
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/state?token=" + server.token()))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(200, r.statusCode());
            assertTrue(seconds < ViewServer.REQUEST_SECONDS, "answered in " + seconds + " s, before the stuck clients time out");
            // and the stuck ones are dropped after the request time limit
            Socket first = stuck.get(0);
            first.setSoTimeout((ViewServer.REQUEST_SECONDS + 10) * 1000);
            assertEquals(-1, first.getInputStream().read(), "closed by the server");
        } finally {
            for (Socket s : stuck) s.close();
        }
    }

    @Test
    void namesGivenWithAllowHostAreAnsweredAndOthersRefused() throws Exception {
        server.close();
        server = ViewServer.start(interp, "127.0.0.1", 0, List.of("dmm.example"));
        assertEquals(200, rawStatus("dmm.example:" + server.port()));
        assertEquals(200, rawStatus("DMM.example:" + server.port()), "host names are case-insensitive");
        assertEquals(403, rawStatus("evil.example:" + server.port()));
    }

    @Test
    void boundToEveryInterfaceTheMachinesOwnAddressesAreAllowed() throws Exception {
        Set<String> allowed = allowedFor("0.0.0.0");
        for (var ni : Collections.list(NetworkInterface.getNetworkInterfaces()))
            for (var a : Collections.list(ni.getInetAddresses()))
                if (a instanceof Inet4Address) assertTrue(allowed.contains(a.getHostAddress()), a + " in " + allowed);
        assertTrue(!allowed.contains("evil.example"));
    }

    private Set<String> allowedFor(String host) throws Exception {
        var m = ViewServer.class.getDeclaredMethod("allowedHosts", String.class, List.class);
        m.setAccessible(true);
        @SuppressWarnings("unchecked")
        Set<String> names = (Set<String>) m.invoke(null, host, List.of());
        return names;
    }

    @Test
    void listeningBeyondLoopbackWarnsThroughServeAndServeForm() throws Exception {
        server.close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Interpreter other = Toolkit.newInterpreter(new PrintStream(out, true, StandardCharsets.UTF_8), false);
        ViewServer s = ViewLib.serveAnnounced(other, "127.0.0.2", 0, List.of(), new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            String printed = out.toString(StandardCharsets.UTF_8);
            assertTrue(printed.startsWith("warning: the view listens on 127.0.0.2, not only on this machine"), printed);
            assertTrue(printed.contains("view: http://127.0.0.2:" + s.port() + "/?token="), printed);
        } finally {
            s.close();
        }
    }

    @Test
    void badRequestsGetPlainAnswers() throws Exception {
        HttpResponse<String> notJson = action("{\"action\": pause}");
        assertEquals(400, notJson.statusCode());
        assertTrue(notJson.body().contains("the body must be one JSON object") && notJson.body().contains("line 1, column"), notJson.body());
        assertTrue(!notJson.body().contains("Unrecognized token") && !notJson.body().contains("Source:") && !notJson.body().contains("jackson"),
                "no Jackson internals: " + notJson.body());
        HttpResponse<String> trailing = action("{\"action\":\"pause\",\"run\":1} garbage");
        assertEquals(400, trailing.statusCode(), trailing.body());
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/action")).header("Content-Type", "application/json")
                .header("X-DMM-Token", server.token()).PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, put.statusCode(), put.body());
        assertTrue(put.body().contains("takes POST, not PUT"), put.body());
    }
}
