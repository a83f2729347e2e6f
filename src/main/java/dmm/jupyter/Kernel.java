package dmm.jupyter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The kernel's transport: the five sockets of a connection file (shell, control, iopub, stdin,
 * heartbeat), each read by one thread, and the routing of requests to a {@link Session}. Shell
 * requests run on the thread that called {@link #serve} (the launcher's deep-stack thread), one at
 * a time, as Jupyter expects; control requests (interrupt, shutdown) run on a thread of their own
 * so they are answered while a cell runs. IOPub is written from several threads, under a lock.
 */
public final class Kernel {
    /** How often a blocked socket read wakes up to see whether the kernel is shutting down (ms). */
    private static final int POLL_MS = 100;

    private final Connection conn;
    private final Wire wire;
    private final Session session;
    private final PrintStream log;
    private final Object iopubLock = new Object();
    private ZMQ.Socket iopub;
    private volatile boolean shuttingDown;

    Kernel(Connection conn, Session session, PrintStream log) {
        this.conn = conn;
        this.wire = new Wire(conn.key());
        this.session = session;
        this.log = log;
    }

    /** Binds the sockets and serves until a shutdown request; the session's networks and runs are stopped then. */
    void serve() throws InterruptedException {
        try (ZContext ctx = new ZContext()) {
            ZMQ.Socket shell = bind(ctx, SocketType.ROUTER, conn.shell());
            ZMQ.Socket control = bind(ctx, SocketType.ROUTER, conn.control());
            ZMQ.Socket stdin = bind(ctx, SocketType.ROUTER, conn.stdin());
            ZMQ.Socket hb = bind(ctx, SocketType.REP, conn.heartbeat());
            iopub = bind(ctx, SocketType.PUB, conn.iopub());
            session.attach(this);
            Thread heart = daemon("dmm-kernel-heartbeat", () -> heartbeat(hb));
            Thread ctl = daemon("dmm-kernel-control", () -> loop(control, true));
            publish("status", null, Wire.JSON.createObjectNode().put("execution_state", "starting"));
            loop(shell, false);
            ctl.join(2000);
            heart.join(2000);
            session.close();
            stdin.close();
        }
    }

    private ZMQ.Socket bind(ZContext ctx, SocketType type, int port) {
        ZMQ.Socket s = ctx.createSocket(type);
        s.setLinger(1000);
        s.setReceiveTimeOut(POLL_MS);
        s.bind(conn.address(port));
        return s;
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void heartbeat(ZMQ.Socket hb) {
        while (!shuttingDown) {
            byte[] ping = hb.recv(0);
            if (ping != null) hb.send(ping, 0);
        }
    }

    /** Reads requests from a ROUTER socket and answers each, until shutdown. */
    private void loop(ZMQ.Socket socket, boolean control) {
        while (!shuttingDown) {
            List<byte[]> frames = receive(socket);
            if (frames == null) continue;
            StringBuilder why = new StringBuilder();
            Wire.Message m = wire.decode(frames, why);
            if (m == null) {
                log.println("dmm kernel: refused " + why);
                log.flush();
                continue;
            }
            publishStatus("busy", m);
            try {
                handle(socket, m, control);
            } catch (RuntimeException e) {
                // a request the session could not answer must not end the kernel: say what it was
                log.println("dmm kernel: could not answer a " + m.type() + ": " + e);
                log.flush();
            } finally {
                publishStatus("idle", m);
            }
        }
    }

    private void handle(ZMQ.Socket socket, Wire.Message m, boolean control) {
        String type = m.type();
        switch (type) {
            case "kernel_info_request" -> reply(socket, m, "kernel_info_reply", session.kernelInfo());
            case "execute_request" -> reply(socket, m, "execute_reply", session.execute(m));
            case "complete_request" -> reply(socket, m, "complete_reply", session.complete(m.content()));
            case "inspect_request" -> reply(socket, m, "inspect_reply", session.inspect(m.content()));
            case "is_complete_request" -> reply(socket, m, "is_complete_reply", session.isComplete(m.content()));
            case "history_request" -> reply(socket, m, "history_reply", session.history(m.content()));
            case "comm_info_request" -> reply(socket, m, "comm_info_reply",
                    ok().set("comms", Wire.JSON.createObjectNode()));
            case "interrupt_request" -> {
                session.interrupt();
                reply(socket, m, "interrupt_reply", ok());
            }
            case "shutdown_request" -> {
                boolean restart = m.content().path("restart").asBoolean(false);
                session.interrupt();
                reply(socket, m, "shutdown_reply", ok().put("restart", restart));
                shuttingDown = true;
            }
            default -> log.println("dmm kernel: ignored a " + type + " on the " + (control ? "control" : "shell") + " channel");
        }
    }

    static ObjectNode ok() {
        return Wire.JSON.createObjectNode().put("status", "ok");
    }

    private void reply(ZMQ.Socket socket, Wire.Message parent, String type, ObjectNode content) {
        send(socket, wire.encode(parent.identities(), type, parent, content, null));
    }

    private void publishStatus(String state, Wire.Message parent) {
        publish("status", parent, Wire.JSON.createObjectNode().put("execution_state", state));
    }

    /** Sends a message on IOPub (any thread), its topic the message type. */
    void publish(String type, Wire.Message parent, ObjectNode content) {
        List<byte[]> frames = wire.encode(List.of(type.getBytes(StandardCharsets.UTF_8)), type, parent, content, null);
        synchronized (iopubLock) {
            send(iopub, frames);
        }
    }

    private static List<byte[]> receive(ZMQ.Socket socket) {
        byte[] first = socket.recv(0);
        if (first == null) return null;
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (socket.hasReceiveMore()) frames.add(socket.recv(0));
        return frames;
    }

    private static void send(ZMQ.Socket socket, List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
    }
}
