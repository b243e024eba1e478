package dev.junction.wire.stun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.wire.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test vectors of RFC 5769, byte for byte: decode, check integrity and fingerprint, re-encode. */
class Rfc5769VectorsTest {
    /** RFC 5769 section 2.1: Binding request, short-term credential, with FINGERPRINT. */
    static final String SAMPLE_REQUEST = """
            00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
            00 24 00 04 6e 00 01 ff
            80 29 00 08 93 2f f9 b1 51 26 3b 36
            00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
            00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
            80 28 00 04 e5 7a 3b cf""";
    /** RFC 5769 section 2.2: success response, XOR-MAPPED-ADDRESS 192.0.2.1:32853. */
    static final String SAMPLE_IPV4_RESPONSE = """
            01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 08 00 01 a1 47 e1 12 a6 43
            00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
            80 28 00 04 c0 7d 4c 96""";
    /** RFC 5769 section 2.3: success response, XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853. */
    static final String SAMPLE_IPV6_RESPONSE = """
            01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
            00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
            80 28 00 04 c8 fb 0b 4c""";
    /** RFC 5769 section 2.4: request with long-term credential (USERNAME, NONCE, REALM), no FINGERPRINT. */
    static final String SAMPLE_LONG_TERM_REQUEST = """
            00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
            00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
            00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
            00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
            00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66""";
    static final byte[] SHORT_TERM_KEY = StunIntegrity.shortTermKey("VOkJxbRl1RmTxUk/WvJxBt");
    static final String LONG_TERM_USER = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
    /** The password "The\u00ADM\u00AAtrIX" after SASLprep, as RFC 5769 section 2.4 states. */
    static final byte[] LONG_TERM_KEY = StunIntegrity.longTermKey(LONG_TERM_USER, "example.org", "TheMatrIX");
    /** Every vector pads with spaces (0x20) except 2.4, which pads with zeros. */
    static final StunEncoder SPACE_PADDED = StunEncoder.PLAIN.withPaddingByte((byte) 0x20);

    @Test
    void sampleRequestDecodesWithItsAttributesInOrder() {
        StunMessage m = StunDecoder.decode(Hex.buf(SAMPLE_REQUEST));
        assertThat(m.messageClass()).isEqualTo(StunClass.REQUEST);
        assertThat(m.method()).isEqualTo(StunMessageType.METHOD_BINDING);
        assertThat(m.transactionId().toHex()).isEqualTo("b7e7a701bc34d686fa87dfae");
        assertThat(m.attributes()).extracting(StunAttribute::type)
                .containsExactly(0x8022, 0x0024, 0x8029, 0x0006, 0x0008, 0x8028);
        assertThat(m.attribute(StunAttribute.Software.class)).contains(new StunAttribute.Software("STUN test client"));
        assertThat(m.attribute(StunAttribute.Username.class)).contains(new StunAttribute.Username("evtj:h6vY"));
        assertThat(m.attribute(StunAttribute.Fingerprint.class).orElseThrow().crc()).isEqualTo(0xe57a3bcf);
    }

    @Test
    void sampleRequestIntegrityChecksWithThePasswordAndNotWithanother() {
        assertThat(StunIntegrity.verify(Hex.buf(SAMPLE_REQUEST), SHORT_TERM_KEY)).isTrue();
        assertThat(StunIntegrity.verify(Hex.buf(SAMPLE_REQUEST), StunIntegrity.shortTermKey("wrong"))).isFalse();
    }

    @Test
    void sampleRequestReEncodesByteForByte() {
        StunMessage m = StunDecoder.decode(Hex.buf(SAMPLE_REQUEST));
        StunMessage bare = new StunMessage(m.messageClass(), m.method(), m.transactionId(),
                m.attributes().subList(0, 4));
        assertThat(encode(SPACE_PADDED.withIntegrity(SHORT_TERM_KEY).withFingerprint(), bare))
                .isEqualTo(Hex.of(Hex.buf(SAMPLE_REQUEST)));
    }

