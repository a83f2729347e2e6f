package dmm.view;

import dmm.lang.EvalError;
import dmm.lang.Interpreter;
import dmm.lang.Lib;
import dmm.lang.Options;
import java.io.IOException;
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
        Holder h = interp.extension(Holder.class, Holder::new);
        synchronized (h) {
            if (h.server != null && !h.server.isClosed()) return h.server;
            h.server = ViewServer.start(interp, host, port);
            return h.server;
        }
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
        fn("serve!", "[& options]", "Starts the browser view of this session and prints its URL (with the session's token): every live network (neurons by layer, links by weight, values on hover) and every background training run (loss, prereg, L1 and link curves; pause, resume, stop, learning rate, λ, cut and restore links), updated live. Options: :port p (0, the default: any free port), :host h (127.0.0.1; another address makes the view reachable from other machines, token still required). Returns the URL; a second (serve!) returns the running view's.", 0, -1, a -> {
            Options o = Options.parse("serve!", a, 0, List.of("port", "host"));
            String host = o.string("host", "127.0.0.1");
            int port = (int) o.integer("port", 0);
            if (port < 0 || port > 65535) throw new EvalError("serve!: the port must be between 0 and 65535, got " + port);
            ViewServer s;
            try {
                s = serve(interp, host, port);
            } catch (IOException e) {
                throw new EvalError("serve!: cannot listen on " + host + ":" + port + ": " + e.getMessage());
            }
            if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1"))
                interp.out().println("warning: the view listens on " + host + ", not only on this machine; anyone with the URL can steer its runs");
            interp.out().println("view: " + s.url());
            return s.url();
        });
        fn("stop-serving!", "[]", "Stops the browser view (networks and training runs go on).", 0, 0, a -> {
            stop(interp);
            return null;
        });
    }
}
