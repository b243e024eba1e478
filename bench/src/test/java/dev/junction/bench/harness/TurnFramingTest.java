package dev.junction.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The harness's own TURN framing (RFC 8656) and STUN encoding, byte for byte. */
class TurnFramingTest {
    @Test
    void channelDataOverTcpIsPaddedToFourBytes() {
        ByteBuf out = Unpooled.buffer();
        ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5});
        Framing.TURN_TCP.writeHeader(out, 0x4000, 5);
        out.writeBytes(payload);
        Framing.TURN_TCP.writePadding(out, 5);
        // 40 00: channel 0x4000 | 00 05: length 5 (without padding) | payload | 3 zero bytes of padding
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo("40000005" + "0102030405" + "000000");
        assertThat(Framing.TURN_TCP.frameLength(5)).isEqualTo(12);
        assertThat(Framing.TURN_UDP.frameLength(5)).as("no padding over UDP").isEqualTo(9);
    }

    @Test
    void junctionHeadersMatchTheWireProtocol() {
        ByteBuf udp = Unpooled.buffer();
        Framing.JUNCTION_UDP.writeHeader(udp, 9, 1200);
        assertThat(ByteBufUtil.hexDump(udp)).isEqualTo("82" + "00000009"); // RELAY_DATA | circuit
        ByteBuf tls = Unpooled.buffer();
        Framing.JUNCTION_TLS.writeHeader(tls, 9, 1200);
        assertThat(ByteBufUtil.hexDump(tls)).isEqualTo("15" + "04b4" + "00000009"); // DATA | length 4 + 1200 | circuit
    }

    @Test
    void tcpDecoderSplitsStunAndPaddedChannelDataAcrossReads() {
        EmbeddedChannel ch = new EmbeddedChannel(new TurnFrameDecoder());
        byte[] stun = TurnMessage.request(TurnMessage.BINDING_REQUEST, new byte[12]).encode(null);
        ByteBuf wire = Unpooled.buffer().writeBytes(stun).writeBytes(ByteBufUtil.decodeHexDump("4001000301020300"));
        ch.writeInbound(wire.readRetainedSlice(23));
        ByteBuf first = ch.readInbound();
        assertThat(first.readableBytes()).isEqualTo(20);
        first.release();
        assertThat((Object) ch.readInbound()).as("ChannelData still incomplete").isNull();
        ch.writeInbound(wire.readRetainedSlice(wire.readableBytes()));
        wire.release();
        ByteBuf data = ch.readInbound();
        assertThat(ByteBufUtil.hexDump(data)).isEqualTo("4001000301020300");
        assertThat(Framing.TURN_TCP.isData(data)).isTrue();
        assertThat(Framing.TURN_TCP.payloadLength(data)).as("padding is not payload").isEqualTo(3);
        data.release();
        assertFalse(ch.finish());
    }

    @Test
    void tcpDecoderClosesOnAFirstByteThatIsNeitherStunNorChannelData() {
        EmbeddedChannel ch = new EmbeddedChannel(new TurnFrameDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("c0000000")));
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void xorPeerAddressRoundTrips() {
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 32853);
        byte[] v = TurnMessage.xorAddressValue(a);
        // 00 | family 01 | port ^ 0x2112 | 127.0.0.1 ^ 0x2112A442
        assertThat(ByteBufUtil.hexDump(v)).isEqualTo("0001" + String.format("%04x", 32853 ^ 0x2112) + "5e12a443");
        byte[] msg = TurnMessage.request(TurnMessage.CHANNEL_BIND_REQUEST, new byte[12]).add(TurnMessage.XOR_PEER_ADDRESS, v).encode(null);
        assertThat(TurnMessage.parse(Unpooled.wrappedBuffer(msg)).xorAddress(TurnMessage.XOR_PEER_ADDRESS)).isEqualTo(a);
    }

    @Test
    void messageIntegrityIsLastAndCountedInTheLength() {
        byte[] key = TurnMessage.longTermKey("user", "realm", "pass");
        assertThat(ByteBufUtil.hexDump(key)).isEqualTo("8493fbc53ba582fb4c044c456bdc40eb"); // MD5("user:realm:pass")
        byte[] m = TurnMessage.request(TurnMessage.ALLOCATE_REQUEST, new byte[12])
                .add(TurnMessage.REQUESTED_TRANSPORT, TurnMessage.udpTransport()).encode(key);
        // header 20 + REQUESTED-TRANSPORT 8 + MESSAGE-INTEGRITY 24; the length field counts both attributes
        assertThat(m).hasSize(52);
        assertThat(((m[2] & 0xFF) << 8) | (m[3] & 0xFF)).isEqualTo(32);
        assertThat(ByteBufUtil.hexDump(m, 28, 4)).isEqualTo("00080014"); // MESSAGE-INTEGRITY, 20 bytes
    }
}
