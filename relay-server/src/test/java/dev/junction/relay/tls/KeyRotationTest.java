package dev.junction.relay.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.relay.TestClient;
import dev.junction.relay.TestRelay;
import dev.junction.wire.ProtocolVersion;
import dev.junction.wire.control.KeyEndorsement;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.IdentityFile;
import dev.junction.wire.identity.PeerId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay's identity key rotated with an overlap (issue 16, PROTOCOL.md section 5.1): the old key
 * signs the new, and the relay on the new key hands that endorsement to clients that follow
 * rotations, in CHALLENGE, while it lasts.
 */
class KeyRotationTest {
    @TempDir
    Path dir;

    @Test
    void theRotatedRelaySendsTheOldKeysEndorsementToClientsThatFollowRotations() throws Exception {
        PeerId old;
        try (TestRelay first = TestRelay.start(dir)) {
            old = first.server.identity().peerId();
        }
        Path key = dir.resolve("relay/relay.key");
        KeyRotation.Rotated r = KeyRotation.rotate(key, Duration.ofDays(7), Instant.now());
        assertThat(r.previous()).isEqualTo(old);
        assertThat(IdentityFile.read(r.previousKeyFile()).peerId()).as("the old key is kept").isEqualTo(old);
        assertThat(Files.readString(r.endorsementFile())).contains(old.toString()).contains(r.next().toString());

        try (TestRelay rotated = TestRelay.start(dir)) {
            assertThat(rotated.server.identity().peerId()).isEqualTo(r.next());
            try (TestClient follower = rotated.client()) {
                follower.send(new LoginFrames.Hello(ProtocolVersion.CURRENT, LoginFrames.Hello.ROTATION));
                LoginFrames.Challenge ch = follower.expect(LoginFrames.Challenge.class);
                assertThat(ch.relay()).isEqualTo(r.next());
                assertThat(ch.endorsement()).as("sent to a client that follows rotations").isNotNull();
                assertThat(ch.endorsement().vouches(old, r.next(), Instant.now())).isTrue();
                assertThat(ch.endorsement().expires()).isEqualTo(r.expires());
            }
            try (TestClient other = rotated.client()) {
                other.send(new LoginFrames.Hello(ProtocolVersion.CURRENT, 0));
                assertThat(other.expect(LoginFrames.Challenge.class).endorsement()).as("never to one that did not ask").isNull();
            }
        }
    }

    @Test
    void anEndorsementOfAnotherKeyStopsTheRelayAtStartNamingTheFile() throws Exception {
        Path key = dir.resolve("relay/relay.key");
        IdentityFile.write(Identity.generate(), key);
        Files.writeString(KeyRotation.endorsementFile(key),
                KeyEndorsement.sign(Identity.generate(), Identity.generate().peerId(), Instant.now().plusSeconds(3600)).toText() + "\n");
        assertThatThrownBy(() -> TestRelay.start(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("relay.key.endorsement").hasMessageContaining("not this relay's key");
    }

    @Test
    void anExpiredEndorsementIsNotSent() throws Exception {
        Path key = dir.resolve("relay/relay.key");
        Identity previous = Identity.generate();
        Identity current = Identity.generate();
        IdentityFile.write(current, key);
        Files.writeString(KeyRotation.endorsementFile(key),
                KeyEndorsement.sign(previous, current.peerId(), Instant.now().minusSeconds(1)).toText() + "\n");
        try (TestRelay relay = TestRelay.start(dir); TestClient c = relay.client()) {
            c.send(new LoginFrames.Hello(ProtocolVersion.CURRENT, LoginFrames.Hello.ROTATION));
            assertThat(c.expect(LoginFrames.Challenge.class).endorsement()).isNull();
        }
    }

    @Test
    void anOverlapBeyondAYearIsRefused() throws Exception {
        Path key = dir.resolve("relay.key");
        IdentityFile.write(Identity.generate(), key);
        assertThatThrownBy(() -> KeyRotation.rotate(key, Duration.ofDays(400), Instant.now())).isInstanceOf(IOException.class)
                .hasMessageContaining("at most 365 days");
        assertThat(Files.exists(KeyRotation.endorsementFile(key))).isFalse();
    }
}
