package dev.junction.client.internal.conn;

import dev.junction.client.ClientListener;
import dev.junction.client.ClientOptions;
import dev.junction.client.PathKind;
import dev.junction.client.internal.net.ClientTransport;
import dev.junction.client.internal.net.SessionSocket;
import dev.junction.client.internal.path.PathMux;
import dev.junction.client.internal.relay.RelayLink;
import dev.junction.client.internal.relay.UdpBinding;
import dev.junction.wire.identity.PeerId;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * What a {@link Connection} is handed when the client wires it: this client's PeerId, the I/O thread, the settings and
 * the app's listener, the path mux, the relay link (circuits), the UDP binding, the session
 * socket and the transport that makes more sockets, and what the host knows of itself. The parts,
 * never the client that holds them.
 */
public record ConnectionContext(PeerId self, EventLoop loop, ClientOptions options, ClientListener listener, PathMux mux, RelayLink link,
                                UdpBinding udp, SessionSocket socket, ClientTransport transport, HostFacts facts,
                                ExtraSockets extraSockets) {
    /** Opens a port-prediction socket beside the session socket. */
    @FunctionalInterface
    public interface ExtraSockets {
        /**
         * Binds a UDP socket at {@code local} without blocking; {@code ready} gets it on the I/O
         * thread once bound (PROBEs and QUIC arriving on it are sorted like the session socket's),
         * never when the bind fails or the client closed meanwhile.
         */
        void open(InetSocketAddress local, Consumer<SessionSocket> ready);
    }

    /** The relayed path sessions use now: UDP while the binding holds, else the TLS connection. */
    public PathKind relayKind() {
        return udp.bound() ? PathKind.RELAY_UDP : PathKind.RELAY_TCP;
    }

    /**
     * Where TCP simultaneous open connects from: the session socket's address and port number
     * (TCP's port space is separate, and a NAT that keeps the UDP port tends to keep this one).
     */
    public InetSocketAddress tcpLocal() {
        return socket.localAddress();
    }
}
