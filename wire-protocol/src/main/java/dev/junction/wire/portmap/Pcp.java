package dev.junction.wire.portmap;

import dev.junction.wire.WireFormatException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * PCP (RFC 6887), the MAP opcode a client needs to map one port, on the gateway's UDP port
 * {@value NatPmp#PORT} (shared with NAT-PMP: a version 0 answer means the gateway speaks only
 * NAT-PMP). Addresses are 16 bytes, IPv4 as IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}).
 * <pre>
 * request  (60 bytes): version:u8 (2) | R:1 (0) opcode:7 (1 MAP) | reserved:u16 | requested lifetime_s:u32 |
 *                      client IP:16 | nonce:12 | protocol:u8 (17 UDP, 6 TCP) | reserved:24 | internal port:u16 |
 *                      suggested external port:u16 | suggested external IP:16        (section 11.1)
 * response (60 bytes): version:u8 (2) | R:1 (1) opcode:7 | reserved:u8 | result:u8 | lifetime_s:u32 | epoch_s:u32 |
 *                      reserved:96 | nonce:12 | protocol:u8 | reserved:24 | internal port:u16 |
 *                      assigned external port:u16 | assigned external IP:16
 * </pre>
 * A requested lifetime of 0 deletes the mapping. Result codes (section 7.4) used here: 0 SUCCESS,
 * 1 UNSUPP_VERSION, 2 NOT_AUTHORIZED, 3 MALFORMED_REQUEST, 8 NO_RESOURCES, 11 CANNOT_PROVIDE_EXTERNAL.
 */
public final class Pcp {
    public static final int VERSION = 2;
    public static final int OP_MAP = 1;
    public static final int PROTOCOL_UDP = 17;
    public static final int PROTOCOL_TCP = 6;
    public static final int SUCCESS = 0;
    public static final int UNSUPP_VERSION = 1;
    public static final int NOT_AUTHORIZED = 2;
    public static final int MALFORMED_REQUEST = 3;
    public static final int NO_RESOURCES = 8;
    public static final int CANNOT_PROVIDE_EXTERNAL = 11;
    public static final int LENGTH = 60;
    public static final int NONCE_LENGTH = 12;

    private Pcp() {
    }

    /** A MAP request or response (the response's fields: result, lifetime, epoch; a request's are 0 there). */
    public record Map(boolean response, int result, long lifetimeSeconds, long epochSeconds, InetAddress client, byte[] nonce,
                      int protocol, int internalPort, int externalPort, InetAddress externalIp) {
        public boolean success() {
            return result == SUCCESS;
        }
    }

    /** Opcode ANNOUNCE (section 14.1): a bare header; a PCP server answers it, which is how a client learns one is there. */
    public static final int OP_ANNOUNCE = 0;
    /** Header length: an ANNOUNCE request or response is this long. */
    public static final int HEADER_LENGTH = 24;

    /** An ANNOUNCE request from {@code client} (24 bytes). */
    public static byte[] announceRequest(InetAddress client) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH);
        b.put((byte) VERSION).put((byte) OP_ANNOUNCE).putShort((short) 0).putInt(0).put(sixteen(client));
        return b.array();
    }

    /** The result code of a PCP response header for {@code opcode}, or -1 when {@code b} is no such response. */
    public static int responseResult(byte[] b, int length, int opcode) {
        if (length < HEADER_LENGTH || (b[0] & 0xff) != VERSION || (b[1] & 0xff) != (0x80 | opcode)) {
            return -1;
        }
        return b[3] & 0xff;
    }

    /** A MAP request from {@code client} for {@code internalPort}; lifetime 0 deletes. */
    public static byte[] mapRequest(InetAddress client, byte[] nonce, int protocol, int internalPort, int suggestedExternalPort,
                                    InetAddress suggestedExternalIp, long lifetimeSeconds) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put((byte) VERSION).put((byte) OP_MAP).putShort((short) 0).putInt((int) lifetimeSeconds).put(sixteen(client));
        writeMap(b, nonce, protocol, internalPort, suggestedExternalPort, suggestedExternalIp);
        return b.array();
    }

    /** A MAP response. */
    public static byte[] mapResponse(int result, long lifetimeSeconds, long epochSeconds, byte[] nonce, int protocol, int internalPort,
                                     int externalPort, InetAddress externalIp) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put((byte) VERSION).put((byte) (0x80 | OP_MAP)).put((byte) 0).put((byte) result).putInt((int) lifetimeSeconds)
                .putInt((int) epochSeconds).put(new byte[12]);
        writeMap(b, nonce, protocol, internalPort, externalPort, externalIp);
        return b.array();
    }

    /** Decodes a MAP request or response; throws WireFormatException naming what is wrong (a version 0 message included). */
    public static Map decode(byte[] b, int length) {
        WireFormatException.check(length >= 4, "PCP message of " + length + " bytes");
        ByteBuffer in = ByteBuffer.wrap(b, 0, length);
        int version = in.get() & 0xff;
        WireFormatException.check(version == VERSION, "PCP version " + version);
        int ro = in.get() & 0xff;
        boolean response = (ro & 0x80) != 0;
        int op = ro & 0x7f;
        WireFormatException.check(op == OP_MAP, "PCP opcode " + op + " (only MAP is spoken)");
        WireFormatException.check(length >= LENGTH, "PCP MAP of " + length + " bytes");
        int result;
        long lifetime;
        long epoch = 0;
        InetAddress client = null;
        if (response) {
            in.get();
            result = in.get() & 0xff;
            lifetime = in.getInt() & 0xffffffffL;
            epoch = in.getInt() & 0xffffffffL;
            in.position(in.position() + 12);
        } else {
            in.getShort();
            result = 0;
            lifetime = in.getInt() & 0xffffffffL;
            client = address(in);
        }
        byte[] nonce = new byte[NONCE_LENGTH];
        in.get(nonce);
        int protocol = in.get() & 0xff;
        in.position(in.position() + 3);
        int internal = in.getShort() & 0xffff;
        int external = in.getShort() & 0xffff;
        return new Map(response, result, lifetime, epoch, client, nonce, protocol, internal, external, address(in));
    }

    private static void writeMap(ByteBuffer b, byte[] nonce, int protocol, int internalPort, int externalPort, InetAddress externalIp) {
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("nonce must be 12 bytes");
        }
        b.put(nonce).put((byte) protocol).put(new byte[3]).putShort((short) internalPort).putShort((short) externalPort)
                .put(sixteen(externalIp));
    }

    /** The 16-byte form: IPv6 as is, IPv4 mapped, null as all zeros (the unspecified address: "any"). */
    static byte[] sixteen(InetAddress a) {
        byte[] out = new byte[16];
        if (a instanceof Inet4Address) {
            out[10] = (byte) 0xff;
            out[11] = (byte) 0xff;
            System.arraycopy(a.getAddress(), 0, out, 12, 4);
        } else if (a instanceof Inet6Address) {
            System.arraycopy(a.getAddress(), 0, out, 0, 16);
        }
        return out;
    }

    /** Reads 16 bytes: an IPv4-mapped address as IPv4. */
    private static InetAddress address(ByteBuffer in) {
        byte[] raw = new byte[16];
        in.get(raw);
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= raw[i] == 0;
        }
        mapped &= raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
        return NatPmp.address(mapped ? java.util.Arrays.copyOfRange(raw, 12, 16) : raw);
    }
}
