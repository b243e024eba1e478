package dev.junction.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.wire.Bytes;
import dev.junction.wire.ProtocolVersion;
import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Login over real TLS on loopback: every admission outcome. */
class LoginTest {
    @TempDir
    Path dir;
    @AutoClose
    TestRelay relay;

    @Test
    void goodTokenGetsAReservationWithObservedAddressAndUdpPort() throws Exception {
        relay = TestRelay.start(dir);
        Identity alice = Identity.generate();
        try (TestClient c = relay.client()) {
            LoginFrames.LoginOk ok = c.loginOk(alice, relay.token(alice.peerId()));
            assertThat(ok.observed().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            // The relay's signed statement of that address, checkable by a peer knowing only the relay's PeerId.
            assertThat(ok.attestation().address()).isEqualTo(ok.observed());
            assertThat(ok.attestation().transport()).isEqualTo(dev.junction.wire.control.AddressAttestation.Transport.TCP);
            assertThat(ok.attestation().validFor(alice.peerId(), java.util.Set.of(relay.server.identity().peerId()), Instant.now()))
                    .isTrue();
            assertThat(ok.udpPort()).isEqualTo(relay.server.stunAddress().getPort());
            assertThat(ok.keepaliveSeconds()).isEqualTo(20);
            assertThat(ok.lifetimeSeconds()).isEqualTo(3600);
            assertThat(relay.server.reservationCount()).isEqualTo(1);
        }
        assertThat(relay.server.metrics().scrape()).contains("junction_logins_total{outcome=\"success\"} 1.0");
    }

    @Test
    void expiredTokenIsRefusedWithTokenExpired() throws Exception {
        relay = TestRelay.start(dir);
        Identity alice = Identity.generate();
        String expired = AdmissionToken.mint(AdmissionSecret.read(relay.server.config().admission().secretFile()),
                alice.peerId(), Instant.now().minusSeconds(1));
        assertRefused(alice, expired, ErrorCode.TOKEN_EXPIRED);
        assertThat(relay.server.metrics().scrape()).contains("junction_logins_total{outcome=\"token_expired\"} 1.0");
    }

    @Test
    void tokenWithWrongHmacIsRefused() throws Exception {
        relay = TestRelay.start(dir);
        Identity alice = Identity.generate();
        String forged = AdmissionToken.mint("not the relay's secret at all!!!".getBytes(), alice.peerId(),
                Instant.now().plusSeconds(60));
        assertRefused(alice, forged, ErrorCode.TOKEN_INVALID);
    }

    @Test
    void tokenOfAnotherPeerIsRefused() throws Exception {
        relay = TestRelay.start(dir);
        assertRefused(Identity.generate(), relay.token(Identity.generate().peerId()), ErrorCode.TOKEN_INVALID);
    }

    @Test
    void missingTokenIsRefused() throws Exception {
        relay = TestRelay.start(dir);
        assertRefused(Identity.generate(), "", ErrorCode.TOKEN_MISSING);
    }

    @Test
    void signatureByAnotherKeyIsRefused() throws Exception {
        relay = TestRelay.start(dir);
        Identity alice = Identity.generate();
        Identity mallory = Identity.generate();
        try (TestClient c = relay.client()) {
            c.send(new LoginFrames.Hello(ProtocolVersion.CURRENT, 0));
            LoginFrames.Challenge ch = c.expect(LoginFrames.Challenge.class);
            byte[] sig = mallory.sign(LoginFrames.signedLoginBytes(ch.relay(), ch.nonce(), alice.peerId()));
            c.send(new LoginFrames.Auth(alice.peerId(), Bytes.of(sig), relay.token(alice.peerId())));
            assertThat(((LinkFrames.Error) c.next()).code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
            assertThat(c.closedWithin(5)).isTrue();
        }
    }

    @Test
    void allowListAdmitsListedPeersOnly() throws Exception {
        Identity listed = Identity.generate();
        relay = TestRelay.start(dir, Map.of("admission.mode", "allow-list",
                "admission.allow-list", List.of(listed.peerId().toString())));
        try (TestClient c = relay.client()) {
            c.loginOk(listed, "");
        }
        assertRefused(Identity.generate(), "", ErrorCode.NOT_ALLOWED);
    }

    @Test
    void openModeAdmitsAnyone() throws Exception {
        relay = TestRelay.start(dir, Map.of("admission.mode", "open"));
        try (TestClient c = relay.client()) {
            c.loginOk(Identity.generate(), "");
        }
    }

    @Test
    void wrongVersionIsRefused() throws Exception {
        relay = TestRelay.start(dir);
        try (TestClient c = relay.client()) {
            c.send(new LoginFrames.Hello(99, 0));
            assertThat(((LinkFrames.Error) c.next()).code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        }
    }

    @Test
    void wrongPinFailsTheTlsHandshake() throws Exception {
        relay = TestRelay.start(dir);
        assertThatThrownBy(() -> {
            try (TestClient c = TestClient.connect(relay.server.controlAddress(), Identity.generate().peerId())) {
                c.login(Identity.generate(), "");
            }
        }).hasMessageContaining("pinned relay key");
    }

    @Test
    void malformedFrameIsAnsweredAndTheConnectionClosed() throws Exception {
        relay = TestRelay.start(dir);
        try (TestClient c = relay.client()) {
            c.sendRaw(Unpooled.wrappedBuffer(new byte[] {0x7f, 0, 0}));
            assertThat(((LinkFrames.Error) c.next()).code()).isEqualTo(ErrorCode.MALFORMED);
            assertThat(c.closedWithin(5)).isTrue();
        }
        assertThat(relay.server.metrics().scrape()).contains("junction_drops_total{reason=\"malformed_frame\"} 1.0");
    }

    @Test
    void silentConnectionIsClosedAfterTheLoginTimeout() throws Exception {
        relay = TestRelay.start(dir, Map.of("limits.unauthenticated-timeout", "1s"));
        try (TestClient c = relay.client()) {
            assertThat(((LinkFrames.Error) c.next()).code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(c.closedWithin(5)).isTrue();
        }
    }

    @Test
    void refusesReservationBeyondPerIpLimit() throws Exception {
        relay = TestRelay.start(dir, Map.of("limits.reservations-per-ip", 2));
        try (TestClient a = relay.client(); TestClient b = relay.client()) {
            Identity x = Identity.generate();
            Identity y = Identity.generate();
            a.loginOk(x, relay.token(x.peerId()));
            b.loginOk(y, relay.token(y.peerId()));
            assertRefused(Identity.generate(), null, ErrorCode.RESERVATION_LIMIT);
        }
    }

    @Test
    void loggingInAgainReplacesTheOldReservation() throws Exception {
        relay = TestRelay.start(dir);
        Identity alice = Identity.generate();
        try (TestClient first = relay.client(); TestClient second = relay.client()) {
            first.loginOk(alice, relay.token(alice.peerId()));
            second.loginOk(alice, relay.token(alice.peerId()));
            assertThat(first.expect(LinkFrames.GoingAway.class).reason().label()).isEqualTo("replaced");
            assertThat(first.closedWithin(5)).isTrue();
            assertThat(relay.server.reservationCount()).isEqualTo(1);
        }
    }

    private void assertRefused(Identity id, String token, ErrorCode expected) throws Exception {
        try (TestClient c = relay.client()) {
            String t = token == null ? relay.token(id.peerId()) : token;
            ControlFrame answer = c.login(id, t);
            assertThat(answer).isInstanceOf(LinkFrames.Error.class);
            assertThat(((LinkFrames.Error) answer).code()).isEqualTo(expected);
            assertThat(c.closedWithin(5)).isTrue();
        }
    }
}
