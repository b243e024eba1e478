package dev.junction.client.internal.relay;

import dev.junction.client.internal.net.DatagramSorter;
import dev.junction.client.internal.net.SessionSocket;
import dev.junction.client.internal.path.PathTransport;
import dev.junction.client.internal.path.Route;
import dev.junction.wire.udp.RelayDataHeader;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Relayed over UDP from the session socket: each datagram a RELAY_DATA frame (PROTOCOL.md section
 * 4) to the relay's bound UDP endpoint. While the binding is down it sends on the TLS transport
 * instead, so a datagram is never lost to a binding in flux. Inbound, it takes RELAY_DATA from the
 * relay's endpoint only and hands the payload on by circuit.
 */
public final class RelayUdpTransport implements PathTransport, DatagramSorter.Relayed {
    /** Where relayed datagrams of a circuit go once they arrived (the path mux); takes ownership. */
    public interface Inbound {
        void relayData(int circuit, ByteBuf payload);
    }

    private final SessionSocket socket;
    private final UdpBinding binding;
    private final PathTransport fallback;
    private final Inbound inbound;

    public RelayUdpTransport(SessionSocket socket, UdpBinding binding, PathTransport fallback, Inbound inbound) {
        this.socket = socket;
        this.binding = binding;
        this.fallback = fallback;
        this.inbound = inbound;
    }

    @Override
    public void send(Route route, ByteBuf payload) {
        InetSocketAddress to = binding.relay();
        if (to == null || !binding.bound()) {
            fallback.send(route, payload);
            return;
        }
        ByteBuf header = RelayDataHeader.write(socket.channel().alloc().ioBuffer(RelayDataHeader.LENGTH), route.circuit());
        socket.send(socket.channel().alloc().compositeBuffer(2).addComponents(true, header, payload), to);
    }

    @Override
    public InetSocketAddress remote(Route route) {
        return binding.relay();
    }

    @Override
    public void relayed(int circuit, ByteBuf payload, InetSocketAddress from) {
        if (!from.equals(binding.relay())) {
            payload.release();
            return;
        }
        inbound.relayData(circuit, payload);
    }
}
