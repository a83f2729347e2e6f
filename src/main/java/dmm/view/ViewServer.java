package dmm.view;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dmm.lang.Interpreter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The browser view of a session: a small HTTP server (the JDK's) serving the page (static files
 * from the jar, the chart library from its WebJar) and a JSON API — {@code GET /api/state}, the
 * Server-Sent-Events stream {@code GET /api/events} (at most ten updates a second, each with
 * only what changed) and {@code POST /api/action}, the fixed set of {@link Actions}.
 *
 * <p>Security: it binds to 127.0.0.1 unless told otherwise; every API request must carry the
 * session's random token (256 bits from {@link SecureRandom}, printed in the URL like Jupyter's;
 * compared in constant time) — a POST in the {@code X-DMM-Token} header, which a page of another
 * origin cannot set — or is refused with 403; requests naming another host are refused (DNS
 * rebinding); the page can only ask for the listed actions, never evaluate code. Viewers read
 * immutable values on their own threads and each client has at most one update in flight, so
 * a closed browser or a slow client never blocks a network or a trainer.
 */
public final class ViewServer {
    /** Updates per second at most, per client. */
    static final int MAX_UPDATES_PER_SECOND = 10;
    /** Event-stream clients at once; more are refused with 503. */
    static final int MAX_CLIENTS = 8;
    /** Seconds a client has to send its request line and headers; a slower one is disconnected. */
    static final int REQUEST_SECONDS = 5;
    /** Threads reading requests and answering them (an event stream holds one for as long as it is open). */
    static final int MAX_THREADS = 64;