    @Test
    void ipv4ResponseDecodesChecksAndReEncodesByteForByte() throws Exception {
        StunMessage m = StunDecoder.decode(Hex.buf(SAMPLE_IPV4_RESPONSE));
        InetSocketAddress expected = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853);
        assertThat(m.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(m.attribute(StunAttribute.XorMappedAddress.class)).contains(new StunAttribute.XorMappedAddress(expected));
        assertThat(m.attribute(StunAttribute.Software.class)).contains(new StunAttribute.Software("test vector"));
        assertThat(StunIntegrity.verify(Hex.buf(SAMPLE_IPV4_RESPONSE), SHORT_TERM_KEY)).isTrue();
        StunMessage rebuilt = new StunMessage(StunClass.SUCCESS_RESPONSE, StunMessageType.METHOD_BINDING, m.transactionId(),
                List.of(new StunAttribute.Software("test vector"), new StunAttribute.XorMappedAddress(expected)));
        assertThat(encode(SPACE_PADDED.withIntegrity(SHORT_TERM_KEY).withFingerprint(), rebuilt))
                .isEqualTo(Hex.of(Hex.buf(SAMPLE_IPV4_RESPONSE)));
    }

    @Test
    void ipv6ResponseDecodesChecksAndReEncodesByteForByte() throws Exception {
        StunMessage m = StunDecoder.decode(Hex.buf(SAMPLE_IPV6_RESPONSE));
        InetSocketAddress expected = new InetSocketAddress(
                InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853);
        assertThat(m.attribute(StunAttribute.XorMappedAddress.class)).contains(new StunAttribute.XorMappedAddress(expected));
        assertThat(StunIntegrity.verify(Hex.buf(SAMPLE_IPV6_RESPONSE), SHORT_TERM_KEY)).isTrue();
        StunMessage rebuilt = new StunMessage(StunClass.SUCCESS_RESPONSE, StunMessageType.METHOD_BINDING, m.transactionId(),
                List.of(new StunAttribute.Software("test vector"), new StunAttribute.XorMappedAddress(expected)));
        assertThat(encode(SPACE_PADDED.withIntegrity(SHORT_TERM_KEY).withFingerprint(), rebuilt))
                .isEqualTo(Hex.of(Hex.buf(SAMPLE_IPV6_RESPONSE)));
    }

    @Test
    void longTermRequestDecodesChecksAndReEncodesByteForByte() {
        StunMessage m = StunDecoder.decode(Hex.buf(SAMPLE_LONG_TERM_REQUEST));
        assertThat(m.attribute(StunAttribute.Username.class)).contains(new StunAttribute.Username(LONG_TERM_USER));
        assertThat(m.attribute(StunAttribute.Nonce.class)).contains(new StunAttribute.Nonce("f//499k954d6OL34oL9FSTvy64sA"));
        assertThat(m.attribute(StunAttribute.Realm.class)).contains(new StunAttribute.Realm("example.org"));
        assertThat(m.attribute(StunAttribute.Fingerprint.class)).isEmpty();
        assertThat(StunIntegrity.verify(Hex.buf(SAMPLE_LONG_TERM_REQUEST), LONG_TERM_KEY)).isTrue();
        assertThat(StunIntegrity.verify(Hex.buf(SAMPLE_LONG_TERM_REQUEST),
                StunIntegrity.longTermKey(LONG_TERM_USER, "example.org", "TheMatrix"))).isFalse();
        StunMessage bare = new StunMessage(m.messageClass(), m.method(), m.transactionId(), m.attributes().subList(0, 3));
        assertThat(encode(StunEncoder.PLAIN.withIntegrity(LONG_TERM_KEY), bare))
                .isEqualTo(Hex.of(Hex.buf(SAMPLE_LONG_TERM_REQUEST)));
    }

    @Test
    void aFlippedBitFailsTheFingerprint() {
        ByteBuf b = Hex.buf(SAMPLE_REQUEST);
        b.setByte(30, b.getByte(30) ^ 0x01);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StunDecoder.decode(b))
                .isInstanceOf(dev.junction.wire.WireFormatException.class).hasMessageContaining("FINGERPRINT");
    }

    static String encode(StunEncoder encoder, StunMessage m) {
        ByteBuf out = Unpooled.buffer();
        encoder.encode(m, out);
        return Hex.of(out);
    }
}
