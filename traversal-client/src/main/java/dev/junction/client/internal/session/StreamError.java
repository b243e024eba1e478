package dev.junction.client.internal.session;

/**
 * Application error codes of Junction streams: the varint a RESET_STREAM or STOP_SENDING frame
 * carries (RFC 9000, section 20.2; the QUIC layer gives it no meaning). docs/PROTOCOL.md, section
 * 6.3, lists them for other implementations.
 */
public enum StreamError {
    /**
     * 0x01: the receiver did not take the stream: the opener already holds as many streams toward
     * it as it allows one peer (junction.client.incoming-streams.per-peer). Sent both ways (STOP_SENDING
     * and RESET_STREAM) on arrival, before any byte reaches the application; retry once some of
     * your streams to that peer have ended.
     */
    STREAM_REFUSED(0x01, "refused by the peer: too many streams from this peer are open there; retry when some have ended");

    private final int code;
    private final String meaning;

    StreamError(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** What the code tells the peer that receives it. */
    public String meaning() {
        return meaning;
    }

    /** The error with wire value {@code code}; throws on values this version does not define. */
    public static StreamError valueOf(long code) {
        for (StreamError e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown stream error code 0x" + Long.toHexString(code));
    }

    /** A sentence for a reset with {@code code}, known or not. */
    static String describe(long code) {
        try {
            StreamError e = valueOf(code);
            return "stream " + e.meaning() + " (" + e.name() + ", 0x" + Integer.toHexString(e.code) + ")";
        } catch (IllegalArgumentException unknown) {
            return "stream reset by the peer (application error 0x" + Long.toHexString(code) + ")";
        }
    }
}
