package dev.junction.client.internal.path;

import dev.junction.client.PathKind;
import dev.junction.client.internal.net.QuicAnchor;
import dev.junction.client.internal.net.TcpPath;
import dev.junction.client.internal.net.UdpPort;
import dev.junction.wire.identity.PeerId;
import dev.junction.wire.session.SessionMessageType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps between QUIC's view (one stable virtual peer address per session) and the real paths (the
 * relay over UDP or TLS, or a punched direct path). It holds one {@link PathTransport} per
 * {@link PathKind}: outbound datagrams from the anchors go to their route's active kind's
 * transport, which frames and sends them; inbound datagrams (relayed by circuit, direct by the
 * sender's address) are injected into the right anchor as if from the route's virtual address.
 * I/O thread only.
 */
public final class PathMux {
    /** Virtual peer addresses live in 127.77.0.0/16: loopback, so nothing could ever leave the host. */
    static final byte[] VIRTUAL_NET = {127, 77};

    private final Map<Integer, Route> byCircuit = new HashMap<>();
    private final Map<InetSocketAddress, Route> byVirtual = new HashMap<>();
    private final Map<InetSocketAddress, Route> byDirect = new HashMap<>();
    private final Map<PathKind, PathTransport> transports = new java.util.EnumMap<>(PathKind.class);
    private QuicAnchor clientAnchor;
    private QuicAnchor serverAnchor;
    private int nextVirtual = 1;
    private java.util.function.BiConsumer<Route, ByteBuf> resumes;

    public PathMux() {
        transports.put(PathKind.DIRECT_UDP, new DirectTransport());
        transports.put(PathKind.DIRECT_TCP, transports.get(PathKind.DIRECT_UDP));
    }

    /** Datagrams of routes on {@code kind} go to {@code t} from now on. */
    public void transport(PathKind kind, PathTransport t) {
        transports.put(kind, t);
    }

    /** Who hears RESUME datagrams arriving on a callee's new circuit (with the route the circuit opened; buffer borrowed). */
    public void onResume(java.util.function.BiConsumer<Route, ByteBuf> handler) {
        this.resumes = handler;
    }

    public void anchors(QuicAnchor client, QuicAnchor server) {
        this.clientAnchor = client;
        this.serverAnchor = server;
    }

    /** A route for a new circuit, with a fresh virtual address. */
    public Route open(int circuit, PeerId peer, boolean clientRole, PathKind kind) {
        InetSocketAddress v;
        do {
            int n = nextVirtual++ & 0xffffff;
            v = virtual(n);
        } while (byVirtual.containsKey(v));
        Route r = new Route(circuit, peer, v, clientRole, kind);
        byCircuit.put(circuit, r);
        byVirtual.put(v, r);
        return r;
    }

    private static InetSocketAddress virtual(int n) {
        try {
            InetAddress a = InetAddress.getByAddress(new byte[] {VIRTUAL_NET[0], VIRTUAL_NET[1], (byte) (n >> 16), (byte) (n >> 8)});
            return new InetSocketAddress(a, 1024 + (n & 0xff));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public Route byCircuit(int circuit) {
        return byCircuit.get(circuit);
    }

    public Route byVirtual(InetSocketAddress virtual) {
        return byVirtual.get(virtual);
    }

    /** The route's circuit is gone; it waits for a new one (resume) and sends nothing relayed meanwhile. */
    public void detach(Route r) {
        byCircuit.remove(r.circuit(), r);
        r.relayGone(true);
    }

    /** The route rides on {@code circuit} from now on (a resumed session). */
    public void reattach(Route r, int circuit) {
        byCircuit.remove(r.circuit(), r);
        r.circuit(circuit);
        byCircuit.put(circuit, r);
        r.relayGone(false);
    }

    public void remove(Route r) {
        byCircuit.remove(r.circuit(), r);
        byVirtual.remove(r.virtual(), r);
        byDirect.values().removeIf(x -> x == r);
    }

    /** QUIC packets from {@code peer} belong to {@code r} (the peer proved the session's punch key there). */
    public void authorize(Route r, InetSocketAddress peer) {
        byDirect.put(peer, r);
    }

    /** Moves {@code r} onto the direct path to {@code peer}, leaving from {@code port}. */
    public void direct(Route r, InetSocketAddress peer, UdpPort port) {
        authorize(r, peer);
        r.direct(peer, port);
        r.kind(PathKind.DIRECT_UDP);
    }

    /** Moves {@code r} onto a direct TCP path (simultaneous open). */
    public void directTcp(Route r, TcpPath path) {
        r.direct(path.remote(), path);
        r.kind(PathKind.DIRECT_TCP);
    }

    /** A QUIC packet arrived on {@code r}'s authenticated TCP path; takes ownership. */
    public void tcpData(Route r, ByteBuf payload) {
        (r.clientRole() ? clientAnchor : serverAnchor).inject(payload, r.virtual());
    }

    /** A QUIC packet arrived straight from a peer; takes ownership. False (and released) if no session knows it. */
    public boolean directData(InetSocketAddress from, ByteBuf payload) {
        Route r = byDirect.get(from);
        if (r == null) {
            payload.release();
            return false;
        }
        (r.clientRole() ? clientAnchor : serverAnchor).inject(payload, r.virtual());
        return true;
    }

    /** Moves {@code r} onto {@code kind}. */
    public void switchTo(Route r, PathKind kind) {
        r.kind(kind);
    }

    /** Where the route's datagrams go now, for path reports. */
    public InetSocketAddress remoteOf(Route r) {
        PathTransport t = transports.get(r.kind());
        return t == null ? null : t.remote(r);
    }

    /** A datagram QUIC wrote (from either anchor); takes ownership. */
    public void outbound(DatagramPacket packet) {
        Route r = byVirtual.get(packet.recipient());
        ByteBuf payload = packet.content();
        if (r == null) {
            payload.release();
            return;
        }
        if (r.kind().relayed() && r.relayGone()) {
            payload.release(); // no circuit until the session resumes; QUIC retransmits
            return;
        }
        PathTransport t = transports.get(r.kind());
        if (t == null) {
            payload.release();
            return;
        }
        t.send(r, payload);
    }

    /**
     * Sends a datagram on {@code r}'s circuit whatever path the route is on now (RESUME after a
     * new circuit): over relayed UDP while the binding holds, else over TLS; takes ownership.
     */
    public void sendRelayed(Route r, ByteBuf payload) {
        PathTransport t = transports.getOrDefault(PathKind.RELAY_UDP, transports.get(PathKind.RELAY_TCP));
        if (t == null) {
            payload.release();
            return;
        }
        t.send(r, payload);
    }

    /** Ends a read burst: each anchor flushes once for everything injected since the last call. */
    public void readComplete() {
        if (clientAnchor != null) {
            clientAnchor.readComplete();
            serverAnchor.readComplete();
        }
    }

    /** A relayed datagram of {@code circuit} arrived (UDP or TLS); takes ownership. */
    public void relayData(int circuit, ByteBuf payload) {
        Route r = byCircuit.get(circuit);
        if (r == null) {
            payload.release();
            return;
        }
        if (payload.isReadable() && payload.getByte(payload.readerIndex()) == SessionMessageType.RESUME.byteValue()) {
            try {
                if (!r.clientRole() && resumes != null) {
                    resumes.accept(r, payload);
                }
            } finally {
                payload.release();
            }
            return;
        }
        (r.clientRole() ? clientAnchor : serverAnchor).inject(payload, r.virtual());
    }
}
