package dev.junction.wire.stun;

import dev.junction.wire.Bytes;
import io.netty.buffer.ByteBuf;

/**
 * Encodes STUN messages, appending MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT when
 * configured (in that order, RFC 8489 section 14.5–14.7). Those three are computed here and must not
 * be in the message's attribute list. Immutable; the constants are shared.
 *
 * @param integrityKey HMAC key for MESSAGE-INTEGRITY(-SHA256), or null for none
 * @param sha256 use MESSAGE-INTEGRITY-SHA256 (32 bytes) instead of MESSAGE-INTEGRITY
 * @param fingerprint append FINGERPRINT
 * @param paddingByte the byte that pads values to four bytes: RFC 8489 section 14 lets it be any
 *     value and Junction writes zero; RFC 5769's vectors use 0x20, so tests can match them
 */
public record StunEncoder(Bytes integrityKey, boolean sha256, boolean fingerprint, byte paddingByte) {
    /** No integrity, no fingerprint. */
    public static final StunEncoder PLAIN = new StunEncoder(null, false, false, (byte) 0);
    /** FINGERPRINT only: what the relay puts on its Binding responses. */
    public static final StunEncoder FINGERPRINT = new StunEncoder(null, false, true, (byte) 0);

    public StunEncoder withIntegrity(byte[] key) {
        return new StunEncoder(Bytes.of(key), false, fingerprint, paddingByte);
    }

    public StunEncoder withIntegritySha256(byte[] key) {
        return new StunEncoder(Bytes.of(key), true, fingerprint, paddingByte);
    }

    public StunEncoder withFingerprint() {
        return new StunEncoder(integrityKey, sha256, true, paddingByte);
    }

    public StunEncoder withPaddingByte(byte value) {
        return new StunEncoder(integrityKey, sha256, fingerprint, value);
    }

    /** Appends {@code message} to {@code out}. */
    public void encode(StunMessage message, ByteBuf out) {
        int start = out.writerIndex();
        out.writeShort(StunMessageType.pack(message.method(), message.messageClass()));
        out.writeShort(0);
        out.writeInt(StunDecoder.MAGIC_COOKIE);
        out.writeBytes(message.transactionId().toArray());
        for (StunAttribute attribute : message.attributes()) {
            int t = attribute.type();
            if (t == StunAttributeType.MESSAGE_INTEGRITY || t == StunAttributeType.MESSAGE_INTEGRITY_SHA256
                    || t == StunAttributeType.FINGERPRINT) {
                throw new IllegalArgumentException("attribute 0x" + Integer.toHexString(t)
                        + " is computed by the encoder; configure it instead of adding it");
            }
            writeAttribute(out, attribute, message.transactionId());
        }
        if (integrityKey != null) {
            int hmacLength = sha256 ? StunAttribute.MessageIntegritySha256.MAX_LENGTH : StunAttribute.MessageIntegrity.LENGTH;
            setLength(out, start, out.writerIndex() - start - StunDecoder.HEADER_LENGTH + 4 + hmacLength);
            byte[] hmac = StunIntegrity.hmac(integrityKey.toArray(), sha256, out, start, out.writerIndex() - start);
            StunAttribute mi = sha256 ? new StunAttribute.MessageIntegritySha256(Bytes.of(hmac))
                    : new StunAttribute.MessageIntegrity(Bytes.of(hmac));
            writeAttribute(out, mi, message.transactionId());
        }
        if (fingerprint) {
            setLength(out, start, out.writerIndex() - start - StunDecoder.HEADER_LENGTH + 8);
            int crc = StunIntegrity.fingerprint(out, start, out.writerIndex() - start);
            writeAttribute(out, new StunAttribute.Fingerprint(crc), message.transactionId());
        }
        setLength(out, start, out.writerIndex() - start - StunDecoder.HEADER_LENGTH);
    }

    private void writeAttribute(ByteBuf out, StunAttribute attribute, Bytes transactionId) {
        out.writeShort(attribute.type());
        int lengthIndex = out.writerIndex();
        out.writeShort(0);
        int valueStart = out.writerIndex();
        attribute.encodeValue(out, transactionId);
        int length = out.writerIndex() - valueStart;
        if (length > StunDecoder.MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("attribute value too long: " + length);
        }
        out.setShort(lengthIndex, length);
        for (int pad = (4 - length % 4) % 4; pad > 0; pad--) {
            out.writeByte(paddingByte);
        }
    }

    private static void setLength(ByteBuf out, int start, int length) {
        if (length > StunDecoder.MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("STUN message too long: " + length);
        }
        out.setShort(start + 2, length);
    }
}
