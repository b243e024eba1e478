package dev.junction.wire.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AdmissionTokenTest {
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();
    static final PeerId PEER = Identity.generate().peerId();
    static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);

    @Test
    void tokenHasExpiryPeerAndMac() {
        String token = AdmissionToken.mint(SECRET, PEER, NOW.plusSeconds(60));
        assertThat(token).startsWith("1800000060:" + PEER + ":");
        assertThat(token.substring(token.lastIndexOf(':') + 1)).hasSize(43); // 32 bytes, base64url unpadded
    }

    @Test
    void validTokenIsAccepted() {
        assertThat(AdmissionToken.verify(SECRET, AdmissionToken.mint(SECRET, PEER, NOW.plusSeconds(60)), PEER, NOW))
                .isEqualTo(AdmissionToken.Verdict.VALID);
    }

    @Test
    void expiredTokenIsRefused() {
        assertThat(AdmissionToken.verify(SECRET, AdmissionToken.mint(SECRET, PEER, NOW), PEER, NOW))
                .isEqualTo(AdmissionToken.Verdict.EXPIRED);
    }

    @Test
    void tokenOfAnotherSecretIsRefused() {
        String token = AdmissionToken.mint("another secret of enough bytes!!".getBytes(), PEER, NOW.plusSeconds(60));
        assertThat(AdmissionToken.verify(SECRET, token, PEER, NOW)).isEqualTo(AdmissionToken.Verdict.BAD_MAC);
    }

    @Test
    void tokenOfAnotherPeerIsRefused() {
        String token = AdmissionToken.mint(SECRET, Identity.generate().peerId(), NOW.plusSeconds(60));
        assertThat(AdmissionToken.verify(SECRET, token, PEER, NOW)).isEqualTo(AdmissionToken.Verdict.WRONG_PEER);
    }

    @Test
    void alteredExpiryBreaksTheMac() {
        String token = AdmissionToken.mint(SECRET, PEER, NOW.minusSeconds(1));
        String altered = "9" + token;
        assertThat(AdmissionToken.verify(SECRET, altered, PEER, NOW)).isEqualTo(AdmissionToken.Verdict.BAD_MAC);
    }

    @Test
    void garbageIsMalformed() {
        for (String t : new String[] {"", "abc", ":x:y", "x".repeat(300), "12:z:%%%"}) {
            assertThat(AdmissionToken.verify(SECRET, t, PEER, NOW)).as(t).isIn(
                    AdmissionToken.Verdict.MALFORMED, AdmissionToken.Verdict.BAD_MAC);
        }
        assertThat(AdmissionToken.verify(SECRET, null, PEER, NOW)).isEqualTo(AdmissionToken.Verdict.MALFORMED);
    }
}
