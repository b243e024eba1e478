package dev.junction.wire.session;

import dev.junction.wire.WireFormatException;

/**
 * The first byte of a session datagram (docs/PROTOCOL.md sections 6.5 and 6.6): a QUIC DATAGRAM
 * frame inside a session, or, for {@link #RESUME} only, a circuit datagram (a RELAY_DATA or DATA
 * payload) on a new circuit. RESUME's 0xB0 has the QUIC fixed bit clear, so a receiver never takes
 * it for a QUIC packet (section 1).
 */
public enum SessionMessageType {
    /** (no body). Keeps an idle QUIC connection alive; ignored on receipt. An empty datagram counts as one. */
    KEEPALIVE(0x00),
    /** payload (the rest): an application datagram, the application's bytes. */
    APP_DATA(0x01),
    /** QUIC client → server: punch_key:32 | PunchBody. Starts (or repeats) a punch attempt. */
    OFFER(0x02),
    /** QUIC server → client: PunchBody. Answers every OFFER. */
    ANSWER(0x03),
    /** QUIC client → server (no body): start probing now. */
    SYNC(0x04),
    /** QUIC client → server: token:16. The session's resume token. */
    TOKEN(0x05),
    /** QUIC server → client: token:16, echoed. The server has the token. */
    TOKEN_ACK(0x06),
    /** QUIC server → client (no body): the server's network changed, punch again. */
    REPUNCH(0x07),
    /** On a new circuit, QUIC client → server: token:16. Moves the session with that token onto this circuit. */
    RESUME(0xB0);

    private final int wire;

    SessionMessageType(int wire) {
        this.wire = wire;
    }

    public byte byteValue() {
        return (byte) wire;
    }

    /** The type whose wire value is {@code b}; throws {@link WireFormatException} on any other value. */
    public static SessionMessageType valueOf(byte b) {
        for (SessionMessageType t : values()) {
            if (t.wire == (b & 0xFF)) {
                return t;
            }
        }
        throw new WireFormatException("unknown session datagram type 0x" + Integer.toHexString(b & 0xFF));
    }
}
