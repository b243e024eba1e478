package dev.junction.wire.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.wire.Bytes;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The relay's signed statement of a client's observed address (PROTOCOL.md section 3.7). */
class AddressAttestationTest {
    private static final Identity RELAY = Identity.generate();
    private static final PeerId CLIENT = Identity.generate().peerId();
    private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);

    private static InetSocketAddress addr(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void aPeerVerifiesItKnowingOnlyTheRelaysPeerId() throws Exception {
        AddressAttestation a = AddressAttestation.sign(RELAY, CLIENT, AddressAttestation.Transport.UDP, addr("203.0.113.7", 40000), NOW);
        ByteBuf b = Unpooled.buffer();
        a.encode(b);
        // relay PeerId (39) | subject PeerId (39) | transport (1) | IPv4 address (7) | issued (8) | expires (8) | signature (64)
        assertThat(b.readableBytes()).isEqualTo(39 + 39 + 1 + 7 + 8 + 8 + 64);
        AddressAttestation decoded = AddressAttestation.decode(b);
        assertThat(decoded).isEqualTo(a);
        assertThat(decoded.validFor(CLIENT, Set.of(RELAY.peerId()), NOW.plusSeconds(3600))).isTrue();
        assertThat(decoded.expiresSeconds() - decoded.issuedSeconds()).isEqualTo(AddressAttestation.VALIDITY.toSeconds());
    }

    @Test
    void refusesAnotherSubjectAnUntrustedRelayAStaleStatementAndAnyTampering() throws Exception {
        AddressAttestation a = AddressAttestation.sign(RELAY, CLIENT, AddressAttestation.Transport.TCP, addr("2001:db8::7", 443), NOW);
        Set<PeerId> trusted = Set.of(RELAY.peerId());
        assertThat(a.validFor(Identity.generate().peerId(), trusted, NOW)).as("about someone else").isFalse();
        assertThat(a.validFor(CLIENT, Set.of(Identity.generate().peerId()), NOW)).as("untrusted relay").isFalse();
        assertThat(a.validFor(CLIENT, trusted, NOW.plus(AddressAttestation.VALIDITY).plusSeconds(600))).as("expired").isFalse();
        assertThat(a.validFor(CLIENT, trusted, NOW.minusSeconds(3600))).as("issued in the future").isFalse();
        AddressAttestation moved = new AddressAttestation(a.relay(), a.subject(), a.transport(), addr("2001:db8::8", 443),
                a.issuedSeconds(), a.expiresSeconds(), a.signature());
        assertThat(moved.validFor(CLIENT, trusted, NOW)).as("another address").isFalse();
        AddressAttestation udp = new AddressAttestation(a.relay(), a.subject(), AddressAttestation.Transport.UDP, a.address(),
                a.issuedSeconds(), a.expiresSeconds(), a.signature());
        assertThat(udp.validFor(CLIENT, trusted, NOW)).as("another transport").isFalse();
        AddressAttestation longer = new AddressAttestation(a.relay(), a.subject(), a.transport(), a.address(),
                a.issuedSeconds(), a.expiresSeconds() + 1, a.signature());
        assertThat(longer.validFor(CLIENT, trusted, NOW)).as("extended").isFalse();
        Identity impostor = Identity.generate();
        AddressAttestation forged = new AddressAttestation(RELAY.peerId(), CLIENT, a.transport(), a.address(), a.issuedSeconds(),
                a.expiresSeconds(), Bytes.of(impostor.sign(AddressAttestation.signedBytes(RELAY.peerId(), CLIENT, a.transport(),
                a.address(), a.issuedSeconds(), a.expiresSeconds()))));
        assertThat(forged.validFor(CLIENT, trusted, NOW)).as("signed by another key").isFalse();
    }

    @Test
    void theSignatureCoversAContextString() throws Exception {
        byte[] covered = AddressAttestation.signedBytes(RELAY.peerId(), CLIENT, AddressAttestation.Transport.UDP, addr("198.51.100.1", 1), 1, 2);
        assertThat(new String(covered, 0, 20, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("junction/observed/v1");
    }
}
