package dev.junction.wire.stun;

import dev.junction.wire.Bytes;
import dev.junction.wire.WireFormatException;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one STUN message (RFC 8489 sections 5, 6.3 and 14). Stateless; never throws anything
 * but {@link WireFormatException}. Attributes after MESSAGE-INTEGRITY other than
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are ignored, as section 14.5 requires; a FINGERPRINT
 * that is not last or does not match fails the message.
 */
public final class StunDecoder {
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER_LENGTH = 20;
    /** The 16-bit length field bounds a message's attributes. */
    public static final int MAX_MESSAGE_LENGTH = 0xFFFF;

    private StunDecoder() {
    }

    /**
     * True when the readable bytes start like a STUN message: two zero bits, the magic cookie, a
     * length that is a multiple of four. Cheap enough for a demultiplexer.
     */
    public static boolean looksLikeStun(ByteBuf buf) {
        int i = buf.readerIndex();
        return buf.readableBytes() >= HEADER_LENGTH
                && (buf.getUnsignedByte(i) & 0xC0) == 0
                && buf.getInt(i + 4) == MAGIC_COOKIE
                && (buf.getUnsignedShort(i + 2) & 0x3) == 0;
    }

    /**
     * The total size of the message at the reader index (header plus attributes), or -1 when fewer
     * than 4 bytes are readable; for framing STUN over TCP (RFC 8489 section 6.2.2).
     */
    public static int frameLength(ByteBuf buf) {
        if (buf.readableBytes() < 4) {
            return -1;
        }
        return HEADER_LENGTH + buf.getUnsignedShort(buf.readerIndex() + 2);
    }

    /** Decodes the readable bytes of {@code buf}, which must be exactly one message; indexes are untouched. */
    public static StunMessage decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int size = buf.readableBytes();
        WireFormatException.check(size >= HEADER_LENGTH, "shorter than a STUN header");
        int type = buf.getUnsignedShort(start);
        WireFormatException.check((type & 0xC000) == 0, "first two bits of a STUN message must be zero");
        int length = buf.getUnsignedShort(start + 2);
        WireFormatException.check(length % 4 == 0, "STUN message length not a multiple of 4");
        WireFormatException.check(buf.getInt(start + 4) == MAGIC_COOKIE, "no STUN magic cookie");
        WireFormatException.check(HEADER_LENGTH + length == size,
                "STUN length field says " + length + " but " + (size - HEADER_LENGTH) + " bytes follow the header");
        byte[] tid = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        buf.getBytes(start + 8, tid);
        Bytes transactionId = Bytes.of(tid);

        List<StunAttribute> attributes = new ArrayList<>();
        int pos = start + HEADER_LENGTH;
        int end = start + size;
        boolean afterIntegrity = false;
        boolean afterIntegritySha256 = false;
        while (pos < end) {
            WireFormatException.check(end - pos >= 4, "truncated attribute header");
            int attrType = buf.getUnsignedShort(pos);
            int attrLength = buf.getUnsignedShort(pos + 2);
            int padded = (attrLength + 3) & ~3;
            WireFormatException.check(padded <= end - pos - 4, "attribute 0x" + Integer.toHexString(attrType) + " runs past the message");
            ByteBuf value = buf.slice(pos + 4, attrLength);
            if (attrType == StunAttributeType.FINGERPRINT) {
                WireFormatException.check(pos + 4 + padded == end, "FINGERPRINT is not the last attribute");
                StunAttribute.Fingerprint fp = StunAttribute.Fingerprint.decode(value, transactionId);
                WireFormatException.check(fp.crc() == StunIntegrity.fingerprint(buf, start, pos - start),
                        "FINGERPRINT does not match");
                attributes.add(fp);
            } else if (attrType == StunAttributeType.MESSAGE_INTEGRITY_SHA256 && !afterIntegritySha256) {
                attributes.add(decodeAttribute(attrType, value, transactionId));
                afterIntegritySha256 = true;
            } else if (!afterIntegrity && !afterIntegritySha256) {
                attributes.add(decodeAttribute(attrType, value, transactionId));
                afterIntegrity = attrType == StunAttributeType.MESSAGE_INTEGRITY;
            }
            pos += 4 + padded;
        }
        try {
            return new StunMessage(StunMessageType.messageClass(type), StunMessageType.method(type), transactionId, attributes);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(e.getMessage(), e);
        }
    }

    private static StunAttribute decodeAttribute(int type, ByteBuf value, Bytes tid) {
        try {
            return switch (type) {
                case StunAttributeType.MAPPED_ADDRESS -> StunAttribute.MappedAddress.decode(value, tid);
                case StunAttributeType.XOR_MAPPED_ADDRESS -> StunAttribute.XorMappedAddress.decode(value, tid);
                case StunAttributeType.RESPONSE_ORIGIN -> StunAttribute.ResponseOrigin.decode(value, tid);
                case StunAttributeType.OTHER_ADDRESS -> StunAttribute.OtherAddress.decode(value, tid);
                case StunAttributeType.CHANGE_REQUEST -> StunAttribute.ChangeRequest.decode(value, tid);
                case StunAttributeType.RESPONSE_PORT -> StunAttribute.ResponsePort.decode(value, tid);
                case StunAttributeType.PADDING -> StunAttribute.Padding.decode(value, tid);
                case StunAttributeType.SOFTWARE -> StunAttribute.Software.decode(value, tid);
                case StunAttributeType.USERNAME -> StunAttribute.Username.decode(value, tid);
                case StunAttributeType.REALM -> StunAttribute.Realm.decode(value, tid);
                case StunAttributeType.NONCE -> StunAttribute.Nonce.decode(value, tid);
                case StunAttributeType.ERROR_CODE -> StunAttribute.ErrorCode.decode(value, tid);
                case StunAttributeType.UNKNOWN_ATTRIBUTES -> StunAttribute.UnknownAttributes.decode(value, tid);
                case StunAttributeType.MESSAGE_INTEGRITY -> StunAttribute.MessageIntegrity.decode(value, tid);
                case StunAttributeType.MESSAGE_INTEGRITY_SHA256 -> StunAttribute.MessageIntegritySha256.decode(value, tid);
                case StunAttributeType.CHANNEL_NUMBER -> TurnAttribute.ChannelNumber.decode(value, tid);
                case StunAttributeType.LIFETIME -> TurnAttribute.Lifetime.decode(value, tid);
                case StunAttributeType.XOR_PEER_ADDRESS -> TurnAttribute.XorPeerAddress.decode(value, tid);
                case StunAttributeType.DATA -> TurnAttribute.Data.decode(value, tid);
                case StunAttributeType.XOR_RELAYED_ADDRESS -> TurnAttribute.XorRelayedAddress.decode(value, tid);
                case StunAttributeType.REQUESTED_ADDRESS_FAMILY -> TurnAttribute.RequestedAddressFamily.decode(value, tid);
                case StunAttributeType.EVEN_PORT -> TurnAttribute.EvenPort.decode(value, tid);
                case StunAttributeType.REQUESTED_TRANSPORT -> TurnAttribute.RequestedTransport.decode(value, tid);
                case StunAttributeType.DONT_FRAGMENT -> new TurnAttribute.DontFragment();
                case StunAttributeType.RESERVATION_TOKEN -> TurnAttribute.ReservationToken.decode(value, tid);
                default -> new StunAttribute.Unknown(type, StunText.readBytes(value));
            };
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(e.getMessage(), e);
        }
    }
}
