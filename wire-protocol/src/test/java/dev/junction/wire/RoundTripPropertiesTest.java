package dev.junction.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.wire.control.ControlCodec;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.identity.PeerId;
import dev.junction.wire.session.SessionCodec;
import dev.junction.wire.session.SessionMessage;
import dev.junction.wire.stun.StunDecoder;
import dev.junction.wire.stun.StunEncoder;
import dev.junction.wire.stun.StunIntegrity;
import dev.junction.wire.stun.StunMessage;
import dev.junction.wire.udp.UdpCodec;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** decode(encode(m)) == m for every message kind, over generated messages. */
class RoundTripPropertiesTest {

    @Property(tries = 500)
    void stunMessagesRoundTrip(@ForAll("stun") StunMessage m) {
        ByteBuf out = Unpooled.buffer();
        StunEncoder.PLAIN.encode(m, out);
        assertThat(StunDecoder.decode(out)).isEqualTo(m);
    }

    @Property(tries = 200)
    void stunMessagesWithIntegrityAndFingerprintVerify(@ForAll("stun") StunMessage m) {
        byte[] key = "k".getBytes();
        ByteBuf out = Unpooled.buffer();
        StunEncoder.PLAIN.withIntegrity(key).withFingerprint().encode(m, out);
        StunMessage decoded = StunDecoder.decode(out);
        assertThat(decoded.attributes().subList(0, m.attributes().size())).isEqualTo(m.attributes());
        assertThat(StunIntegrity.verify(out, key)).isTrue();
    }

    @Property(tries = 1000)
    void controlFramesRoundTrip(@ForAll("control") ControlFrame f) {
        ByteBuf out = Unpooled.buffer();
        ControlCodec.encode(f, out);
        assertThat(ControlCodec.decode(out)).isEqualTo(f);
    }

    @Property(tries = 500)
    void udpFramesRoundTrip(@ForAll("udp") UdpFrame f) {
        ByteBuf out = Unpooled.buffer();
        UdpCodec.encode(f, out);
        assertThat(UdpCodec.decode(out)).isEqualTo(f);
    }

    @Property(tries = 500)
    void sessionMessagesRoundTrip(@ForAll("session") SessionMessage m) {
        ByteBuf out = Unpooled.buffer();
        SessionCodec.encode(m, out);
        assertThat(SessionCodec.decode(out)).isEqualTo(m);
    }

    @Property(tries = 200)
    void peerIdsRoundTripThroughTextAndBytes(@ForAll("peers") PeerId id) {
        assertThat(PeerId.parse(id.toString())).isEqualTo(id);
        assertThat(PeerId.fromBytes(id.toBytes())).isEqualTo(id);
        assertThat(id.toString()).startsWith("z12D3KooW");
    }

    @Provide
    Arbitrary<StunMessage> stun() {
        return WireArbitraries.stunMessages();
    }

    @Provide
    Arbitrary<ControlFrame> control() {
        return WireArbitraries.controlFrames();
    }

    @Provide
    Arbitrary<UdpFrame> udp() {
        return WireArbitraries.udpFrames();
    }

    @Provide
    Arbitrary<SessionMessage> session() {
        return WireArbitraries.sessionMessages();
    }

    @Provide
    Arbitrary<PeerId> peers() {
        return WireArbitraries.peerIds();
    }
}
