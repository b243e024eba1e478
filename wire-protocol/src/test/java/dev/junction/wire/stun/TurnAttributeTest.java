package dev.junction.wire.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.wire.Bytes;
import dev.junction.wire.WireFormatException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TURN's attributes (RFC 8656 section 18) and ChannelData (section 12.4) on the wire. */
class TurnAttributeTest {
    private static StunMessage roundTrip(StunMessage m) {
        ByteBuf out = Unpooled.buffer();
        StunEncoder.FINGERPRINT.encode(m, out);
        return StunDecoder.decode(out);
    }

    @Test
    void everyAttributeSurvivesARoundTrip() {
        List<StunAttribute> attrs = List.of(new TurnAttribute.ChannelNumber(0x4abc), new TurnAttribute.Lifetime(0xFFFF_FFFFL),
                new TurnAttribute.XorPeerAddress(new InetSocketAddress("203.0.113.7", 40000)),
                new TurnAttribute.XorPeerAddress(new InetSocketAddress("2001:db8::7", 40001)),
                new TurnAttribute.Data(Bytes.of(new byte[] {1, 2, 3, 4, 5})),
                new TurnAttribute.XorRelayedAddress(new InetSocketAddress("198.51.100.2", 50000)),
                new TurnAttribute.RequestedAddressFamily(TurnAttribute.FAMILY_IPV6), new TurnAttribute.EvenPort(true),
                new TurnAttribute.RequestedTransport(TurnAttribute.TRANSPORT_UDP), new TurnAttribute.DontFragment(),
                new TurnAttribute.ReservationToken(Bytes.of(new byte[] {8, 7, 6, 5, 4, 3, 2, 1})));
        StunMessage m = new StunMessage(StunClass.REQUEST, StunMessageType.METHOD_ALLOCATE, StunMessage.newTransactionId(), attrs);
        StunMessage back = roundTrip(m);
        assertThat(back.attributes().subList(0, attrs.size())).isEqualTo(attrs);
        assertThat(back.method()).isEqualTo(StunMessageType.METHOD_ALLOCATE);
    }

    @Test
    void fixedLayoutsAreAsTheRfcDrawsThem() {
        ByteBuf out = Unpooled.buffer();
        new TurnAttribute.RequestedTransport(17).encodeValue(out, null);
        new TurnAttribute.ChannelNumber(0x4001).encodeValue(out, null);
        new TurnAttribute.EvenPort(true).encodeValue(out, null);
        assertThat(dev.junction.wire.Hex.of(out)).isEqualTo("11000000" + "40010000" + "80");
        // The method bits: Allocate request 0x0003, ChannelBind success 0x0109, Data indication 0x0017.
        assertThat(StunMessageType.pack(StunMessageType.METHOD_ALLOCATE, StunClass.REQUEST)).isEqualTo(0x0003);
        assertThat(StunMessageType.pack(StunMessageType.METHOD_CHANNEL_BIND, StunClass.SUCCESS_RESPONSE)).isEqualTo(0x0109);
        assertThat(StunMessageType.pack(StunMessageType.METHOD_DATA, StunClass.INDICATION)).isEqualTo(0x0017);
    }

    @Test
    void malformedValuesFailTheMessage() {
        ByteBuf out = Unpooled.buffer();
        StunEncoder.PLAIN.encode(new StunMessage(StunClass.REQUEST, StunMessageType.METHOD_REFRESH, StunMessage.newTransactionId(),
                List.of(new StunAttribute.Unknown(StunAttributeType.LIFETIME, Bytes.of(new byte[] {0, 0, 1})))), out);
        assertThatThrownBy(() -> StunDecoder.decode(out)).isInstanceOf(WireFormatException.class).hasMessageContaining("LIFETIME");
    }

    @Test
    void channelDataIsToldFromStunByItsFirstByteAndPaddedOnStreams() {
        assertThat(ChannelData.isChannelData(0x40)).isTrue();
        assertThat(ChannelData.isChannelData(0x7F)).isTrue();
        assertThat(ChannelData.isChannelData(0x00)).isFalse();
        assertThat(ChannelData.isChannelData(0x80)).isFalse();
        assertThat(ChannelData.streamFrameLength(5)).isEqualTo(12);
        assertThat(ChannelData.streamFrameLength(4)).isEqualTo(8);
        ByteBuf b = Unpooled.buffer();
        ChannelData.writeHeader(b, 0x4002, 300);
        assertThat(ChannelData.channel(b)).isEqualTo(0x4002);
        assertThat(ChannelData.length(b)).isEqualTo(300);
    }
}
