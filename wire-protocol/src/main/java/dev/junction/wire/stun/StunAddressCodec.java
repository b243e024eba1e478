package dev.junction.wire.stun;

import dev.junction.wire.Bytes;
import dev.junction.wire.WireFormatException;
import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The address value shared by MAPPED-ADDRESS, XOR-MAPPED-ADDRESS, RESPONSE-ORIGIN and OTHER-ADDRESS
 * (RFC 8489 sections 14.1 and 14.2):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0|    Family     |         (X-)Port              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             (X-)Address (32 bits or 128 bits)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Family 0x01 is IPv4, 0x02 IPv6. The XOR form XORs the port with the cookie's top 16 bits and the
 * address with the cookie (IPv4) or the cookie followed by the transaction ID (IPv6).
 */
final class StunAddressCodec {
    static final int FAMILY_IPV4 = 0x01;
    static final int FAMILY_IPV6 = 0x02;

    private StunAddressCodec() {
    }

    /** Writes {@code address}, XORed when {@code transactionId} is not null. */
    static void write(ByteBuf out, InetSocketAddress address, Bytes transactionId) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        byte[] raw = ip.getAddress();
        int port = address.getPort();
        if (transactionId != null) {
            port ^= StunDecoder.MAGIC_COOKIE >>> 16;
            xor(raw, transactionId);
        }
        out.writeByte(0);
        out.writeByte(ip instanceof Inet4Address ? FAMILY_IPV4 : FAMILY_IPV6);
        out.writeShort(port);
        out.writeBytes(raw);
    }

    /** Reads an address, un-XORing it when {@code transactionId} is not null. */
    static InetSocketAddress read(ByteBuf value, Bytes transactionId) {
        WireFormatException.check(value.readableBytes() >= 4, "address attribute shorter than 4 bytes");
        value.skipBytes(1);
        int family = value.readUnsignedByte();
        int port = value.readUnsignedShort();
        int length = switch (family) {
            case FAMILY_IPV4 -> 4;
            case FAMILY_IPV6 -> 16;
            default -> throw new WireFormatException("unknown address family " + family);
        };
        WireFormatException.check(value.readableBytes() == length,
                "address attribute of family " + family + " must hold " + length + " address bytes");
        byte[] raw = new byte[length];
        value.readBytes(raw);
        if (transactionId != null) {
            port ^= StunDecoder.MAGIC_COOKIE >>> 16;
            xor(raw, transactionId);
        }
        try {
            InetAddress ip = length == 4 ? InetAddress.getByAddress(raw) : Inet6Address.getByAddress(null, raw, -1);
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            throw new WireFormatException("bad address bytes", e);
        }
    }

    private static void xor(byte[] raw, Bytes transactionId) {
        int cookie = StunDecoder.MAGIC_COOKIE;
        for (int i = 0; i < raw.length; i++) {
            int mask = i < 4 ? (cookie >>> (24 - 8 * i)) & 0xFF : transactionId.get(i - 4) & 0xFF;
            raw[i] ^= (byte) mask;
        }
    }
}
