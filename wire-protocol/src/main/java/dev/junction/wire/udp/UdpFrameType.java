package dev.junction.wire.udp;

import dev.junction.wire.WireFormatException;

/**
 * The first byte of a Junction UDP frame, in 0x80–0xBF (see {@link dev.junction.wire.PacketKind}).
 * There is no length field: the datagram is the frame.
 */
public enum UdpFrameType {
    /** C→R: reservation:u64 | nonce:u64 | mac:16. Binds the sender's address to a reservation. */
    BIND(0x80),
    /** R→C: nonce:u64 | observed:Address. The address the relay saw the BIND come from. */
    BIND_ACK(0x81),
    /** C↔R: circuit:u32 | payload. A relayed session datagram. */
    RELAY_DATA(0x82),
    /** any: nonce:u64. Keepalive; answered with PONG by the relay (to bound senders only) and by peers. */
    PING(0x83),
    /** any: nonce:u64 of the PING it answers. */
    PONG(0x84),
    /** P↔P: session:u64 | txid:u64 | mac:16. An authenticated hole-punch probe. */
    PROBE(0x85),
    /** P↔P: session:u64 | txid:u64 | observed:Address | mac:16. Answers a PROBE. */
    PROBE_ACK(0x86),
    /**
     * C→R: reservation:u64 | nonce:u64 | mac:16. Asks for the relay's statement of the sender's
     * address (a BIND_ACK) without moving the binding: a dual-stack client's other family.
     */
    ATTEST(0x87);

    private final int wire;

    UdpFrameType(int wire) {
        this.wire = wire;
    }

    public byte byteValue() {
        return (byte) wire;
    }

    public static UdpFrameType valueOf(byte b) {
        for (UdpFrameType t : values()) {
            if (t.wire == (b & 0xFF)) {
                return t;
            }
        }
        throw new WireFormatException("unknown UDP frame type 0x" + Integer.toHexString(b & 0xFF));
    }
}
