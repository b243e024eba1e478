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
        RAW_UDP("raw UDP loopback"),
        JUNCTION_UDP("Junction relay, UDP"),
        JUNCTION_TLS("Junction relay, TCP/TLS"),
        TURN_UDP("coturn, TURN/UDP ChannelData"),
        TURN_TCP("coturn, TURN/TCP ChannelData"),
        TURN_TLS("coturn, TURN/TLS ChannelData");

        final String label;

        Path(String label) {
            this.label = label;
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

    @Override
    public void close() {
        closers.forEach(Runnable::run);
    }
}
