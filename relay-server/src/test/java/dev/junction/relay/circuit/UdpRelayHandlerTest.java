package dev.junction.relay.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.relay.reservation.ClientLink;
import dev.junction.relay.reservation.LocalReservationRegistry;
import dev.junction.relay.reservation.Reservation;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.udp.UdpCodec;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.identity.PeerId;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UdpRelayHandlerTest {
    static final InetSocketAddress CLIENT = new InetSocketAddress("198.51.100.7", 40000);
    static final Identity RELAY = Identity.generate();
    final RelayMetrics metrics = new RelayMetrics();
    final LocalReservationRegistry registry = new LocalReservationRegistry(10, 10, Duration.ofHours(1), Clock.systemUTC());
    final CircuitTable circuits = new CircuitTable(4, CircuitLimits.UNLIMITED, Set.of(), metrics, Clock.systemUTC());
    final EmbeddedChannel ch = new EmbeddedChannel(new UdpRelayHandler(registry, new Forwarder(circuits, metrics), metrics, RELAY, Clock.systemUTC()));

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void bindWithTheReservationKeyIsAcknowledgedAndAPingThenAnswered() {
        PeerId client = Identity.generate().peerId();
        Reservation r = registry.reserve(client, CLIENT, new NoLink(), new EmbeddedChannel()).reservation();
        inbound(UdpFrame.Bind.signed(r.udpBindKey().toArray(), r.id(), 1));
        UdpFrame.BindAck ack = (UdpFrame.BindAck) outbound();
        assertThat(ack.nonce()).isEqualTo(1);
        assertThat(ack.observed()).isEqualTo(CLIENT);
        // The relay's signed statement of the client's UDP address, checkable with the relay's PeerId alone.
        assertThat(ack.attestation().address()).isEqualTo(CLIENT);
        assertThat(ack.attestation().transport()).isEqualTo(AddressAttestation.Transport.UDP);
        assertThat(ack.attestation().validFor(client, Set.of(RELAY.peerId()), java.time.Instant.now())).isTrue();
        assertThat(registry.byUdp(CLIENT)).isSameAs(r);
        inbound(new UdpFrame.Ping(5));
        assertThat(outbound()).isEqualTo(new UdpFrame.Pong(5));
        assertFalse(ch.finish());
    }

    @Test
    void badMacReplayedNonceAndStrangersGetNoAnswer() {
        Reservation r = registry.reserve(Identity.generate().peerId(), CLIENT, new NoLink(), new EmbeddedChannel()).reservation();
        inbound(UdpFrame.Bind.signed(new byte[16], r.id(), 1));
        inbound(new UdpFrame.Ping(5));
        inbound(UdpFrame.Bind.signed(r.udpBindKey().toArray(), r.id(), 2));
        outbound();
        inbound(UdpFrame.Bind.signed(r.udpBindKey().toArray(), r.id(), 2));
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 1}), null, CLIENT));
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(metrics.scrape()).contains("junction_drops_total{reason=\"unbound_sender\"} 3.0")
                .contains("junction_drops_total{reason=\"malformed_frame\"} 1.0");
        assertFalse(ch.finish());
    }

    private void inbound(UdpFrame f) {
        ByteBuf b = Unpooled.buffer();
        UdpCodec.encode(f, b);
        ch.writeInbound(new DatagramPacket(b, null, CLIENT));
    }

    private UdpFrame outbound() {
        DatagramPacket p = ch.readOutbound();
        assertThat(p.recipient()).isEqualTo(CLIENT);
        UdpFrame f = UdpCodec.decode(p.content());
        p.release();
        return f;
    }

    static final class NoLink implements ClientLink {
        public boolean send(ControlFrame frame) {
            return true;
        }

        public boolean sendRelayed(io.netty.buffer.ByteBuf frame, Runnable beforeWrite) {
            frame.release();
            return false;
        }

        public void sendAndClose(ControlFrame frame) {
        }

        public void close() {
        }
    }
}
