package dev.junction.client.internal.path;

import dev.junction.client.PathKind;
import dev.junction.client.internal.net.UdpPort;
import dev.junction.wire.identity.PeerId;
import java.net.InetSocketAddress;

/**
 * One session's way through the mux: the circuit it rides on, the stable virtual address QUIC
 * knows the peer by, and the path its datagrams take now. Touched only on the I/O thread.
 */
public final class Route {
    private int circuit;
    private final PeerId peer;
    private final InetSocketAddress virtual;
    private final boolean clientRole;
    private final long startNanos;
    private PathKind kind;
    private InetSocketAddress direct;
    private UdpPort directPort;
    private boolean relayGone;

    Route(int circuit, PeerId peer, InetSocketAddress virtual, boolean clientRole, PathKind kind) {
        this.circuit = circuit;
        this.peer = peer;
        this.virtual = virtual;
        this.clientRole = clientRole;
        this.kind = kind;
        this.startNanos = System.nanoTime();
    }

    /** The circuit the route rides on now (a resumed session gets a new one). */
    public int circuit() {
        return circuit;
    }

    void circuit(int c) {
        this.circuit = c;
    }

    public PeerId peer() {
        return peer;
    }

    /** The address QUIC sees for the peer; never a real destination (127.77.0.0/16, loopback). */
    public InetSocketAddress virtual() {
        return virtual;
    }

    /** True when this side is the QUIC client (it called connect). */
    public boolean clientRole() {
        return clientRole;
    }

    public long startNanos() {
        return startNanos;
    }

    public PathKind kind() {
        return kind;
    }

    void kind(PathKind k) {
        this.kind = k;
    }

    /** The peer's address on the direct path, or null. */
    public InetSocketAddress direct() {
        return direct;
    }

    /** The socket the direct path leaves from (the session socket, or a port-prediction socket), or null. */
    public UdpPort directPort() {
        return directPort;
    }

    void direct(InetSocketAddress a, UdpPort port) {
        this.direct = a;
        this.directPort = port;
    }

    /** True once the circuit under this route has closed: only a direct path carries it now, if any. */
    public boolean relayGone() {
        return relayGone;
    }

    public void relayGone(boolean gone) {
        this.relayGone = gone;
    }
}
