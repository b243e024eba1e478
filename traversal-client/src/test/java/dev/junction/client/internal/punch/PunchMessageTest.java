package dev.junction.client.internal.punch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.wire.WireFormatException;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.identity.Identity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** OFFER and ANSWER bodies: candidates, hint, TCP candidates, the relay's statements. */
class PunchMessageTest {
    static final Identity RELAY = Identity.generate();
    static final Identity ME = Identity.generate();

    static AddressAttestation statement(String ip) {
        return AddressAttestation.sign(RELAY, ME.peerId(), AddressAttestation.Transport.UDP, CandidatePolicyTest.at(ip, 4000), Instant.now());
    }

    @Test
    void readsWhatItWrites() {
        PunchMessage m = new PunchMessage(List.of(CandidatePolicyTest.at("203.0.113.5", 1)), new NatHint(NatHint.Mapping.DEPENDENT, 2),
                List.of(CandidatePolicyTest.at("203.0.113.5", 2)), List.of(statement("203.0.113.5")));
        ByteBuf b = Unpooled.buffer();
        m.write(b);
        assertThat(PunchMessage.read(b)).isEqualTo(m);
        assertThat(b.isReadable()).isFalse();
    }

    @Test
    void theLargestOfferStillFitsOneQuicDatagram() {
        List<InetSocketAddress> v6 = IntStream.range(0, Candidates.MAX).mapToObj(i -> CandidatePolicyTest.at("2001:db8::" + (i + 1), 4000)).toList();
        List<AddressAttestation> four = List.of(statement("2001:db8::1"), statement("2001:db8::2"), statement("2001:db8::3"),
                statement("2001:db8::4"));
        ByteBuf b = Unpooled.buffer().writeByte(Puncher.OFFER).writeBytes(new byte[32]);
        new PunchMessage(v6, NatHint.UNKNOWN, v6, four).write(b);
        assertThat(b.readableBytes()).isLessThanOrEqualTo(PunchMessage.CONTROL_MAX);
        b.skipBytes(33);
        PunchMessage read = PunchMessage.read(b);
        assertThat(read.statements()).hasSize(4);
        assertThat(read.candidates()).isNotEmpty().isEqualTo(v6.subList(0, read.candidates().size()));
    }

    @Test
    void anOlderPeerWithoutStatementsReadsAsNone() {
        ByteBuf b = Unpooled.buffer();
        Candidates.encode(List.of(CandidatePolicyTest.at("203.0.113.5", 1)), b);
        assertThat(PunchMessage.read(b).statements()).isEmpty();
    }

    @Test
    void refusesTooManyStatements() {
        ByteBuf b = Unpooled.buffer();
        Candidates.encode(List.of(), b);
        b.writeByte(1).writeShort(0);
        Candidates.encode(List.of(), b);
        b.writeByte(5);
        assertThatThrownBy(() -> PunchMessage.read(b)).isInstanceOf(WireFormatException.class).hasMessageContaining("statements");
    }
}
