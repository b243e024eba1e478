package dev.junction.client.internal.path;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.client.PathKind;
import dev.junction.client.internal.net.UdpPort;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import dev.junction.wire.session.SessionMessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The path mux on its own: virtual addresses, which transport a route's datagrams take, and what it drops. */
class PathMuxTest {
    static final PeerId PEER = Identity.generate().peerId();

    /** A transport that keeps what it is given, as "circuit:text". */
    static final class Recording implements PathTransport, UdpPort {
        final List<String> sent = new ArrayList<>();
        final InetSocketAddress remote;

        Recording(String host, int port) {
            this.remote = new InetSocketAddress(host, port);
        }

        @Override
        public void send(Route route, ByteBuf payload) {
            sent.add(route.circuit() + ":" + payload.toString(StandardCharsets.UTF_8));
            payload.release();
        }

        @Override
        public InetSocketAddress remote(Route route) {
            return remote;
        }

        @Override
        public void send(ByteBuf content, InetSocketAddress to) {
            sent.add(to + ":" + content.toString(StandardCharsets.UTF_8));
            content.release();
        }

        @Override
        public void close() {
        }
    }

    private final PathMux mux = new PathMux();
    private final Recording udp = new Recording("203.0.113.10", 3478);
    private final Recording tls = new Recording("203.0.113.10", 5349);

    PathMuxTest() {
        mux.transport(PathKind.RELAY_UDP, udp);
        mux.transport(PathKind.RELAY_TCP, tls);
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    @Test
    void everyRouteGetsItsOwnVirtualAddressOnLoopback() {
        Set<InetSocketAddress> seen = new HashSet<>();
        for (int c = 1; c <= 600; c++) {
            Route r = mux.open(c, PEER, true, PathKind.RELAY_UDP);
            assertThat(r.virtual().getAddress().isLoopbackAddress()).isTrue();
            assertThat(r.virtual().getAddress().getAddress()[1]).isEqualTo((byte) 77);
            assertThat(seen.add(r.virtual())).as("unique: %s", r.virtual()).isTrue();
            assertThat(mux.byVirtual(r.virtual())).isSameAs(r);
            assertThat(mux.byCircuit(c)).isSameAs(r);
        }
    }

    @Test
    void datagramsTakeTheTransportOfTheRoutesPathKind() {
        Route r = mux.open(5, PEER, true, PathKind.RELAY_UDP);
        mux.outbound(new DatagramPacket(text("a"), r.virtual()));
        mux.switchTo(r, PathKind.RELAY_TCP);
        mux.outbound(new DatagramPacket(text("b"), r.virtual()));
        assertThat(udp.sent).containsExactly("5:a");
        assertThat(tls.sent).containsExactly("5:b");
        assertThat(mux.remoteOf(r)).isEqualTo(tls.remote);
    }

    @Test
    void aDirectRouteLeavesFromItsOwnPortToThePeer() {
        Route r = mux.open(5, PEER, true, PathKind.RELAY_UDP);
        Recording port = new Recording("0.0.0.0", 0);
        InetSocketAddress peer = new InetSocketAddress("198.51.100.7", 40000);
        mux.direct(r, peer, port);
        mux.outbound(new DatagramPacket(text("c"), r.virtual()));
        assertThat(r.kind()).isEqualTo(PathKind.DIRECT_UDP);
        assertThat(port.sent).containsExactly(peer + ":c");
        assertThat(mux.remoteOf(r)).isEqualTo(peer);
        assertThat(udp.sent).isEmpty();
        // RESUME and the like still go to the relay, on the route's circuit, whatever path it is on.
        mux.sendRelayed(r, text("r"));
        assertThat(udp.sent).containsExactly("5:r");
    }

    @Test
    void aRelayedRouteWithoutACircuitSendsNothingUntilItHasANewOne() {
        Route r = mux.open(5, PEER, true, PathKind.RELAY_UDP);
        mux.detach(r);
        ByteBuf lost = text("lost");
        mux.outbound(new DatagramPacket(lost, r.virtual()));
        assertThat(lost.refCnt()).as("dropped and released").isZero();
        assertThat(mux.byCircuit(5)).isNull();
        mux.reattach(r, 9);
        mux.outbound(new DatagramPacket(text("back"), r.virtual()));
        assertThat(udp.sent).containsExactly("9:back");
        assertThat(mux.byCircuit(9)).isSameAs(r);
    }

    @Test
    void whatNoRouteKnowsIsReleased() throws Exception {
        ByteBuf stray = text("stray");
        mux.outbound(new DatagramPacket(stray, new InetSocketAddress("127.77.200.1", 2000)));
        assertThat(stray.refCnt()).isZero();
        ByteBuf direct = text("q");
        assertThat(mux.directData(new InetSocketAddress("198.51.100.9", 1), direct)).isFalse();
        assertThat(direct.refCnt()).isZero();
        ByteBuf relayed = text("r");
        mux.relayData(77, relayed);
        assertThat(relayed.refCnt()).isZero();
    }

    @Test
    void aResumeOnACalleesCircuitGoesToTheResumeHandlerNotToQuic() {
        Route fresh = mux.open(12, PEER, false, PathKind.RELAY_UDP);
        List<Route> heard = new ArrayList<>();
        mux.onResume((r, payload) -> heard.add(r));
        ByteBuf resume = Unpooled.buffer().writeByte(SessionMessageType.RESUME.byteValue()).writeZero(16);
        mux.relayData(12, resume);
        assertThat(heard).containsExactly(fresh);
        assertThat(resume.refCnt()).isZero();
    }
}
