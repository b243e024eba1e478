package dev.junction.wire.session;

import io.netty.buffer.ByteBuf;

/**
 * What a peer knows of its own NAT's mapping, sent after its candidates in OFFER and ANSWER
 * (docs/PROTOCOL.md section 6.5) so the two sides can agree on port prediction:
 * <pre>
 * +------------+-----------+
 * | mapping:u8 | step:i16  |
 * +------------+-----------+
 * </pre>
 *
 * @param mapping how the session socket's public mapping depends on the destination
 * @param step for an endpoint-dependent mapping, the port difference between two consecutive
 *     mappings when it looks sequential (|step| at most {@value #MAX_STEP}), else 0 (random)
 */
public record NatHint(Mapping mapping, int step) {
    /** Mapping behaviour as far as punching cares; the wire value is the ordinal. */
    public enum Mapping {
        /** 0: not measured (no second relay address, no UDP). */
        UNKNOWN,
        /** 1: the same public address and port for every destination (or no NAT at all). */
        INDEPENDENT,
        /** 2: a new public port per destination ("symmetric"): the other side must predict ports. */
        DEPENDENT,
        /** 3: UDP does not get through to the relay: only a TCP direct path can work. */
        BLOCKED
    }

    /** Steps further apart than this are taken for random port choice. */
    public static final int MAX_STEP = 64;
    public static final NatHint UNKNOWN = new NatHint(Mapping.UNKNOWN, 0);
    public static final NatHint BLOCKED = new NatHint(Mapping.BLOCKED, 0);
    /** mapping:u8 + step:i16. */
    public static final int LENGTH = 3;

    public NatHint {
        if (Math.abs(step) > MAX_STEP) {
            step = 0;
        }
    }

    /** {@code mapping:u8 (0 unknown, 1 independent, 2 dependent, 3 UDP blocked) | step:i16}. */
    public void encode(ByteBuf out) {
        out.writeByte(mapping.ordinal()).writeShort(step);
    }

    /**
     * The hint after the candidates, or UNKNOWN when the peer sent none (fewer than
     * {@value #LENGTH} bytes left, which stay unread) or a mapping this version does not know.
     */
    public static NatHint decode(ByteBuf in) {
        if (in.readableBytes() < LENGTH) {
            return UNKNOWN;
        }
        int m = in.readUnsignedByte();
        int step = in.readShort();
        return m < Mapping.values().length ? new NatHint(Mapping.values()[m], step) : UNKNOWN;
    }
}
