package dev.junction.client.internal.relay;

import dev.junction.client.internal.path.PathTransport;
import dev.junction.client.internal.path.Route;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** Relayed over the TLS control connection: each datagram a DATA frame of the route's circuit. */
public final class RelayTlsTransport implements PathTransport {
    private final RelayLink link;

    public RelayTlsTransport(RelayLink link) {
        this.link = link;
    }

    @Override
    public void send(Route route, ByteBuf payload) {
        link.sendData(route.circuit(), payload);
    }

    @Override
    public InetSocketAddress remote(Route route) {
        return link.relayTcp();
    }
}
