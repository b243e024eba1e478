package dev.junction.wire;

/**
 * What a datagram on a Junction UDP socket is, told from its first byte alone.
 *
 * <p>One socket carries STUN, Junction's own UDP frames and QUIC session packets (PROTOCOL.md
 * section 1). The ranges follow RFC 9443 section 3: STUN owns 0–3; QUIC always sets the
 * fixed bit 0x40 (short headers 64–127, long headers 192–255); Junction takes 128–191 with the fixed
 * bit clear, which no QUIC version 1 packet and no STUN message can start with. RFC 9443 gives
 * 128–191 to RTP/RTCP, which never shares a Junction socket.
 */
public enum PacketKind {
    /** First byte 0–3: a STUN message (RFC 8489 section 5: the top two bits are zero). */
    STUN,
    /** First byte 0x80–0xBF: a Junction UDP frame, see {@code dev.junction.wire.udp}. */
    JUNCTION,
    /** First byte 0x40–0x7F or 0xC0–0xFF: a QUIC packet of an end-to-end session. */
    QUIC,
    /** Anything else (4–63): not ours; dropped and counted. */
    UNKNOWN;

    public static PacketKind classify(int firstByte) {
        int b = firstByte & 0xFF;
        if (b <= 0x03) {
            return STUN;
        }
        if ((b & 0x40) != 0) {
            return QUIC;
        }
        if ((b & 0xC0) == 0x80) {
            return JUNCTION;
        }
        return UNKNOWN;
    }
}
