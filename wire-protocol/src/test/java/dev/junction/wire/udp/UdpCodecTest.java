package dev.junction.wire.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.wire.Bytes;
import dev.junction.wire.Hex;
import dev.junction.wire.WireFormatException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class UdpCodecTest {
    static final byte[] KEY = Hex.bytes("000102030405060708090a0b0c0d0e0f");

    @Test
    void relayDataHasGoldenBytes() {
        ByteBuf out = golden(new UdpFrame.RelayData(9, Bytes.fromHex("68656c6c6f")), "82" + "00000009" + "68656c6c6f");
        assertThat(UdpCodec.relayDataCircuit(out)).isEqualTo(9);
        assertThat(UdpCodec.relayDataCircuit(Hex.buf("830000000000000001"))).isEqualTo(-1);
    }

    @Test
    void bindIsSignedWithTheReservationKeyAndAnotherKeyFails() {
        UdpFrame.Bind bind = UdpFrame.Bind.signed(KEY, 42, 1000);
        ByteBuf out = Unpooled.buffer();
        UdpCodec.encode(bind, out);
        assertThat(Hex.of(out)).startsWith("80" + "000000000000002a" + "00000000000003e8").hasSize(2 * 33);
        UdpFrame.Bind decoded = (UdpFrame.Bind) UdpCodec.decode(out);
        assertThat(decoded.verify(KEY)).isTrue();
        assertThat(decoded.verify(new byte[16])).isFalse();
        assertThat(new UdpFrame.Bind(42, 1001, decoded.mac()).verify(KEY)).as("MAC covers the nonce").isFalse();
    }

    @Test
    void attestIsSignedLikeBindButNeitherStandsForTheOther() {
        UdpFrame.Attest attest = UdpFrame.Attest.signed(KEY, 42, 1000);
        ByteBuf out = Unpooled.buffer();
        UdpCodec.encode(attest, out);
        assertThat(Hex.of(out)).startsWith("87" + "000000000000002a" + "00000000000003e8").hasSize(2 * 33);
        UdpFrame.Attest decoded = (UdpFrame.Attest) UdpCodec.decode(out);
        assertThat(decoded.verify(KEY)).isTrue();
        assertThat(decoded.verify(new byte[16])).isFalse();
        assertThat(new UdpFrame.Bind(42, 1000, decoded.mac()).verify(KEY)).as("an ATTEST's MAC is no BIND's").isFalse();
        assertThat(new UdpFrame.Attest(42, 1000, UdpFrame.Bind.signed(KEY, 42, 1000).mac()).verify(KEY)).isFalse();
    }

    @Test
    void probeAckMacCoversTheObservedAddress() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 4000);
        InetSocketAddress b = new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 4001);
        UdpFrame.ProbeAck ack = UdpFrame.ProbeAck.signed(KEY, 1, 2, 3, a);
        assertThat(ack.verify(KEY)).isTrue();
        assertThat(new UdpFrame.ProbeAck(1, 2, 3, b, ack.mac()).verify(KEY)).isFalse();
        assertThat(UdpFrame.Probe.signed(KEY, 1, 2, 3).verify(KEY)).isTrue();
        assertThat(UdpFrame.Probe.signed(KEY, 1, 2, 3).verify(new byte[16])).isFalse();
    }

    @Test
    void probeAndAckMacsCoverTheNonce() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 4000);
        UdpFrame.Probe probe = UdpFrame.Probe.signed(KEY, 1, 2, 0x0102030405060708L);
        ByteBuf out = Unpooled.buffer();
        UdpCodec.encode(probe, out);
        assertThat(Hex.of(out)).startsWith("85" + "0000000000000001" + "0000000000000002" + "0102030405060708").hasSize(2 * 41);
        assertThat(new UdpFrame.Probe(1, 2, 9, probe.mac()).verify(KEY)).as("another nonce").isFalse();
        UdpFrame.ProbeAck ack = UdpFrame.ProbeAck.signed(KEY, 1, 2, 3, a);
        assertThat(new UdpFrame.ProbeAck(1, 2, 4, a, ack.mac()).verify(KEY)).as("another nonce").isFalse();
    }

    @Test
    void pingHasGoldenBytes() {
        golden(new UdpFrame.Ping(1), "83" + "0000000000000001");
    }

    @Test
    void rejectsEmptyDatagram() {
        assertRejected("", "empty");
    }

    @Test
    void rejectsUnknownType() {
        assertRejected("bf", "unknown UDP frame type 0xbf");
    }

    @Test
    void rejectsTruncatedBind() {
        assertRejected("80" + "0000000000000001", "truncated nonce");
    }

    @Test
    void rejectsTrailingBytes() {
        assertRejected("83" + "0000000000000001" + "00", "trailing");
    }

    private static ByteBuf golden(UdpFrame f, String hex) {
        ByteBuf out = Unpooled.buffer();
        UdpCodec.encode(f, out);
        assertThat(Hex.of(out)).isEqualTo(hex);
        assertThat(UdpCodec.decode(Hex.buf(hex))).isEqualTo(f);
        return out;
    }

    private static void assertRejected(String hex, String reason) {
        assertThatThrownBy(() -> UdpCodec.decode(Hex.buf(hex)))
                .isInstanceOf(WireFormatException.class).hasMessageContaining(reason);
    }
}
