package dev.junction.wire.stun;

/**
 * Packs and unpacks the 14-bit STUN message type, in which the class bits C1 and C0 sit between the
 * method bits (RFC 8489 section 5, figure 3):
 * <pre>
 *   0                 1
 *   2  3  4 5 6 7 8 9 0 1 2 3 4 5
 *  +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
 *  |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
 *  +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class StunMessageType {
    /** Binding (RFC 8489 section 18.2). */
    public static final int METHOD_BINDING = 0x001;
    /** TURN's methods (RFC 8656 section 17). */
    public static final int METHOD_ALLOCATE = 0x003;
    public static final int METHOD_REFRESH = 0x004;
    public static final int METHOD_SEND = 0x006;
    public static final int METHOD_DATA = 0x007;
    public static final int METHOD_CREATE_PERMISSION = 0x008;
    public static final int METHOD_CHANNEL_BIND = 0x009;
    /** The largest method number: 12 bits. */
    public static final int MAX_METHOD = 0xFFF;

    private StunMessageType() {
    }

    public static int pack(int method, StunClass messageClass) {
        int c = messageClass.bits();
        return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
                | ((c & 0b01) << 4) | ((c & 0b10) << 7);
    }

    public static int method(int type) {
        return (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
    }

    public static StunClass messageClass(int type) {
        return StunClass.valueOf(((type >> 4) & 0b01) | ((type >> 7) & 0b10));
    }
}
