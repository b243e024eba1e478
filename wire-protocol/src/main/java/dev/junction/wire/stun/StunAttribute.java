package dev.junction.wire.stun;

import dev.junction.wire.Bytes;
import dev.junction.wire.WireFormatException;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One STUN attribute: a type-length-value, the value padded to a multiple of four bytes
 * (RFC 8489 section 14). Each record writes its own value next to the code that reads it;
 * {@link StunDecoder} and {@link StunEncoder} handle the type, length and padding around it.
 */
public sealed interface StunAttribute permits StunAttribute.MappedAddress, StunAttribute.XorMappedAddress,
        StunAttribute.ResponseOrigin, StunAttribute.OtherAddress, StunAttribute.ChangeRequest, StunAttribute.ResponsePort,
        StunAttribute.Padding, StunAttribute.Software, StunAttribute.Username, StunAttribute.Realm, StunAttribute.Nonce,
        StunAttribute.ErrorCode, StunAttribute.UnknownAttributes, StunAttribute.MessageIntegrity,
        StunAttribute.MessageIntegritySha256, StunAttribute.Fingerprint, StunAttribute.Unknown, TurnAttribute {

    /** The attribute type code, see {@link StunAttributeType}. */
    int type();

    /** Writes the value only (no type, length or padding). */
    void encodeValue(ByteBuf out, Bytes transactionId);

    /** MAPPED-ADDRESS (RFC 8489 section 14.1): the client's reflexive transport address, plain. */
    record MappedAddress(InetSocketAddress address) implements StunAttribute {
        public int type() {
            return StunAttributeType.MAPPED_ADDRESS;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            StunAddressCodec.write(out, address, null);
        }

        static MappedAddress decode(ByteBuf value, Bytes transactionId) {
            return new MappedAddress(StunAddressCodec.read(value, null));
        }
    }

    /** XOR-MAPPED-ADDRESS (RFC 8489 section 14.2): the reflexive address XORed so NATs leave it alone. */
    record XorMappedAddress(InetSocketAddress address) implements StunAttribute {
        public int type() {
            return StunAttributeType.XOR_MAPPED_ADDRESS;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            StunAddressCodec.write(out, address, transactionId);
        }

        static XorMappedAddress decode(ByteBuf value, Bytes transactionId) {
            return new XorMappedAddress(StunAddressCodec.read(value, transactionId));
        }
    }

    /** RESPONSE-ORIGIN (RFC 5780 section 7.3): the source address of the response, plain. */
    record ResponseOrigin(InetSocketAddress address) implements StunAttribute {
        public int type() {
            return StunAttributeType.RESPONSE_ORIGIN;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            StunAddressCodec.write(out, address, null);
        }

        static ResponseOrigin decode(ByteBuf value, Bytes transactionId) {
            return new ResponseOrigin(StunAddressCodec.read(value, null));
        }
    }

    /** OTHER-ADDRESS (RFC 5780 section 7.4): the server's alternate IP and port, plain. */
    record OtherAddress(InetSocketAddress address) implements StunAttribute {
        public int type() {
            return StunAttributeType.OTHER_ADDRESS;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            StunAddressCodec.write(out, address, null);
        }

        static OtherAddress decode(ByteBuf value, Bytes transactionId) {
            return new OtherAddress(StunAddressCodec.read(value, null));
        }
    }

    /**
     * CHANGE-REQUEST (RFC 5780 section 7.2): 32 bits, of which 0x4 asks for a response from the
     * other IP and 0x2 from the other port.
     */
    record ChangeRequest(boolean changeIp, boolean changePort) implements StunAttribute {
        static final int CHANGE_IP = 0x4;
        static final int CHANGE_PORT = 0x2;

        public int type() {
            return StunAttributeType.CHANGE_REQUEST;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeInt((changeIp ? CHANGE_IP : 0) | (changePort ? CHANGE_PORT : 0));
        }

        static ChangeRequest decode(ByteBuf value, Bytes transactionId) {
            WireFormatException.check(value.readableBytes() == 4, "CHANGE-REQUEST must be 4 bytes");
            int flags = value.readInt();
            return new ChangeRequest((flags & CHANGE_IP) != 0, (flags & CHANGE_PORT) != 0);
        }
    }

    /**
     * RESPONSE-PORT (RFC 5780 section 7.5): a 16-bit port, then 2 bytes of padding, to which the
     * response goes instead of the request's source port.
     */
    record ResponsePort(int port) implements StunAttribute {
        public ResponsePort {
            if (port < 0 || port > 0xFFFF) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }

        public int type() {
            return StunAttributeType.RESPONSE_PORT;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeShort(port).writeShort(0);
        }

        static ResponsePort decode(ByteBuf value, Bytes transactionId) {
            WireFormatException.check(value.readableBytes() == 2 || value.readableBytes() == 4,
                    "RESPONSE-PORT must be 2 or 4 bytes");
            return new ResponsePort(value.readUnsignedShort());
        }
    }

    /**
     * PADDING (RFC 5780 section 7.6): {@code length} bytes whose content means nothing; a server
     * copies the request's size into its response to test fragmentation. Written as zeros.
     */
    record Padding(int length) implements StunAttribute {
        public Padding {
            if (length < 0 || length > StunDecoder.MAX_MESSAGE_LENGTH) {
                throw new IllegalArgumentException("padding length out of range: " + length);
            }
        }

        public int type() {
            return StunAttributeType.PADDING;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeZero(length);
        }

        static Padding decode(ByteBuf value, Bytes transactionId) {
            return new Padding(value.readableBytes());
        }
    }

    /** SOFTWARE (RFC 8489 section 14.14): UTF-8 text of fewer than 763 bytes. */
    record Software(String text) implements StunAttribute {
        public Software {
            StunText.checkLength(text, StunText.MAX_TEXT_BYTES, "SOFTWARE");
        }

        public int type() {
            return StunAttributeType.SOFTWARE;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeCharSequence(text, StandardCharsets.UTF_8);
        }

        static Software decode(ByteBuf value, Bytes transactionId) {
            return new Software(StunText.read(value, StunText.MAX_TEXT_BYTES, "SOFTWARE"));
        }
    }

    /** USERNAME (RFC 8489 section 14.3): UTF-8 text of fewer than 513 bytes. */
    record Username(String text) implements StunAttribute {
        public Username {
            StunText.checkLength(text, StunText.MAX_USERNAME_BYTES, "USERNAME");
        }

        public int type() {
            return StunAttributeType.USERNAME;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeCharSequence(text, StandardCharsets.UTF_8);
        }

        static Username decode(ByteBuf value, Bytes transactionId) {
            return new Username(StunText.read(value, StunText.MAX_USERNAME_BYTES, "USERNAME"));
        }
    }

    /** REALM (RFC 8489 section 14.9): UTF-8 text of fewer than 763 bytes. */
    record Realm(String text) implements StunAttribute {
        public Realm {
            StunText.checkLength(text, StunText.MAX_TEXT_BYTES, "REALM");
        }

        public int type() {
            return StunAttributeType.REALM;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeCharSequence(text, StandardCharsets.UTF_8);
        }

        static Realm decode(ByteBuf value, Bytes transactionId) {
            return new Realm(StunText.read(value, StunText.MAX_TEXT_BYTES, "REALM"));
        }
    }

    /** NONCE (RFC 8489 section 14.10): text of fewer than 763 bytes. */
    record Nonce(String text) implements StunAttribute {
        public Nonce {
            StunText.checkLength(text, StunText.MAX_TEXT_BYTES, "NONCE");
        }

        public int type() {
            return StunAttributeType.NONCE;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeCharSequence(text, StandardCharsets.UTF_8);
        }

        static Nonce decode(ByteBuf value, Bytes transactionId) {
            return new Nonce(StunText.read(value, StunText.MAX_TEXT_BYTES, "NONCE"));
        }
    }

    /**
     * ERROR-CODE (RFC 8489 section 14.8): 21 reserved zero bits, the hundreds digit in 3 bits, the
     * rest (0–99) in 8 bits, then a UTF-8 reason phrase of fewer than 763 bytes.
     */
    record ErrorCode(int code, String reason) implements StunAttribute {
        public static final int BAD_REQUEST = 400;
        public static final int UNAUTHENTICATED = 401;
        public static final int UNKNOWN_ATTRIBUTE = 420;
        public static final int SERVER_ERROR = 500;
        /** RFC 8656 section 18 error codes. */
        public static final int FORBIDDEN = 403;
        public static final int ALLOCATION_MISMATCH = 437;
        public static final int STALE_NONCE = 438;
        public static final int ADDRESS_FAMILY_NOT_SUPPORTED = 440;
        public static final int WRONG_CREDENTIALS = 441;
        public static final int UNSUPPORTED_TRANSPORT_PROTOCOL = 442;
        public static final int PEER_ADDRESS_FAMILY_MISMATCH = 443;
        public static final int ALLOCATION_QUOTA_REACHED = 486;
        public static final int INSUFFICIENT_CAPACITY = 508;

        public ErrorCode {
            if (code < 300 || code > 699) {
                throw new IllegalArgumentException("STUN error code must be 300-699: " + code);
            }
            StunText.checkLength(reason, StunText.MAX_TEXT_BYTES, "ERROR-CODE reason");
        }

        public int type() {
            return StunAttributeType.ERROR_CODE;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeShort(0).writeByte(code / 100).writeByte(code % 100);
            out.writeCharSequence(reason, StandardCharsets.UTF_8);
        }

        static ErrorCode decode(ByteBuf value, Bytes transactionId) {
            WireFormatException.check(value.readableBytes() >= 4, "ERROR-CODE shorter than 4 bytes");
            value.skipBytes(2);
            int hundreds = value.readUnsignedByte() & 0x07;
            int number = value.readUnsignedByte();
            WireFormatException.check(hundreds >= 3 && hundreds <= 6 && number <= 99,
                    "ERROR-CODE out of range");
            return new ErrorCode(hundreds * 100 + number,
                    StunText.read(value, StunText.MAX_TEXT_BYTES, "ERROR-CODE reason"));
        }
    }

    /** UNKNOWN-ATTRIBUTES (RFC 8489 section 14.13): a list of 16-bit attribute types. */
    record UnknownAttributes(List<Integer> types) implements StunAttribute {
        public UnknownAttributes {
            types = List.copyOf(types);
            for (int t : types) {
                if (t < 0 || t > 0xFFFF) {
                    throw new IllegalArgumentException("attribute type out of range: " + t);
                }
            }
        }

        public int type() {
            return StunAttributeType.UNKNOWN_ATTRIBUTES;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            types.forEach(out::writeShort);
        }

        static UnknownAttributes decode(ByteBuf value, Bytes transactionId) {
            WireFormatException.check(value.readableBytes() % 2 == 0, "UNKNOWN-ATTRIBUTES has an odd length");
            Integer[] types = new Integer[value.readableBytes() / 2];
            for (int i = 0; i < types.length; i++) {
                types[i] = value.readUnsignedShort();
            }
            return new UnknownAttributes(List.of(types));
        }
    }

    /**
     * MESSAGE-INTEGRITY (RFC 8489 section 14.5): the 20-byte HMAC-SHA1. As decoded it holds the
     * received value; check it with {@link StunIntegrity#verify}. {@link StunEncoder} computes it.
     */
    record MessageIntegrity(Bytes hmac) implements StunAttribute {
        public static final int LENGTH = 20;

        public int type() {
            return StunAttributeType.MESSAGE_INTEGRITY;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeBytes(hmac.toArray());
        }

        static MessageIntegrity decode(ByteBuf value, Bytes transactionId) {
            WireFormatException.check(value.readableBytes() == LENGTH, "MESSAGE-INTEGRITY must be 20 bytes");
            return new MessageIntegrity(StunText.readBytes(value));
        }
    }

    /**
     * MESSAGE-INTEGRITY-SHA256 (RFC 8489 section 14.6): HMAC-SHA256, truncated to 16–32 bytes in
     * steps of four.
     */
    record MessageIntegritySha256(Bytes hmac) implements StunAttribute {
        public static final int MAX_LENGTH = 32;
        public static final int MIN_LENGTH = 16;

        public int type() {
            return StunAttributeType.MESSAGE_INTEGRITY_SHA256;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeBytes(hmac.toArray());
        }

        static MessageIntegritySha256 decode(ByteBuf value, Bytes transactionId) {
            int n = value.readableBytes();
            WireFormatException.check(n >= MIN_LENGTH && n <= MAX_LENGTH && n % 4 == 0,
                    "MESSAGE-INTEGRITY-SHA256 must be 16-32 bytes in steps of 4");
            return new MessageIntegritySha256(StunText.readBytes(value));
        }
    }

    /** FINGERPRINT (RFC 8489 section 14.7): CRC-32 of the message before it, XOR 0x5354554e. */
    record Fingerprint(int crc) implements StunAttribute {
        public int type() {
            return StunAttributeType.FINGERPRINT;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeInt(crc);
        }

        static Fingerprint decode(ByteBuf value, Bytes transactionId) {
            WireFormatException.check(value.readableBytes() == 4, "FINGERPRINT must be 4 bytes");
            return new Fingerprint(value.readInt());
        }
    }

    /** Any attribute this codec has no record for, kept as raw bytes so it can be re-sent or reported. */
    record Unknown(int type, Bytes value) implements StunAttribute {
        public Unknown {
            if (type < 0 || type > 0xFFFF) {
                throw new IllegalArgumentException("attribute type out of range: " + type);
            }
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeBytes(value.toArray());
        }
    }
}
