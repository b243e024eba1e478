package dev.junction.wire.stun;

import dev.junction.wire.Bytes;
import dev.junction.wire.WireFormatException;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * The attributes TURN adds to STUN (RFC 8656 section 18). Each record writes its own value next to
 * the code that reads it, as {@link StunAttribute}'s do.
 */
public sealed interface TurnAttribute extends StunAttribute {
    /** Address families of REQUESTED-ADDRESS-FAMILY (RFC 8656 section 18.8): the STUN family codes. */
    int FAMILY_IPV4 = StunAddressCodec.FAMILY_IPV4;
    int FAMILY_IPV6 = StunAddressCodec.FAMILY_IPV6;
    /** The only relayed transport RFC 8656 defines: UDP, IANA protocol number 17 (section 18.11). */
    int TRANSPORT_UDP = 17;

    /**
     * CHANNEL-NUMBER (section 18.1): a channel number and two zero bytes (RFFU). RFC 8656 allows
     * 0x4000–0x4FFF; servers accept RFC 5766's 0x4000–0x7FFF, which clients still pick from.
     */
    record ChannelNumber(int number) implements TurnAttribute {
        public static final int MIN = 0x4000;
        public static final int MAX = 0x7FFF;

        public int type() {
            return StunAttributeType.CHANNEL_NUMBER;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeShort(number).writeShort(0);
        }

        /** True for the numbers a client may bind (0x4000 through 0x7FFF). */
        public boolean valid() {
            return number >= MIN && number <= MAX;
        }

        static ChannelNumber decode(ByteBuf value, Bytes transactionId) {
            WireFormatException.check(value.readableBytes() == 4, "CHANNEL-NUMBER must be 4 bytes");
            return new ChannelNumber(value.readUnsignedShort());
        }
    }

    /** LIFETIME (section 18.2): seconds until the allocation expires, unsigned 32 bits. */
    record Lifetime(long seconds) implements TurnAttribute {
        public Lifetime {
            if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("LIFETIME out of range: " + seconds);
            }
        }

        public int type() {
            return StunAttributeType.LIFETIME;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeInt((int) seconds);
        }

        static Lifetime decode(ByteBuf value, Bytes transactionId) {
            WireFormatException.check(value.readableBytes() == 4, "LIFETIME must be 4 bytes");
            return new Lifetime(value.readUnsignedInt());
        }
    }

    /** XOR-PEER-ADDRESS (section 18.3): a peer's address, XORed as XOR-MAPPED-ADDRESS is. */
    record XorPeerAddress(InetSocketAddress address) implements TurnAttribute {
        public int type() {
            return StunAttributeType.XOR_PEER_ADDRESS;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            StunAddressCodec.write(out, address, transactionId);
        }

        static XorPeerAddress decode(ByteBuf value, Bytes transactionId) {
            return new XorPeerAddress(StunAddressCodec.read(value, transactionId));
        }
    }

    /** DATA (section 18.4): the application data of a Send or Data indication. */
    record Data(Bytes value) implements TurnAttribute {
        public int type() {
            return StunAttributeType.DATA;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeBytes(value.toArray());
        }

        static Data decode(ByteBuf value, Bytes transactionId) {
            return new Data(StunText.readBytes(value));
        }
    }

    /** XOR-RELAYED-ADDRESS (section 18.5): the relayed transport address the server allocated. */
    record XorRelayedAddress(InetSocketAddress address) implements TurnAttribute {
        public int type() {
            return StunAttributeType.XOR_RELAYED_ADDRESS;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            StunAddressCodec.write(out, address, transactionId);
        }

        static XorRelayedAddress decode(ByteBuf value, Bytes transactionId) {
            return new XorRelayedAddress(StunAddressCodec.read(value, transactionId));
        }
    }

    /** REQUESTED-ADDRESS-FAMILY (section 18.6): one family byte and three zero bytes. */
    record RequestedAddressFamily(int family) implements TurnAttribute {
        public int type() {
            return StunAttributeType.REQUESTED_ADDRESS_FAMILY;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeByte(family).writeZero(3);
        }

        static RequestedAddressFamily decode(ByteBuf value, Bytes transactionId) {
            WireFormatException.check(value.readableBytes() == 4, "REQUESTED-ADDRESS-FAMILY must be 4 bytes");
            return new RequestedAddressFamily(value.readUnsignedByte());
        }
    }

    /**
     * EVEN-PORT (section 18.7): ask for an even relayed port; with the R bit (the byte's top bit) the
     * server also reserves the next port and returns a RESERVATION-TOKEN for it.
     */
    record EvenPort(boolean reserveNext) implements TurnAttribute {
        public int type() {
            return StunAttributeType.EVEN_PORT;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeByte(reserveNext ? 0x80 : 0);
        }

        static EvenPort decode(ByteBuf value, Bytes transactionId) {
            WireFormatException.check(value.readableBytes() == 1, "EVEN-PORT must be 1 byte");
            return new EvenPort((value.readUnsignedByte() & 0x80) != 0);
        }
    }

    /** REQUESTED-TRANSPORT (section 18.11): an IANA protocol number and three zero bytes. */
    record RequestedTransport(int protocol) implements TurnAttribute {
        public int type() {
            return StunAttributeType.REQUESTED_TRANSPORT;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeByte(protocol).writeZero(3);
        }

        static RequestedTransport decode(ByteBuf value, Bytes transactionId) {
            WireFormatException.check(value.readableBytes() == 4, "REQUESTED-TRANSPORT must be 4 bytes");
            return new RequestedTransport(value.readUnsignedByte());
        }
    }

    /** DONT-FRAGMENT (section 18.12): no value; set DF on datagrams sent to peers. */
    record DontFragment() implements TurnAttribute {
        public int type() {
            return StunAttributeType.DONT_FRAGMENT;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
        }
    }

    /** RESERVATION-TOKEN (section 18.9): the 8-byte token naming a port the server holds back. */
    record ReservationToken(Bytes token) implements TurnAttribute {
        public static final int LENGTH = 8;

        public ReservationToken {
            if (token.length() != LENGTH) {
                throw new IllegalArgumentException("RESERVATION-TOKEN must be 8 bytes");
            }
        }

        public int type() {
            return StunAttributeType.RESERVATION_TOKEN;
        }

        public void encodeValue(ByteBuf out, Bytes transactionId) {
            out.writeBytes(token.toArray());
        }

        static ReservationToken decode(ByteBuf value, Bytes transactionId) {
            WireFormatException.check(value.readableBytes() == LENGTH, "RESERVATION-TOKEN must be 8 bytes");
            return new ReservationToken(StunText.readBytes(value));
        }
    }
}