    static {
        // The JDK's server reads a request's head on an executor thread; without a limit, clients
        // that send half a head hold those threads for as long as they keep the socket open. These
        // are read once, when the server implementation is first loaded (an explicit setting wins).
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null)
            System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        if (System.getProperty("sun.net.httpserver.maxIdleTime") == null)
            System.setProperty("sun.net.httpserver.maxIdleTime", "30");
    }
    private static final Pattern STATIC = Pattern.compile("/static/([a-z][a-z0-9-]*\\.(?:js|css|html|svg))");
    private static final String WEBJARS = "/webjars/";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** One JSON value and nothing after it. */
    private static final ObjectReader STRICT = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Interpreter interp;
    private final HttpServer server;
    private final String token;
    private final String host;
    private final int port;
    private final ExecutorService executor;
    private final AtomicInteger clients = new AtomicInteger();
    private final Actions actions;
    private volatile boolean closed;

    /** The names a request's Host header may give (DNS rebinding: a page of another name must not reach the API). */
    private final Set<String> allowedHosts;

    private ViewServer(Interpreter interp, String host, int port, List<String> allowHosts) throws IOException {
        checkPort(port);
        this.interp = interp;
        this.host = host;
        this.allowedHosts = allowedHosts(host, allowHosts);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 16);
        this.port = server.getAddress().getPort();
        AtomicInteger n = new AtomicInteger();
        // event streams hold a thread each (MAX_CLIENTS of them); the others read and answer requests,
        // each bounded by REQUEST_SECONDS while its head arrives. Past MAX_THREADS a request waits in
        // the queue: never on the accepting thread, which would stop the server for everyone.
        this.executor = new ThreadPoolExecutor(MAX_THREADS, MAX_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "dmm-view-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ((ThreadPoolExecutor) executor).allowCoreThreadTimeOut(true);
        this.actions = new Actions(interp);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a view of {@code interp}'s networks and runs on {@code host}:{@code port} (0: any free port). */
    public static ViewServer start(Interpreter interp, String host, int port) throws IOException {
        return new ViewServer(interp, host, port, List.of());
    }

    /**
     * {@link #start(Interpreter, String, int)}, also answering to the names in {@code allowHosts}
     * (the names by which other machines reach this one, when it listens beyond loopback).
     */
    public static ViewServer start(Interpreter interp, String host, int port, List<String> allowHosts) throws IOException {
        return new ViewServer(interp, host, port, allowHosts);
    }

    /** A port is 0 (any free one) to 65535; anything else is the caller's mistake, said in words. */
    public static void checkPort(long port) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("the port must be between 0 and 65535 (0: any free port), got " + port);
    }

    /** True when {@code host} is this machine only (the view is then reachable from nowhere else). */
    public static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
    }

    /**
     * The Host names a request may give: loopback names, the bound address, the names asked for,
     * and — bound to every interface (0.0.0.0 or ::) — this machine's addresses and name.
     */
    private static Set<String> allowedHosts(String host, List<String> allowHosts) {
        Set<String> names = new HashSet<>(List.of("localhost", "127.0.0.1", "::1", host));
        for (String a : allowHosts) names.add(a.toLowerCase(Locale.ROOT));
        if (host.equals("0.0.0.0") || host.equals("::")) {
            try {
                for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces()))
                    for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                        String addr = a.getHostAddress();
                        int zone = addr.indexOf('%');
                        names.add(zone < 0 ? addr : addr.substring(0, zone));
                    }
                InetAddress local = InetAddress.getLocalHost();
                names.add(local.getHostName().toLowerCase(Locale.ROOT));
                names.add(local.getCanonicalHostName().toLowerCase(Locale.ROOT));
            } catch (IOException e) {
                // the loopback names and those asked for still work
            }
        }
        return Set.copyOf(names);
    }

    /** The address to open: with the token, which every API request needs. */
    public String url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + h + ":" + port + "/?token=" + token;
    }

    public int port() {
        return port;
    }

    public String token() {
        return token;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Stops serving; open event streams end within a tick. */
    public void close() {
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------ requests

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Headers.secure(ex);
            if (!hostAllowed(ex.getRequestHeaders().getFirst("Host"))) {
                send(ex, 403, "text/plain", "refused: unknown host (the view answers to " + String.join(", ", new TreeSet<>(allowedHosts))
                        + "; dmm serve --allow-host NAME or (serve! :allow-host NAME) adds a name)");
                return;
            }
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.startsWith("/api/")) {
                api(ex, method, path);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                send(ex, 405, "text/plain", "method not allowed");
                return;
            }
            if (path.equals("/") || path.equals("/index.html")) {
                resource(ex, "dmm/view/index.html");
                return;
            }
            var m = STATIC.matcher(path);
            if (m.matches()) {
                resource(ex, "dmm/view/" + m.group(1));
                return;
            }
            if (path.startsWith(WEBJARS) && !path.contains("..") && !path.contains("//")) {
                resource(ex, "META-INF/resources/webjars/" + path.substring(WEBJARS.length()));
                return;
            }
            send(ex, 404, "text/plain", "not found");
        } catch (IOException e) {
            // the client went away: nothing to do
        }
    }

    private void api(HttpExchange ex, String method, String path) throws IOException {
        boolean post = method.equals("POST");
        String expected = path.equals("/api/action") ? "POST" : "GET";
        if (!method.equals(expected)) {   // before the token: a PUT with the right token is told what is wrong with it
            ex.getResponseHeaders().set("Allow", expected);
            send(ex, 405, "application/json", "{\"error\":\"" + path + " takes " + expected + ", not " + method + "\"}");
            return;
        }
        String given = post ? ex.getRequestHeaders().getFirst("X-DMM-Token") : query(ex.getRequestURI(), "token");
        if (!tokenMatches(given)) {
            send(ex, 403, "application/json", "{\"error\":\"refused: this request needs the session's token" + (post ? " in the X-DMM-Token header" : "") + "\"}");
            return;
        }
        switch (path) {
            case "/api/state" -> {
                ObjectNode s = new ViewState(interp).next();
                send(ex, 200, "application/json", MAPPER.writeValueAsString(s == null ? MAPPER.createObjectNode() : s));
            }
            case "/api/events" -> events(ex);
            case "/api/action" -> {
                String type = ex.getRequestHeaders().getFirst("Content-Type");
                if (type == null || !type.startsWith("application/json")) {
                    send(ex, 415, "application/json", "{\"error\":\"actions are JSON (Content-Type: application/json)\"}");
                    return;
                }
                byte[] body = ex.getRequestBody().readNBytes(64 * 1024);
                Actions.Result r;
                try {
                    JsonNode a = STRICT.readTree(body);
                    r = actions.perform(a);
                } catch (JsonProcessingException e) {
                    var at = e.getLocation();
                    r = new Actions.Result(400, "the body must be one JSON object (as {\"action\": \"pause\", \"run\": 1})"
                            + (at == null ? "" : "; it is not, at line " + at.getLineNr() + ", column " + at.getColumnNr()));
                } catch (IOException e) {
                    r = new Actions.Result(400, "the body could not be read");
                }
                ObjectNode reply = MAPPER.createObjectNode();
                reply.put(r.status() == 200 ? "ok" : "error", r.message());
                send(ex, r.status(), "application/json", MAPPER.writeValueAsString(reply));
            }
            default -> send(ex, 404, "application/json", "{\"error\":\"no such endpoint\"}");
        }
    }

    /** The event stream: an update whenever something changed, at most {@link #MAX_UPDATES_PER_SECOND} a second, a comment every 15 s to keep it open. */
    private void events(HttpExchange ex) throws IOException {
        if (clients.incrementAndGet() > MAX_CLIENTS) {
            clients.decrementAndGet();
            send(ex, 503, "text/plain", "too many viewers");
            return;
        }
        try {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            ViewState state = new ViewState(interp);
            long tick = 1000 / MAX_UPDATES_PER_SECOND;
            long lastWrite = 0;
            while (!closed) {
                long started = System.currentTimeMillis();
                ObjectNode update = state.next();
                if (update != null) {
                    out.write(("event: state\ndata: " + MAPPER.writeValueAsString(update) + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();   // a slow client blocks here: this thread only
                    lastWrite = started;
                } else if (started - lastWrite > 15_000) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    lastWrite = started;
                }
                long sleep = tick - (System.currentTimeMillis() - started);
                if (sleep > 0) Thread.sleep(sleep);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the browser closed the page
        } finally {
            clients.decrementAndGet();
        }
    }

    private boolean tokenMatches(String given) {
        if (given == null) return false;
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    private boolean hostAllowed(String h) {
        if (h == null) return false;
        String hostPart = h.startsWith("[") ? h.substring(0, h.indexOf(']') + 1) : h.contains(":") ? h.substring(0, h.lastIndexOf(':')) : h;
        String portPart = h.startsWith("[") ? h.substring(h.indexOf(']') + 1) : h.contains(":") ? h.substring(h.lastIndexOf(':')) : "";
        if (!portPart.equals(":" + port)) return false;
        String bare = hostPart.replace("[", "").replace("]", "").toLowerCase(Locale.ROOT);
        return allowedHosts.contains(bare)
                || (!isLoopback(host) && !host.equals("0.0.0.0") && !host.equals("::"));   // bound to one public address on purpose: any name of it
    }

    private static String query(URI uri, String name) {
        String q = uri.getRawQuery();
        if (q == null) return null;
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).equals(name))
                return URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
        }
        return null;
    }

    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "map", "application/json");

    private void resource(HttpExchange ex, String name) throws IOException {
        InputStream in = ViewServer.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            send(ex, 404, "text/plain", "not found");
            return;
        }
        byte[] bytes;
        try (in) {
            bytes = in.readAllBytes();
        }
        String ext = name.substring(name.lastIndexOf('.') + 1);
        ex.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"));
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(200, -1);
            return;
        }
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type + (type.contains("charset") ? "" : "; charset=utf-8"));
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) ex.getResponseBody().write(bytes);
    }

    /** Headers on every answer: no framing, no sniffing, no referrer (the URL has the token), scripts and connections only from here. */
    private static final class Headers {
        static void secure(HttpExchange ex) {
            var h = ex.getResponseHeaders();
            h.set("X-Content-Type-Options", "nosniff");
            h.set("X-Frame-Options", "DENY");
            h.set("Referrer-Policy", "no-referrer");
            h.set("Content-Security-Policy", "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
        }
    }
}
