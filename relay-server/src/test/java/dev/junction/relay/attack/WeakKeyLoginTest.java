package dev.junction.relay.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.TestClient;
import dev.junction.relay.TestRelay;
import dev.junction.wire.Bytes;
import dev.junction.wire.ProtocolVersion;
import dev.junction.wire.control.ControlCodec;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 9: an Ed25519 public key of small order. With the identity point as key, R = identity and
 * S = 0, the JDK's verifier accepts the "signature" for any challenge, so whoever sends it would own
 * that PeerId without a private key. The relay must refuse it (here in open admission, where nothing
 * else stands in the way).
 */
class WeakKeyLoginTest {
    @TempDir
    Path dir;

    @Test
    void aSmallOrderKeyWithTheUniversalForgeryIsRefused() throws Exception {
        try (TestRelay relay = TestRelay.start(dir, Map.of("admission.mode", "open"));
             TestClient c = relay.client()) {
            c.send(new LoginFrames.Hello(ProtocolVersion.CURRENT, 0));
            c.expect(LoginFrames.Challenge.class);
            Identity real = Identity.generate();
            ByteBuf auth = Unpooled.buffer();
            ControlCodec.encode(new LoginFrames.Auth(real.peerId(), Bytes.of(new byte[64]), ""), auth);
            byte[] frame = ByteBufUtil.getBytes(auth);
            byte[] key = real.peerId().publicKey();
            int at = indexOf(frame, key);
            int sig = indexOf(frame, new byte[64]); // found before the key is patched (a real key has no such run)
            assertThat(at).isPositive();
            assertThat(sig).isGreaterThan(at);
            byte[] identityPoint = new byte[32];
            identityPoint[0] = 1; // y = 1, x = 0: the neutral element, order 1
            System.arraycopy(identityPoint, 0, frame, at, 32);
            // The signature follows the PeerId: R = the identity point, S = 0.
            System.arraycopy(identityPoint, 0, frame, sig, 32);
            c.sendRaw(Unpooled.wrappedBuffer(frame));
            ControlFrame answer = c.next();
            assertThat(answer).as("no reservation for a key that proves nothing").isInstanceOf(LinkFrames.Error.class);
            assertThat(((LinkFrames.Error) answer).code()).isIn(ErrorCode.MALFORMED, ErrorCode.BAD_SIGNATURE);
            assertThat(relay.server.reservationCount()).isZero();
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
