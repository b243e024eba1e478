package dev.junction.wire.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.wire.Bytes;
import dev.junction.wire.Hex;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.identity.Identity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Session datagrams byte for byte. The golden encodings are what clients sent before these
 * messages moved into wire-protocol (PunchMessage, Puncher, Resumer, PathMux), so the move changed
 * nothing on the wire.
 */
class SessionCodecTest {
    static final Identity RELAY = Identity.generate();
    static final Identity ME = Identity.generate();
    static final Bytes KEY = Bytes.fromHex("11".repeat(32));
    static final Bytes TOKEN = Bytes.fromHex("000102030405060708090a0b0c0d0e0f");

    static InetSocketAddress at(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static AddressAttestation statement(String ip) {
        return AddressAttestation.sign(RELAY, ME.peerId(), AddressAttestation.Transport.UDP, at(ip, 4000), Instant.now());
    }

    static ByteBuf golden(SessionMessage m, String hex) {
        ByteBuf out = Unpooled.buffer();
        SessionCodec.encode(m, out);
        assertThat(Hex.of(out)).isEqualTo(hex);
        assertThat(SessionCodec.decode(out)).isEqualTo(m);
        assertThat(Hex.of(SessionCodec.toBuffer(m))).isEqualTo(hex);
        return out;
    }

    @Test
    void bodilessMessagesAreTheirTypeByte() {
        golden(new SessionMessage.Keepalive(), "00");
        golden(new SessionMessage.Sync(), "04");
        golden(new SessionMessage.Repunch(), "07");
    }

    @Test
    void appDataIsTypeThenTheApplicationsBytes() {
        golden(new SessionMessage.AppData(Bytes.fromHex("68656c6c6f")), "01" + "68656c6c6f"); // 01 | "hello"
    }

    @Test
    void tokenTokenAckAndResumeCarryTheSixteenByteToken() {
        String token = "000102030405060708090a0b0c0d0e0f";
        golden(new SessionMessage.Token(TOKEN), "05" + token);
        golden(new SessionMessage.TokenAck(TOKEN), "06" + token);
        // b0: RESUME, fixed bit 0x40 clear, so never a QUIC packet on the circuit
        golden(new SessionMessage.Resume(TOKEN), "b0" + token);
    }

    @Test
    void offerHasGoldenBytes() {
        PunchBody body = new PunchBody(List.of(at("203.0.113.5", 4000), at("2001:db8::1", 4001)),
                new NatHint(NatHint.Mapping.DEPENDENT, 2), List.of(at("203.0.113.5", 4000)), List.of());
        golden(new SessionMessage.Offer(KEY, body), "02" + "11".repeat(32) // OFFER | punch key
                + "02" // 2 candidates
                + "04" + "cb007105" + "0fa0" // v4 203.0.113.5, port 4000
                + "06" + "20010db8000000000000000000000001" + "0fa1" // v6 2001:db8::1, port 4001
                + "02" + "0002" // hint: endpoint-dependent, step 2
                + "01" + "04" + "cb007105" + "0fa0" // 1 TCP candidate
                + "00"); // no statements
    }

    @Test
    void answerHasGoldenBytesWithANegativeStepAndAStatement() {
        AddressAttestation st = statement("203.0.113.5");
        ByteBuf att = Unpooled.buffer();
        st.encode(att);
        golden(new SessionMessage.Answer(new PunchBody(List.of(at("198.51.100.7", 65535)), new NatHint(NatHint.Mapping.DEPENDENT, -3),
                List.of(), List.of(st))), "03" // ANSWER
                + "01" + "04" + "c6336407" + "ffff" // 1 candidate: 198.51.100.7, port 65535
                + "02" + "fffd" // hint: endpoint-dependent, step -3
                + "00" // no TCP candidates
                + "01" + Hex.of(att)); // 1 statement (section 3.7)
    }

    @Test
    void aGatewayMappedCandidateIsMarkedByABitAfterTheStatements() {
        SessionMessage.Answer a = SessionMessage.Answer.fitting(List.of(at("203.0.113.5", 4000), at("198.51.100.9", 5000)),
                NatHint.UNKNOWN, List.of(), List.of(), at("198.51.100.9", 5000));
        golden(a, "03" + "02" + "04" + "cb007105" + "0fa0" + "04" + "c6336409" + "1388" // 2 candidates
                + "00" + "0000" // hint unknown
                + "00" + "00" // no TCP candidates, no statements
                + "0002"); // mapped: bit 1, the second candidate
        assertThat(a.body().isMapped(at("198.51.100.9", 5000))).isTrue();
        assertThat(a.body().isMapped(at("203.0.113.5", 4000))).isFalse();
        SessionMessage.Answer none = SessionMessage.Answer.fitting(List.of(at("203.0.113.5", 4000)), NatHint.UNKNOWN, List.of(), List.of(),
                at("198.51.100.9", 5000));
        assertThat(none.body().mapped()).as("a mapping not among the candidates marks nothing").isZero();
    }

    @Test
    void anOlderPeersAnswerWithoutHintTcpOrStatementsReadsAsNone() {
        SessionMessage m = SessionCodec.decode(Hex.buf("03" + "01" + "04" + "cb007105" + "0fa0"));
        assertThat(m).isEqualTo(new SessionMessage.Answer(new PunchBody(List.of(at("203.0.113.5", 4000)), NatHint.UNKNOWN, List.of(), List.of())));
    }

    @Test
    void anUnknownMappingReadsAsUnknown() {
        SessionMessage.Answer a = (SessionMessage.Answer) SessionCodec.decode(Hex.buf("03" + "00" + "09" + "0002"));
        assertThat(a.body().hint()).isEqualTo(NatHint.UNKNOWN);
    }

    @Test
    void bytesAfterTheKnownFieldsAreIgnored() {
        assertThat(SessionCodec.decode(Hex.buf("04" + "ff"))).isEqualTo(new SessionMessage.Sync());
        assertThat(SessionCodec.decode(Hex.buf("05" + "000102030405060708090a0b0c0d0e0f" + "ff"))).isEqualTo(new SessionMessage.Token(TOKEN));
        assertThat(SessionCodec.decode(Hex.buf("03" + "00" + "010000" + "00" + "00" + "ffff")))
                .isEqualTo(new SessionMessage.Answer(new PunchBody(List.of(), new NatHint(NatHint.Mapping.INDEPENDENT, 0), List.of(), List.of())));
    }

    @Test
    void refusesUnknownTypes() {
        assertThatThrownBy(() -> SessionCodec.decode(Hex.buf("08"))).isInstanceOf(WireFormatException.class).hasMessageContaining("0x8");
        assertThatThrownBy(() -> SessionCodec.decode(Hex.buf("b1" + "00".repeat(16)))).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> SessionMessageType.valueOf((byte) 0x82)).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> SessionCodec.decode(Unpooled.EMPTY_BUFFER)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void refusesAShortToken() {
        assertThatThrownBy(() -> SessionCodec.decode(Hex.buf("b0" + "00".repeat(15)))).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("token");
        assertThatThrownBy(() -> new SessionMessage.Token(Bytes.fromHex("00"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAShortKeyAndBadCandidates() {
        assertThatThrownBy(() -> SessionCodec.decode(Hex.buf("02" + "11".repeat(31)))).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> SessionCodec.decode(Hex.buf("03" + "0d"))).as("13 candidates").isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> SessionCodec.decode(Hex.buf("03" + "01" + "05" + "cb007105" + "0fa0"))).as("family 5")
                .isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> SessionCodec.decode(Hex.buf("03" + "01" + "04" + "cb007105" + "0000"))).as("port 0")
                .isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> SessionCodec.decode(Hex.buf("03" + "01" + "04" + "cb0071"))).as("truncated")
                .isInstanceOf(WireFormatException.class);
    }

    @Test
    void refusesTooManyStatements() {
        // no candidates | hint independent | no TCP candidates | 5 statements
        assertThatThrownBy(() -> SessionCodec.decode(Hex.buf("03" + "00" + "010000" + "00" + "05")))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("statements");
    }

    @Test
    void theLargestOfferStillFitsOneQuicDatagram() {
        List<InetSocketAddress> v6 = IntStream.range(0, Candidates.MAX).mapToObj(i -> at("2001:db8::" + (i + 1), 4000)).toList();
        List<AddressAttestation> five = List.of(statement("2001:db8::1"), statement("2001:db8::2"), statement("2001:db8::3"),
                statement("2001:db8::4"), statement("2001:db8::5"));
        SessionMessage.Offer offer = SessionMessage.Offer.fitting(KEY, v6, NatHint.UNKNOWN, v6, five);
        ByteBuf b = SessionCodec.toBuffer(offer);
        assertThat(b.readableBytes()).isLessThanOrEqualTo(PunchBody.CONTROL_MAX);
        SessionMessage.Offer read = (SessionMessage.Offer) SessionCodec.decode(b);
        assertThat(read).isEqualTo(offer);
        assertThat(read.body().statements()).hasSize(PunchBody.STATEMENTS_MAX);
        assertThat(read.body().candidates()).isNotEmpty().isEqualTo(v6.subList(0, read.body().candidates().size()));
    }

    @Test
    void aSmallOfferIsNotTrimmed() {
        List<InetSocketAddress> two = List.of(at("203.0.113.5", 4000), at("10.0.0.2", 4000));
        SessionMessage.Answer a = SessionMessage.Answer.fitting(two, NatHint.BLOCKED, two, List.of(statement("203.0.113.5")));
        assertThat(a.body().candidates()).isEqualTo(two);
        assertThat(a.body().tcp()).isEqualTo(two);
        assertThat(a.body().statements()).hasSize(1);
    }
}
