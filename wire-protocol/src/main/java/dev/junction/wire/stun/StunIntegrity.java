package dev.junction.wire.stun;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT arithmetic (RFC 8489 sections 9.2, 14.5–14.7). */
public final class StunIntegrity {
    /** FINGERPRINT's XOR constant, "STUN" in ASCII (RFC 8489 section 14.7). */
    static final int FINGERPRINT_XOR = 0x5354554e;

    private StunIntegrity() {
    }

    /** The short-term credential key: the password's UTF-8 bytes (OpaqueString is left to the caller). */
    public static byte[] shortTermKey(String password) {
        return password.getBytes(StandardCharsets.UTF_8);
    }

    /** The long-term credential key with MD5: MD5(username ":" realm ":" password) (RFC 8489 section 9.2.2). */
    public static byte[] longTermKey(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5")
                    .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always has MD5", e);
        }
    }

    /**
     * Checks the message's MESSAGE-INTEGRITY-SHA256 if it has one, else its MESSAGE-INTEGRITY, with
     * {@code key}. False when it has neither, is malformed, or the HMAC differs. The message is the
     * readable bytes of {@code message}; indexes are untouched.
     */
    public static boolean verify(ByteBuf message, byte[] key) {
        int start = message.readerIndex();
        int end = start + message.readableBytes();
        int pos = start + StunDecoder.HEADER_LENGTH;
        int integrityAt = -1;
        int sha256At = -1;
        while (end - pos >= 4) {
            int type = message.getUnsignedShort(pos);
            int length = message.getUnsignedShort(pos + 2);
            if (type == StunAttributeType.MESSAGE_INTEGRITY && integrityAt < 0 && sha256At < 0) {
                integrityAt = pos;
            } else if (type == StunAttributeType.MESSAGE_INTEGRITY_SHA256 && sha256At < 0) {
                sha256At = pos;
            }
            pos += 4 + ((length + 3) & ~3);
        }
        boolean useSha256 = sha256At >= 0;
        int at = useSha256 ? sha256At : integrityAt;
        if (at < 0 || at + 4 > end) {
            return false;
        }
        int hmacLength = message.getUnsignedShort(at + 2);
        if (at + 4 + hmacLength > end || hmacLength < (useSha256 ? 16 : 20)) {
            return false;
        }
        byte[] received = new byte[hmacLength];
        message.getBytes(at + 4, received);
        // The HMAC covers the header with its length field set to end just after this attribute.
        byte[] covered = new byte[at - start];
        message.getBytes(start, covered);
        int coveredLength = at - start - StunDecoder.HEADER_LENGTH + 4 + hmacLength;
        covered[2] = (byte) (coveredLength >>> 8);
        covered[3] = (byte) coveredLength;
        byte[] expected = hmac(key, useSha256, covered);
        return MessageDigest.isEqual(received, java.util.Arrays.copyOf(expected, hmacLength));
    }

    static byte[] hmac(byte[] key, boolean sha256, ByteBuf buf, int offset, int length) {
        byte[] data = new byte[length];
        buf.getBytes(offset, data);
        return hmac(key, sha256, data);
    }

    private static byte[] hmac(byte[] key, boolean sha256, byte[] data) {
        String algorithm = sha256 ? "HmacSHA256" : "HmacSHA1";
        try {
            Mac mac = Mac.getInstance(algorithm);
            // HMAC zero-pads its key, so an empty key equals a single zero byte, which the JDK accepts.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always has " + algorithm, e);
        }
    }

    /** CRC-32 of {@code length} bytes at {@code offset}, XOR {@code 0x5354554e}. */
    static int fingerprint(ByteBuf buf, int offset, int length) {
        // One CRC32 per thread, and the backing array when there is one: a STUN server computes
        // this for every request and response, so it allocates nothing here.
        CRC32 crc = CRC.get();
        crc.reset();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + offset, length);
        } else {
            crc.update(buf.nioBuffer(offset, length));
        }
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    private static final ThreadLocal<CRC32> CRC = ThreadLocal.withInitial(CRC32::new);
}
