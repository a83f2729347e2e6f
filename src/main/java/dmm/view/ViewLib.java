package dmm.view;

import dmm.lang.EvalError;
import dmm.lang.Interpreter;
import dmm.lang.Lib;
import dmm.lang.Options;
import dmm.lang.Values;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** The view's forms: {@code (serve!)} starts the browser view of the session, {@code (stop-serving!)} ends it. */
public final class ViewLib extends Lib {
    private ViewLib(Interpreter interp) {
        super(interp);
    }

    /** The view of one interpreter (at most one at a time). */
    static final class Holder {
        volatile ViewServer server;
    }

    public static void install(Interpreter interp) {
        new ViewLib(interp).builtins();
    }

    /** Starts the view of {@code interp} (or returns the one already serving). */
    public static ViewServer serve(Interpreter interp, String host, int port) throws IOException {
        return serve(interp, host, port, List.of());
    }

    /** {@link #serve(Interpreter, String, int)}, also answering to the names in {@code allowHosts}. */
    public static ViewServer serve(Interpreter interp, String host, int port, List<String> allowHosts) throws IOException {
        Holder h = interp.extension(Holder.class, Holder::new);
        synchronized (h) {
            if (h.server != null && !h.server.isClosed()) return h.server;
            h.server = ViewServer.start(interp, host, port, allowHosts);
            return h.server;
        }
    }

    /**
     * Starts the view and says so on {@code out}: a warning first when it listens beyond this
     * machine, then its URL. The one way {@code (serve!)} and {@code dmm serve} start it.
     */
    public static ViewServer serveAnnounced(Interpreter interp, String host, int port, List<String> allowHosts, PrintStream out) throws IOException {
        ViewServer s = serve(interp, host, port, allowHosts);
        if (!ViewServer.isLoopback(host))
            out.println("warning: the view listens on " + host + ", not only on this machine; anyone with the URL can steer its runs");
        out.println("view: " + s.url());
        return s;
    }

    /** Stops the view of {@code interp}, if any. */
    public static void stop(Interpreter interp) {
        Holder h = interp.extension(Holder.class, Holder::new);
        synchronized (h) {
            if (h.server != null) h.server.close();
            h.server = null;
        }
    }

    private void builtins() {
        fn("serve!", "[& options]", "Starts the browser view of this session and prints its URL (with the session's token): every live network (neurons by layer, links by weight, values on hover) and every background training run (loss, prereg, L1 and link curves; pause, resume, stop, learning rate, λ, cut and restore links), updated live. Options: :port p (0, the default: any free port), :host h (127.0.0.1; another address makes the view reachable from other machines, token still required), :allow-host name (or a vector of names: Host names to answer to besides the bound address and loopback; bound to 0.0.0.0 the machine's own addresses and name are allowed). Returns the URL; a second (serve!) returns the running view's.", 0, -1, a -> {
            Options o = Options.parse("serve!", a, 0, List.of("port", "host", "allow-host"));
            String host = o.string("host", "127.0.0.1");
            double p = o.number("port", 0);
            if (p != Math.rint(p)) throw new EvalError("serve!: the port is a whole number, got " + p);
            List<String> allow = new ArrayList<>();
            if (o.has("allow-host")) {
                Object v = o.get("allow-host");
                if (v instanceof List<?> names) for (Object n : names) allow.add(Values.name(n, "serve! :allow-host"));
                else allow.add(Values.name(v, "serve! :allow-host"));
            }
            try {
                ViewServer.checkPort((long) p);
                return serveAnnounced(interp, host, (int) p, allow, interp.out()).url();
            } catch (IllegalArgumentException e) {
                throw new EvalError("serve!: " + e.getMessage());
            } catch (IOException e) {
                throw new EvalError("serve!: cannot listen on " + host + ":" + (long) p + ": " + e.getMessage());
            }
        });
        fn("stop-serving!", "[]", "Stops the browser view (networks and training runs go on).", 0, 0, a -> {
            stop(interp);
            return null;
        });
    }
}
