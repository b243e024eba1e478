package dev.junction.wire.codec;

import dev.junction.wire.Bytes;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.identity.PeerId;
import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * The field encodings shared by Junction's control and UDP frames (docs/PROTOCOL.md, "Field
 * encodings"). All integers are big-endian and unsigned. Readers throw {@link WireFormatException}
 * on anything short or out of range.
 * <pre>
 * PeerId  = len:u8 (38) | 38 bytes (see PeerId)
 * Address = family:u8 (4 or 6) | port:u16 | 4 or 16 address bytes
 * String  = len:u16 | UTF-8 bytes
 * </pre>
 */
public final class Fields {
    /** Bound on any string field: error messages and hints are short. */
    public static final int MAX_STRING_BYTES = 1024;

    private Fields() {
    }

    public static void need(ByteBuf in, int n, String what) {
        WireFormatException.check(in.readableBytes() >= n, "truncated " + what);
    }

    public static int readU8(ByteBuf in, String what) {
        need(in, 1, what);
        return in.readUnsignedByte();
    }

    public static int readU16(ByteBuf in, String what) {
        need(in, 2, what);
        return in.readUnsignedShort();
    }

    public static long readU32(ByteBuf in, String what) {
        need(in, 4, what);
        return in.readUnsignedInt();
    }

    public static long readU64(ByteBuf in, String what) {
        need(in, 8, what);
        return in.readLong();
    }

    public static Bytes readFixed(ByteBuf in, int n, String what) {
        need(in, n, what);
        byte[] b = new byte[n];
        in.readBytes(b);
        return Bytes.of(b);
    }

    /** The rest of the buffer. */
    public static Bytes readRest(ByteBuf in) {
        return readFixed(in, in.readableBytes(), "payload");
    }

    public static void writePeerId(ByteBuf out, PeerId id) {
        byte[] b = id.toBytes();
        out.writeByte(b.length).writeBytes(b);
    }

    public static PeerId readPeerId(ByteBuf in) {
        int len = readU8(in, "PeerId length");
        return PeerId.fromBytes(readFixed(in, len, "PeerId").toArray());
    }

    public static void writeAddress(ByteBuf out, InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        out.writeByte(ip instanceof Inet4Address ? 4 : 6).writeShort(address.getPort()).writeBytes(ip.getAddress());
    }

    public static InetSocketAddress readAddress(ByteBuf in) {
        int family = readU8(in, "address family");
        int port = readU16(in, "port");
        int len = switch (family) {
            case 4 -> 4;
            case 6 -> 16;
            default -> throw new WireFormatException("address family must be 4 or 6, not " + family);
        };
        byte[] raw = readFixed(in, len, "address").toArray();
        try {
            InetAddress ip = len == 4 ? InetAddress.getByAddress(raw) : Inet6Address.getByAddress(null, raw, -1);
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            throw new WireFormatException("bad address", e);
        }
    }

    public static void writeString(ByteBuf out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("string field longer than " + MAX_STRING_BYTES + " bytes");
        }
        out.writeShort(b.length).writeBytes(b);
    }

    public static String readString(ByteBuf in, String what) {
        int len = readU16(in, what + " length");
        WireFormatException.check(len <= MAX_STRING_BYTES, what + " longer than " + MAX_STRING_BYTES + " bytes");
        need(in, len, what);
        return in.readCharSequence(len, StandardCharsets.UTF_8).toString();
    }

    public static void checkU8(int v, String what) {
        check(v, 0xFF, what);
    }

    public static void checkU16(int v, String what) {
        check(v, 0xFFFF, what);
    }

    public static void checkU32(long v, String what) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(what + " out of range: " + v);
        }
    }

    private static void check(int v, int max, String what) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(what + " out of range: " + v);
        }
    }
}
