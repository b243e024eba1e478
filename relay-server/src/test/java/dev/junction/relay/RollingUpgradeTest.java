package dev.junction.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.wire.Bytes;
import dev.junction.wire.ProtocolVersion;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import java.nio.file.Path;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * N-1 (issue 16): a relay of this version serves clients of the previous protocol version, whose
 * login differs only in the CHALLENGE signature (no certificate hash), side by side with current
 * clients; so a fleet is upgraded relay by relay and its clients follow at their own pace. Two
 * versions back is refused as unsupported.
 */
class RollingUpgradeTest {
    @TempDir
    Path dir;
    @AutoClose
    TestRelay relay;
    @AutoClose
    final Closer open = new Closer();

    /** Logs in as a client of version {@code version} would: HELLO, CHALLENGE checked as that version checks it, AUTH. */
    static LoginFrames.LoginOk loginAsVersion2(TestClient c, Identity id, String token) throws Exception {
        c.send(new LoginFrames.Hello(2, 0));
        LoginFrames.Challenge ch = c.expect(LoginFrames.Challenge.class);
        assertThat(ch.version()).as("the relay answers in the client's version").isEqualTo(2);
        assertThat(Identity.verify(ch.relay(), LoginFrames.signedChallengeBytesV2(ch.nonce(), ch.relay()), ch.signature().toArray()))
                .as("signed as version 2 signs: context junction/challenge/v1, nonce, relay").isTrue();
        c.send(new LoginFrames.Auth(id.peerId(), Bytes.of(id.sign(LoginFrames.signedLoginBytes(ch.relay(), ch.nonce(), id.peerId()))), token));
        return c.expect(LoginFrames.LoginOk.class);
    }

    @Test
    void aClientOfThePreviousVersionLogsInAndRelaysWithACurrentOne() throws Exception {
        relay = TestRelay.start(dir);
        assertThat(ProtocolVersion.OLDEST_ACCEPTED).isEqualTo(ProtocolVersion.CURRENT - 1);
        Identity oldId = Identity.generate();
        TestClient old = open.keep(relay.client());
        loginAsVersion2(old, oldId, relay.token(oldId.peerId()));
        Identity newId = Identity.generate();
        TestClient current = open.keep(relay.client());
        current.loginOk(newId, relay.token(newId.peerId()));

        old.send(new CircuitFrames.Connect(1, newId.peerId()));
        CircuitFrames.Incoming in = current.expect(CircuitFrames.Incoming.class);
        current.send(new CircuitFrames.Accept(in.circuit()));
        int id = old.expect(CircuitFrames.CircuitOpen.class).circuit();
        current.expect(CircuitFrames.CircuitOpen.class);
        old.send(new CircuitFrames.Data(id, Bytes.fromHex("0203")));
        assertThat(current.expect(CircuitFrames.Data.class).payload()).isEqualTo(Bytes.fromHex("0203"));
        current.send(new CircuitFrames.Data(id, Bytes.fromHex("0302")));
        assertThat(old.expect(CircuitFrames.Data.class).payload()).isEqualTo(Bytes.fromHex("0302"));
    }

    @Test
    void twoVersionsBackIsRefusedAsUnsupportedAndClosed() throws Exception {
        relay = TestRelay.start(dir);
        TestClient ancient = open.keep(relay.client());
        ancient.send(new LoginFrames.Hello(ProtocolVersion.OLDEST_ACCEPTED - 1, 0));
        LinkFrames.Error e = ancient.expect(LinkFrames.Error.class);
        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(ancient.closedWithin(5)).isTrue();
    }
}
