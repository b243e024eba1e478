package dev.junction.wire.control;

import dev.junction.wire.WireFormatException;
import java.util.Set;

/**
 * The type byte of a control frame. The payload of each is documented on its record and in
 * docs/PROTOCOL.md; C = client, R = relay, P = the peer at the other end of a circuit. A type that
 * is not listed here, {@link #RESERVED} ones included, is a protocol error.
 */
public enum ControlFrameType {
    /** C→R: version:u16 | capabilities:u32. First frame on a new TLS connection. */
    HELLO(0x01),
    /** R→C: version:u16 | relay:PeerId | nonce:32 bytes | signature:64 bytes. */
    CHALLENGE(0x02),
    /** C→R: peer:PeerId | signature:64 bytes | token:String. */
    AUTH(0x03),
    /** R→C: reservation:u64 | lifetime_s:u32 | keepalive_s:u16 | udp_port:u16 | udp_bind_key:16 bytes | observed:Address. */
    LOGIN_OK(0x04),
    /** C→R: empty. Extends the reservation. */
    REFRESH(0x05),
    /** R→C: lifetime_s:u32. */
    REFRESH_OK(0x06),
    /** C→R: request:u32 | target:PeerId. Ask for a circuit to a reserved peer. */
    CONNECT(0x10),
    /** R→P: circuit:u32 | from:PeerId. No address of the caller (since version 2). */
    INCOMING(0x11),
    /** P→R: circuit:u32. The callee takes the circuit. */
    ACCEPT(0x12),
    /** R→C and R→P: circuit:u32 | request:u32 (0 to the callee) | peer:PeerId. No address of either side. */
    CIRCUIT_OPEN(0x13),
    /** any direction: circuit:u32 | reason:u16 (CloseReason) | bytes:u64 relayed so far. */
    CIRCUIT_CLOSE(0x14),
    /** any direction: circuit:u32 | payload (rest of frame). A relayed session datagram. */
    DATA(0x15),
    /**
     * R→R on a mesh link: circuit:u32 | caller:PeerId | target:PeerId. The caller's relay asks the
     * target's home relay to open circuit {@code circuit} (the same ID on both relays) to its peer.
     */
    MESH_CONNECT(0x40),
    /** either side: nonce:u64. Liveness and RTT. */
    PING(0x30),
    /** either side: nonce:u64, echoing a PING. */
    PONG(0x31),
    /** R→C: reason:u16 | grace_ms:u32 | reconnect_hint:String (a relay address or empty). */
    GOING_AWAY(0x32),
    /**
     * R→C: count:u8 | (address:String | region:String) × count. The fleet's relays, to clients that
     * set the RELAY_MAP capability in HELLO.
     */
    RELAY_MAP(0x33),
    /** R→C: request:u32 | code:u16 (ErrorCode) | message:String. */
    ERROR(0x3F);

    /**
     * Codes once used and never to be given to another frame: 0x20 CANDIDATES, 0x21 PUNCH_SYNC and
     * 0x22 PUNCH_RESULT, the relay's hole-punch coordination (peers coordinate inside their session
     * instead, PROTOCOL.md section 6.5). {@link #valueOf} rejects them like any unknown type, so the
     * relay answers ERROR MALFORMED and closes.
     */
    public static final Set<Integer> RESERVED = Set.of(0x20, 0x21, 0x22);

    private final int wire;

    ControlFrameType(int wire) {
        this.wire = wire;
    }

    public byte byteValue() {
        return (byte) wire;
    }

    public static ControlFrameType valueOf(byte b) {
        for (ControlFrameType t : values()) {
            if (t.wire == (b & 0xFF)) {
                return t;
            }
        }
        String reserved = RESERVED.contains(b & 0xFF) ? " (reserved, no longer used)" : "";
        throw new WireFormatException("unknown control frame type 0x" + Integer.toHexString(b & 0xFF) + reserved);
    }
}
