package dev.junction.wire.stun;

import dev.junction.wire.Bytes;
import dev.junction.wire.WireFormatException;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Length limits and reading of the text attributes (RFC 8489 section 14). */
final class StunText {
    /** SOFTWARE, REALM, NONCE and reason phrases: "MUST be fewer than 763 bytes" (RFC 8489 section 14). */
    static final int MAX_TEXT_BYTES = 762;
    /** USERNAME: "MUST contain a UTF-8-encoded sequence of fewer than 509 bytes" (RFC 8489 section 14.3). */
    static final int MAX_USERNAME_BYTES = 508;

    private StunText() {
    }

    static void checkLength(String text, int max, String what) {
        if (text.getBytes(StandardCharsets.UTF_8).length > max) {
            throw new IllegalArgumentException(what + " longer than " + max + " bytes");
        }
    }

    static String read(ByteBuf value, int max, String what) {
        WireFormatException.check(value.readableBytes() <= max, what + " longer than " + max + " bytes");
        return value.readCharSequence(value.readableBytes(), StandardCharsets.UTF_8).toString();
    }

    static Bytes readBytes(ByteBuf value) {
        byte[] b = new byte[value.readableBytes()];
        value.readBytes(b);
        return Bytes.of(b);
    }
}
