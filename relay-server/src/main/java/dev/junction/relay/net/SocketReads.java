package dev.junction.relay.net;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Counts the datagrams one UDP socket reads, first in its pipeline: with several sockets sharing a
 * port (SO_REUSEPORT) it shows how the kernel spreads clients over them, as
 * {@code junction_udp_socket_datagrams_total{family, socket}} (the sockets of the main
 * STUN port of each bind address; no address in a label, as no metric names one). One instance per socket, touched
 * only by its event loop; the scrape reads the count without a lock (a stale read is one scrape late).
 */
public final class SocketReads extends ChannelInboundHandlerAdapter {
    private final String family;
    private final int index;
    private volatile long datagrams;

    /** The counter of socket number {@code index} of the bind address of {@code family} (ipv4, ipv6); see {@link #register}. */
    public SocketReads(String family, int index) {
        this.family = family;
        this.index = index;
    }

    /**
     * Exposes the count, once the socket is the relay's for good: a relay that binds again (its
     * STUN port 0 taken on TCP) would otherwise leave the meter bound to a closed socket's count,
     * as a registry keeps the first meter of a name and tags.
     */
    public void register(MeterRegistry registry) {
        FunctionCounter.builder("junction.udp.socket.datagrams", this, r -> r.datagrams)
                .description("Datagrams read by each UDP socket of a shared port (SO_REUSEPORT), including STUN")
                .tags("family", family, "socket", Integer.toString(index)).register(registry);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        datagrams++; // only this socket's event loop writes it
        ctx.fireChannelRead(msg);
    }
}
