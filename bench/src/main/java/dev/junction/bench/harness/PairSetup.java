package dev.junction.bench.harness;

import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds N relayed pairs through one system under test, the same way for each: two clients, one
 * path between them. Closing releases every socket (and with it the reservation or TCP allocation).
 */
final class PairSetup implements AutoCloseable {
    /** The paths the round-trip load runs over. */
    enum Path {
        /** Two UDP sockets sending to each other directly: the loopback limit. */
        RAW_UDP("raw UDP loopback", 0),
        JUNCTION_UDP("Junction relay, UDP", 2),
        JUNCTION_TLS("Junction relay, TCP/TLS", 2),
        /**
         * One client allocates and binds a channel to a plain UDP peer that sends to its relayed
         * address: one pass through coturn per leg, as a Junction circuit (the like-for-like row).
         */
        TURN_UDP_ONE("coturn, TURN/UDP ChannelData to a plain UDP peer", 2),
        /** Both ends allocated and bound to each other: every payload passes through coturn twice. */
        TURN_UDP("coturn, TURN/UDP ChannelData, both ends allocated", 4),
        TURN_TCP("coturn, TURN/TCP ChannelData, both ends allocated", 4),
        TURN_TLS("coturn, TURN/TLS ChannelData, both ends allocated", 4);

        final String label;
        /** Datagrams (or frames) the relay under test receives per round trip: what its CPU is divided by. */
        final int receivedPerRoundTrip;

        Path(String label, int receivedPerRoundTrip) {
            this.label = label;
            this.receivedPerRoundTrip = receivedPerRoundTrip;
        }
    }

    final List<RoundTripLoad.Pair> pairs = new ArrayList<>();
    private final List<Runnable> closers = new ArrayList<>();

    static PairSetup open(Path path, int n, EventLoopGroup group, JunctionRelayProcess junction, CoturnProcess coturn)
            throws Exception {
        PairSetup s = new PairSetup();
        try {
            for (int i = 0; i < n; i++) {
                switch (path) {
                    case RAW_UDP -> s.raw(group);
                    case JUNCTION_UDP, JUNCTION_TLS -> s.junction(group, junction, path == Path.JUNCTION_UDP);
                    case TURN_UDP_ONE -> s.turnToPlainPeer(group, coturn.address);
                    case TURN_UDP -> s.turn(group, coturn.address, TurnClient.Transport.UDP);
                    case TURN_TCP -> s.turn(group, coturn.address, TurnClient.Transport.TCP);
                    case TURN_TLS -> s.turn(group, coturn.tlsAddress, TurnClient.Transport.TLS);
                }
            }
        } catch (Exception e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void raw(EventLoopGroup group) {
        Link a = new Link(Framing.RAW);
        Link b = new Link(Framing.RAW);
        b.channel = Net.udpBound(group, () -> new ChannelHandler[] {b});
        a.channel = Net.udp(group, (java.net.InetSocketAddress) b.channel.localAddress(), () -> new ChannelHandler[] {a});
        b.channel.connect(a.channel.localAddress()).syncUninterruptibly();
        closers.add(a::close);
        closers.add(b::close);
        pairs.add(new RoundTripLoad.Pair(a, b));
    }

    private void junction(EventLoopGroup group, JunctionRelayProcess relay, boolean udp) throws Exception {
        JunctionClient a = JunctionClient.login(group, relay, udp);
        closers.add(a::close);
        JunctionClient b = JunctionClient.login(group, relay, udp);
        closers.add(b::close);
        a.connect(b);
        pairs.add(new RoundTripLoad.Pair(a.data(), b.data()));
    }

    private void turn(EventLoopGroup group, java.net.InetSocketAddress server, TurnClient.Transport transport) throws Exception {
        TurnClient[] p = TurnClient.pair(group, server, transport);
        closers.add(p[0]::close);
        closers.add(p[1]::close);
        pairs.add(new RoundTripLoad.Pair(p[0].link, p[1].link));
    }

    /** One allocation, its channel bound to a plain UDP socket that talks to the relayed address directly. */
    private void turnToPlainPeer(EventLoopGroup group, java.net.InetSocketAddress server) throws Exception {
        TurnClient a = TurnClient.allocate(group, server, TurnClient.Transport.UDP);
        closers.add(a::close);
        Link b = new Link(Framing.RAW);
        b.channel = Net.udp(group, a.relayed, () -> new ChannelHandler[] {b});
        closers.add(b::close);
        a.channelBind(TurnMessage.FIRST_CHANNEL, (java.net.InetSocketAddress) b.channel.localAddress());
        pairs.add(new RoundTripLoad.Pair(a.link, b));
    }

    @Override
    public void close() {
        closers.forEach(Runnable::run);
    }
}
