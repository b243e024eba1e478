package dev.junction.wire.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.wire.Bytes;
import dev.junction.wire.Hex;
import dev.junction.wire.WireFormatException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class StunCodecTest {
    static final Bytes TID = Bytes.fromHex("000102030405060708090a0b");

    @Test
    void messageTypesPackAsRfc8489Figure3() {
        assertThat(StunMessageType.pack(StunMessageType.METHOD_BINDING, StunClass.REQUEST)).isEqualTo(0x0001);
        assertThat(StunMessageType.pack(StunMessageType.METHOD_BINDING, StunClass.INDICATION)).isEqualTo(0x0011);
        assertThat(StunMessageType.pack(StunMessageType.METHOD_BINDING, StunClass.SUCCESS_RESPONSE)).isEqualTo(0x0101);
        assertThat(StunMessageType.pack(StunMessageType.METHOD_BINDING, StunClass.ERROR_RESPONSE)).isEqualTo(0x0111);
        assertThat(StunMessageType.pack(0x003, StunClass.ERROR_RESPONSE)).isEqualTo(0x0113); // TURN Allocate error
        for (int method = 0; method <= StunMessageType.MAX_METHOD; method += 7) {
            for (StunClass c : StunClass.values()) {
                int t = StunMessageType.pack(method, c);
                assertThat(StunMessageType.method(t)).isEqualTo(method);
                assertThat(StunMessageType.messageClass(t)).isEqualTo(c);
            }
        }
    }

    @Test
    void bindingResponseWithRfc5780AttributesHasGoldenBytes() throws Exception {
        StunMessage m = new StunMessage(StunClass.SUCCESS_RESPONSE, StunMessageType.METHOD_BINDING, TID, List.of(
                new StunAttribute.XorMappedAddress(addr("203.0.113.5", 40000)),
                new StunAttribute.ResponseOrigin(addr("203.0.113.10", 3478)),
                new StunAttribute.OtherAddress(addr("203.0.113.11", 3479))));
        String expected = ""
                + "0101" + "0024"                 // Binding success response, 36 bytes of attributes
                + "2112a442" + "000102030405060708090a0b"
                + "0020" + "0008" + "00" + "01"  // XOR-MAPPED-ADDRESS, IPv4
                + "bd52"                          // 40000 (0x9c40) ^ 0x2112
                + "ea12d547"                      // 203.0.113.5 (cb007105) ^ 0x2112a442
                + "802b" + "0008" + "0001" + "0d96" + "cb00710a" // RESPONSE-ORIGIN 203.0.113.10:3478
                + "802c" + "0008" + "0001" + "0d97" + "cb00710b"; // OTHER-ADDRESS 203.0.113.11:3479
        assertThat(Rfc5769VectorsTest.encode(StunEncoder.PLAIN, m)).isEqualTo(expected);
        assertThat(StunDecoder.decode(Hex.buf(expected))).isEqualTo(m);
    }

    @Test
    void changeRequestResponsePortPaddingAndErrorCodeHaveGoldenBytes() {
        StunMessage m = new StunMessage(StunClass.REQUEST, StunMessageType.METHOD_BINDING, TID, List.of(
                new StunAttribute.ChangeRequest(true, true),
                new StunAttribute.ResponsePort(5000),
                new StunAttribute.Padding(3),
                new StunAttribute.ErrorCode(420, "x"),
                new StunAttribute.UnknownAttributes(List.of(0x0024))));
        String expected = "0001" + "002c" + "2112a442" + "000102030405060708090a0b"
                + "0003" + "0004" + "00000006"     // CHANGE-REQUEST: change IP (0x4) and port (0x2)
                + "0027" + "0004" + "1388" + "0000" // RESPONSE-PORT 5000 and 2 bytes of padding
                + "0026" + "0003" + "000000" + "00" // PADDING of 3 bytes, padded to 4
                + "0009" + "0005" + "0000" + "04" + "14" + "78" + "000000" // ERROR-CODE 420 "x"
                + "000a" + "0002" + "0024" + "0000"; // UNKNOWN-ATTRIBUTES [PRIORITY]
        assertThat(Rfc5769VectorsTest.encode(StunEncoder.PLAIN, m)).isEqualTo(expected);
        assertThat(StunDecoder.decode(Hex.buf(expected))).isEqualTo(m);
    }

    @Test
    void integritySha256AndFingerprintAreAppendedAndVerify() {
        byte[] key = "secret".getBytes();
        StunMessage m = new StunMessage(StunClass.REQUEST, 1, TID, List.of(new StunAttribute.Software("j")));
        ByteBuf out = Unpooled.buffer();
        StunEncoder.PLAIN.withIntegritySha256(key).withFingerprint().encode(m, out);
        StunMessage decoded = StunDecoder.decode(out);
        assertThat(decoded.attributes()).extracting(StunAttribute::type)
                .containsExactly(StunAttributeType.SOFTWARE, StunAttributeType.MESSAGE_INTEGRITY_SHA256, StunAttributeType.FINGERPRINT);
        assertThat(StunIntegrity.verify(out, key)).isTrue();
        assertThat(StunIntegrity.verify(out, "other".getBytes())).isFalse();
    }

    @Test
    void attributesAfterMessageIntegrityExceptFingerprintAreIgnored() {
        String msg = "0001" + "0020" + "2112a442" + "000102030405060708090a0b"
                + "0008" + "0014" + "0000000000000000000000000000000000000000"
                + "8022" + "0004" + "61626364"; // SOFTWARE after MESSAGE-INTEGRITY
        assertThat(StunDecoder.decode(Hex.buf(msg)).attributes()).extracting(StunAttribute::type)
                .containsExactly(StunAttributeType.MESSAGE_INTEGRITY);
    }

    @Test
    void encoderRefusesAttributesItComputesItself() {
        StunMessage m = new StunMessage(StunClass.REQUEST, 1, TID, List.of(new StunAttribute.Fingerprint(0)));
        assertThatThrownBy(() -> StunEncoder.PLAIN.encode(m, Unpooled.buffer()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("computed by the encoder");
    }

    @Test
    void rejectsShortMessage() {
        assertRejected("000100002112a442000102030405060708090a", "shorter than a STUN header");
    }

    @Test
    void rejectsWrongCookie() {
        assertRejected("000100002112a443000102030405060708090a0b", "magic cookie");
    }

    @Test
    void rejectsTopBitsSet() {
        assertRejected("400100002112a442000102030405060708090a0b", "first two bits");
    }

    @Test
    void rejectsLengthNotMultipleOfFour() {
        assertRejected("000100022112a442000102030405060708090a0b0000", "multiple of 4");
    }

    @Test
    void rejectsLengthLongerThanDatagram() {
        assertRejected("000100082112a442000102030405060708090a0b80220000", "length field");
    }

    @Test
    void rejectsAttributeRunningPastMessage() {
        assertRejected("000100042112a442000102030405060708090a0b80220008", "runs past");
    }

    @Test
    void rejectsUnknownAddressFamily() {
        assertRejected("000100082112a442000102030405060708090a0b" + "00200004" + "00030000", "family");
    }

    @Test
    void rejectsAddressOfWrongLength() {
        assertRejected("0001000c2112a442000102030405060708090a0b" + "00010008" + "00020000" + "7f000001", "address bytes");
    }

    @Test
    void rejectsFingerprintThatIsNotLast() {
        assertRejected("000100102112a442000102030405060708090a0b" + "80280004" + "00000000" + "80220004" + "61626364",
                "not the last");
    }

    @Test
    void rejectsErrorCodeOutOfRange() {
        assertRejected("000100082112a442000102030405060708090a0b" + "00090004" + "00000263", "ERROR-CODE");
    }

    @Test
    void looksLikeStunIsCheapAndExact() {
        assertThat(StunDecoder.looksLikeStun(Hex.buf(Rfc5769VectorsTest.SAMPLE_REQUEST))).isTrue();
        assertThat(StunDecoder.looksLikeStun(Hex.buf("800000000000000000000000000000000000000000"))).isFalse();
    }

    private static void assertRejected(String hex, String reason) {
        assertThatThrownBy(() -> StunDecoder.decode(Hex.buf(hex)))
                .isInstanceOf(WireFormatException.class).hasMessageContaining(reason);
    }

    private static InetSocketAddress addr(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }
}
