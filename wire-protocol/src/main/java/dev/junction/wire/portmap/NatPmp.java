package dev.junction.wire.portmap;

import dev.junction.wire.WireFormatException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * NAT-PMP (RFC 6886), the messages a client needs to map one UDP port: the gateway listens on UDP
 * port {@value #PORT} of its LAN address. All fields big-endian.
 * <pre>
 * external address request:  version:u8 (0) | opcode:u8 (0)
 * external address response: version:u8 (0) | opcode:u8 (128) | result:u16 | epoch_s:u32 | external IPv4:4
 * mapping request:           version:u8 (0) | opcode:u8 (1 UDP, 2 TCP) | reserved:u16 (0) | internal port:u16 |
 *                            suggested external port:u16 | lifetime_s:u32   (lifetime 0 and external 0: delete)
 * mapping response:          version:u8 (0) | opcode:u8 (128 + request opcode) | result:u16 | epoch_s:u32 |
 *                            internal port:u16 | external port:u16 | lifetime_s:u32
 * </pre>
 * Result codes (section 3.5): 0 success, 1 unsupported version, 2 not authorized/refused,
 * 3 network failure, 4 out of resources, 5 unsupported opcode.
 */
public final class NatPmp {
    /** The gateway's NAT-PMP (and PCP) port, RFC 6886 section 3.1. */
    public static final int PORT = 5351;
    public static final int VERSION = 0;
    public static final int OP_EXTERNAL_ADDRESS = 0;
    public static final int OP_MAP_UDP = 1;
    public static final int OP_MAP_TCP = 2;
    /** Responses carry the request's opcode plus this. */
    public static final int RESPONSE = 128;
    public static final int SUCCESS = 0;
    public static final int UNSUPPORTED_VERSION = 1;
    public static final int NOT_AUTHORIZED = 2;

    private NatPmp() {
    }

    /** An external address request (2 bytes). */
    public static byte[] externalAddressRequest() {
        return new byte[] {VERSION, OP_EXTERNAL_ADDRESS};
    }

    /** A mapping request (12 bytes) for UDP or TCP ({@code opcode}); lifetime 0 with suggested port 0 deletes. */
    public static byte[] mapRequest(int opcode, int internalPort, int suggestedExternalPort, long lifetimeSeconds) {
        ByteBuffer b = ByteBuffer.allocate(12);
        b.put((byte) VERSION).put((byte) opcode).putShort((short) 0).putShort((short) internalPort)
                .putShort((short) suggestedExternalPort).putInt((int) lifetimeSeconds);
        return b.array();
    }

    /** A decoded mapping request (what a gateway reads). */
    public record MapRequest(int opcode, int internalPort, int suggestedExternalPort, long lifetimeSeconds) {
    }

    /** A decoded response: {@code external} for an address response, the ports and lifetime for a mapping response. */
    public record Response(int opcode, int result, long epochSeconds, InetAddress external, int internalPort, int externalPort,
                           long lifetimeSeconds) {
        public boolean success() {
            return result == SUCCESS;
        }
    }

    /** Decodes a request as a gateway receives it: an external address request (null) or a mapping request. */
    public static MapRequest decodeRequest(byte[] b, int length) {
        WireFormatException.check(length >= 2 && b[0] == VERSION, "not a NAT-PMP version 0 request");
        int op = b[1] & 0xff;
        if (op == OP_EXTERNAL_ADDRESS) {
            WireFormatException.check(length == 2, "external address request of " + length + " bytes");
            return null;
        }
        WireFormatException.check(op == OP_MAP_UDP || op == OP_MAP_TCP, "unknown NAT-PMP opcode " + op);
        WireFormatException.check(length == 12, "mapping request of " + length + " bytes");
        ByteBuffer in = ByteBuffer.wrap(b, 0, length);
        in.position(4);
        return new MapRequest(op, in.getShort() & 0xffff, in.getShort() & 0xffff, in.getInt() & 0xffffffffL);
    }

    /** Decodes a gateway's response; throws WireFormatException naming what is wrong. */
    public static Response decodeResponse(byte[] b, int length) {
        WireFormatException.check(length >= 4, "NAT-PMP response of " + length + " bytes");
        ByteBuffer in = ByteBuffer.wrap(b, 0, length);
        int version = in.get() & 0xff;
        int op = in.get() & 0xff;
        WireFormatException.check(version == VERSION, "NAT-PMP response of version " + version);
        WireFormatException.check(op >= RESPONSE, "not a NAT-PMP response: opcode " + op);
        int result = in.getShort() & 0xffff;
        if (result != SUCCESS) {
            long epoch = length >= 8 ? in.getInt() & 0xffffffffL : 0;
            return new Response(op - RESPONSE, result, epoch, null, 0, 0, 0);
        }
        if (op - RESPONSE == OP_EXTERNAL_ADDRESS) {
            WireFormatException.check(length == 12, "external address response of " + length + " bytes");
            long epoch = in.getInt() & 0xffffffffL;
            byte[] ip = new byte[4];
            in.get(ip);
            return new Response(OP_EXTERNAL_ADDRESS, result, epoch, address(ip), 0, 0, 0);
        }
        WireFormatException.check(op - RESPONSE == OP_MAP_UDP || op - RESPONSE == OP_MAP_TCP, "unknown NAT-PMP response opcode " + op);
        WireFormatException.check(length == 16, "mapping response of " + length + " bytes");
        long epoch = in.getInt() & 0xffffffffL;
        return new Response(op - RESPONSE, result, epoch, null, in.getShort() & 0xffff, in.getShort() & 0xffff, in.getInt() & 0xffffffffL);
    }

    /** An external address response (12 bytes). */
    public static byte[] externalAddressResponse(int result, long epochSeconds, Inet4Address external) {
        ByteBuffer b = ByteBuffer.allocate(12);
        b.put((byte) VERSION).put((byte) (RESPONSE + OP_EXTERNAL_ADDRESS)).putShort((short) result).putInt((int) epochSeconds)
                .put(external.getAddress());
        return b.array();
    }

    /** A mapping response (16 bytes). */
    public static byte[] mapResponse(int opcode, int result, long epochSeconds, int internalPort, int externalPort, long lifetimeSeconds) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.put((byte) VERSION).put((byte) (RESPONSE + opcode)).putShort((short) result).putInt((int) epochSeconds)
                .putShort((short) internalPort).putShort((short) externalPort).putInt((int) lifetimeSeconds);
        return b.array();
    }

    /** A bare error response to any request (8 bytes: version, opcode, result, epoch), as RFC 6886 section 3.5 allows. */
    public static byte[] errorResponse(int opcode, int result, long epochSeconds) {
        ByteBuffer b = ByteBuffer.allocate(8);
        b.put((byte) VERSION).put((byte) (RESPONSE + opcode)).putShort((short) result).putInt((int) epochSeconds);
        return b.array();
    }

    static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new WireFormatException("address of " + raw.length + " bytes");
        }
    }
}
