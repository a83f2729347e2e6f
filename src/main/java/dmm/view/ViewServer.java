package dmm.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dmm.lang.Interpreter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
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
    private static final Pattern STATIC = Pattern.compile("/static/([a-z][a-z0-9-]*\\.(?:js|css|html|svg))");
    private static final String WEBJARS = "/webjars/";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Interpreter interp;
    private final HttpServer server;
    private final String token;
    private final String host;
    private final int port;
    private final ExecutorService executor;
    private final AtomicInteger clients = new AtomicInteger();
    private final Actions actions;
    private volatile boolean closed;

    private ViewServer(Interpreter interp, String host, int port) throws IOException {
        this.interp = interp;
        this.host = host;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 16);
        this.port = server.getAddress().getPort();
        AtomicInteger n = new AtomicInteger();
        // event streams hold a thread each: MAX_CLIENTS of them, plus a few for pages and actions
        this.executor = new ThreadPoolExecutor(2, MAX_CLIENTS + 8, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "dmm-view-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, (r, pool) -> {
            if (r instanceof Runnable) ((Runnable) r).run();   // never drop a request: the accepting thread answers it (a refusal, at worst)
        });
        this.actions = new Actions(interp);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a view of {@code interp}'s networks and runs on {@code host}:{@code port} (0: any free port). */
    public static ViewServer start(Interpreter interp, String host, int port) throws IOException {
        return new ViewServer(interp, host, port);
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
                send(ex, 403, "text/plain", "refused: unknown host (the view answers only to " + host + ")");
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
        String given = post ? ex.getRequestHeaders().getFirst("X-DMM-Token") : query(ex.getRequestURI(), "token");
        if (!tokenMatches(given)) {
            send(ex, 403, "application/json", "{\"error\":\"refused: this request needs the session's token" + (post ? " in the X-DMM-Token header" : "") + "\"}");
            return;
        }
        switch (path) {
            case "/api/state" -> {
                if (!method.equals("GET")) {
                    send(ex, 405, "text/plain", "method not allowed");
                    return;
                }
                ObjectNode s = new ViewState(interp).next();
                send(ex, 200, "application/json", MAPPER.writeValueAsString(s == null ? MAPPER.createObjectNode() : s));
            }
            case "/api/events" -> {
                if (!method.equals("GET")) {
                    send(ex, 405, "text/plain", "method not allowed");
                    return;
                }
                events(ex);
            }
            case "/api/action" -> {
                if (!post) {
                    send(ex, 405, "text/plain", "actions are POSTs");
                    return;
                }
                String type = ex.getRequestHeaders().getFirst("Content-Type");
                if (type == null || !type.startsWith("application/json")) {
                    send(ex, 415, "application/json", "{\"error\":\"actions are JSON (Content-Type: application/json)\"}");
                    return;
                }
                byte[] body = ex.getRequestBody().readNBytes(64 * 1024);
                Actions.Result r;
                try {
                    JsonNode a = MAPPER.readTree(body);
                    r = actions.perform(a);
                } catch (IOException e) {
                    r = new Actions.Result(400, "not JSON: " + e.getMessage());
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
        String bare = hostPart.replace("[", "").replace("]", "");
        return bare.equals(host) || bare.equals("localhost") || bare.equals("127.0.0.1") || bare.equals("::1")
                || (!isLoopback(host) && !host.equals("0.0.0.0"));   // bound to a public address on purpose: any name of it
    }

    private static boolean isLoopback(String h) {
        return h.equals("127.0.0.1") || h.equals("localhost") || h.equals("::1");
    }

    private static String query(URI uri, String name) {
        String q = uri.getRawQuery();
        if (q == null) return null;
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).equals(name))
                return java.net.URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
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
