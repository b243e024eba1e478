package dev.junction.wire.stun;

import dev.junction.wire.WireFormatException;

/** The class of a STUN message: the two C bits of the message type (RFC 8489 section 5). */
public enum StunClass {
    REQUEST(0b00),
    INDICATION(0b01),
    SUCCESS_RESPONSE(0b10),
    ERROR_RESPONSE(0b11);

    private final int bits;

    StunClass(int bits) {
        this.bits = bits;
    }

    /** The two class bits, C1 C0, as a number 0–3. */
    public int bits() {
        return bits;
    }

    public static StunClass valueOf(int bits) {
        for (StunClass c : values()) {
            if (c.bits == bits) {
                return c;
            }
        }
        throw new WireFormatException("no STUN class " + bits);
    }
}
