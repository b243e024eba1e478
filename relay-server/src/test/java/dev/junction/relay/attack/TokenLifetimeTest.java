package dev.junction.relay.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.relay.TestClient;
import dev.junction.relay.TestRelay;
import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding 5: a token's expiry bounds what it buys; secrets rotate without a restart. */
class TokenLifetimeTest {
    @TempDir
    Path dir;
    @AutoClose
    TestRelay relay;

    byte[] secret() throws Exception {
        return AdmissionSecret.read(relay.server.config().admission().secretFile());
    }

    @Test
    void aTokenValidFarBeyondTheMaximumLifetimeIsRefused() throws Exception {
        relay = TestRelay.start(dir);
        Identity id = Identity.generate();
        String year9999 = AdmissionToken.mint(secret(), id.peerId(), Instant.parse("9999-12-31T00:00:00Z"));
        try (TestClient c = relay.client()) {
            ControlFrame answer = c.login(id, year9999);
            assertThat(answer).isInstanceOf(LinkFrames.Error.class);
            assertThat(((LinkFrames.Error) answer).code()).isEqualTo(ErrorCode.TOKEN_INVALID);
        }
        String tomorrow = AdmissionToken.mint(secret(), id.peerId(), Instant.now().plusSeconds(23 * 3600));
        try (TestClient c = relay.client()) {
            c.loginOk(id, tomorrow);
        }
    }

    @Test
    void refreshCannotOutliveTheTokenButAFreshTokenExtendsIt() throws Exception {
        relay = TestRelay.start(dir);
        Identity stale = Identity.generate();
        Identity renewing = Identity.generate();
        try (TestClient a = relay.client(); TestClient b = relay.client()) {
            LoginFrames.LoginOk okA = a.loginOk(stale, AdmissionToken.mint(secret(), stale.peerId(), Instant.now().plusSeconds(3)));
            LoginFrames.LoginOk okB = b.loginOk(renewing, AdmissionToken.mint(secret(), renewing.peerId(), Instant.now().plusSeconds(3)));
            assertThat(okA.lifetimeSeconds()).as("LOGIN_OK's lifetime ends with the token").isLessThanOrEqualTo(3);
            a.send(new LoginFrames.Refresh());
            assertThat(a.expect(LoginFrames.RefreshOk.class).lifetimeSeconds()).as("REFRESH without a token").isLessThanOrEqualTo(3);
            b.send(new LoginFrames.Refresh(AdmissionToken.mint(secret(), renewing.peerId(), Instant.now().plusSeconds(7200))));
            assertThat(b.expect(LoginFrames.RefreshOk.class).lifetimeSeconds()).as("a fresh token lifts the cap").isGreaterThan(3000);
            b.send(new LoginFrames.Refresh(AdmissionToken.mint(secret(), stale.peerId(), Instant.now().plusSeconds(7200))));
            assertThat(((LinkFrames.Error) b.next()).code()).as("another peer's token").isEqualTo(ErrorCode.TOKEN_INVALID);
            LinkFrames.GoingAway away = a.expect(LinkFrames.GoingAway.class);
            assertThat(away.reason()).isEqualTo(CloseReason.EXPIRED);
            assertThat(a.closedWithin(3)).isTrue();
            b.send(new LinkFrames.Ping(5));
            assertThat(b.expect(LinkFrames.Pong.class).nonce()).as("the renewed reservation lives on").isEqualTo(5);
            assertThat(relay.server.reservationCount()).isEqualTo(1);
        }
    }

    @Test
    void theSecretRotatesWithoutARestartAndTheOldOneRetiresWhenRemoved() throws Exception {
        relay = TestRelay.start(dir);
        Path file = relay.server.config().admission().secretFile();
        byte[] old = secret();
        byte[] fresh = AdmissionSecret.generate();
        Identity id = Identity.generate();
        write(file, fresh, old);
        Thread.sleep(1200); // the file is looked at once a second
        try (TestClient c = relay.client()) {
            c.loginOk(id, AdmissionToken.mint(fresh, id.peerId(), Instant.now().plusSeconds(600)));
        }
        try (TestClient c = relay.client()) {
            c.loginOk(id, AdmissionToken.mint(old, id.peerId(), Instant.now().plusSeconds(600)));
        }
        write(file, fresh);
        Thread.sleep(1200);
        try (TestClient c = relay.client()) {
            ControlFrame answer = c.login(id, AdmissionToken.mint(old, id.peerId(), Instant.now().plusSeconds(600)));
            assertThat(((LinkFrames.Error) answer).code()).isEqualTo(ErrorCode.TOKEN_INVALID);
        }
    }

    @Test
    void aSecretFileOthersCanReadIsRefusedAtStart() throws Exception {
        Path file = dir.resolve("admission.secret");
        Files.writeString(file, Base64.getEncoder().encodeToString(AdmissionSecret.generate()) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> TestRelay.start(dir, Map.of("admission.secret-file", file.toString())))
                .hasMessageContaining("accessible by others").hasMessageContaining("chmod 600");
    }

    static void write(Path file, byte[]... secrets) throws Exception {
        StringBuilder b = new StringBuilder("# current first\n");
        for (byte[] s : secrets) {
            b.append(Base64.getEncoder().encodeToString(s)).append('\n');
        }
        Path tmp = file.resolveSibling("secret.tmp");
        Files.writeString(tmp, b.toString(), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(secrets.length)));
    }
}
