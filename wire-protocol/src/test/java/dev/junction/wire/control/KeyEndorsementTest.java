package dev.junction.wire.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.wire.Bytes;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A relay's old key vouching for its new one (PROTOCOL.md section 5.1), and CHALLENGE carrying it. */
class KeyEndorsementTest {
    private static final Identity OLD = Identity.generate();
    private static final PeerId NEW = Identity.generate().peerId();
    private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);

    @Test
    void aClientThatPinnedTheOldKeyAcceptsTheNewOneUntilTheEndorsementExpires() {
        KeyEndorsement e = KeyEndorsement.sign(OLD, NEW, NOW.plusSeconds(3600));
        ByteBuf b = Unpooled.buffer();
        e.encode(b);
        // previous PeerId (39) | next PeerId (39) | expires (8) | signature (64)
        assertThat(b.readableBytes()).isEqualTo(39 + 39 + 8 + 64);
        KeyEndorsement decoded = KeyEndorsement.decode(b);
        assertThat(decoded).isEqualTo(e);
        assertThat(decoded.vouches(OLD.peerId(), NEW, NOW)).isTrue();
        assertThat(decoded.vouches(OLD.peerId(), NEW, NOW.plusSeconds(3600))).as("expired").isFalse();
        assertThat(decoded.vouches(Identity.generate().peerId(), NEW, NOW)).as("pinned another key").isFalse();
        assertThat(decoded.vouches(OLD.peerId(), Identity.generate().peerId(), NOW)).as("presented another key").isFalse();
        assertThat(KeyEndorsement.parse(e.toText())).isEqualTo(e);
    }

    @Test
    void refusesTamperingAndAnotherKeysSignature() {
        KeyEndorsement e = KeyEndorsement.sign(OLD, NEW, NOW.plusSeconds(3600));
        KeyEndorsement longer = new KeyEndorsement(e.previous(), e.next(), e.expiresSeconds() + 86400, e.signature());
        assertThat(longer.vouches(OLD.peerId(), NEW, NOW)).as("extended").isFalse();
        Identity impostor = Identity.generate();
        KeyEndorsement forged = new KeyEndorsement(OLD.peerId(), NEW, e.expiresSeconds(),
                Bytes.of(impostor.sign(KeyEndorsement.signedBytes(OLD.peerId(), NEW, e.expiresSeconds()))));
        assertThat(forged.vouches(OLD.peerId(), NEW, NOW)).as("signed by another key").isFalse();
        KeyEndorsement self = KeyEndorsement.sign(OLD, OLD.peerId(), NOW.plusSeconds(3600));
        assertThat(self.signatureValid()).as("a key vouching for itself").isFalse();
        assertThatThrownBy(() -> KeyEndorsement.parse("junction-key-endorsement-v1 x y 1 z")).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> KeyEndorsement.parse("something else")).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("not a key endorsement");
    }

    @Test
    void challengeCarriesTheEndorsementOnlyWhenGiven() {
        Identity relay = Identity.generate();
        Bytes nonce = Bytes.of(new byte[32]);
        Bytes sig = Bytes.of(new byte[64]);
        LoginFrames.Challenge plain = new LoginFrames.Challenge(3, relay.peerId(), nonce, sig);
        LoginFrames.Challenge endorsed = new LoginFrames.Challenge(3, relay.peerId(), nonce, sig,
                KeyEndorsement.sign(OLD, relay.peerId(), NOW.plusSeconds(60)));
        assertThat(ControlCodec.decode(encode(plain))).isEqualTo(plain);
        ByteBuf withTrailer = encode(endorsed);
        assertThat(withTrailer.readableBytes() - encode(plain).readableBytes()).as("the endorsement follows the signature").isEqualTo(150);
        ControlFrame back = ControlCodec.decode(withTrailer);
        assertThat(back).isEqualTo(endorsed);
        assertThat(((LoginFrames.Challenge) back).endorsement().vouches(OLD.peerId(), relay.peerId(), NOW)).isTrue();
    }

    private static ByteBuf encode(ControlFrame f) {
        ByteBuf out = Unpooled.buffer();
        ControlCodec.encode(f, out);
        return out;
    }
}
