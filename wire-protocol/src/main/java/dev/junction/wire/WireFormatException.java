package dev.junction.wire;

/**
 * The one exception every decoder in this module throws on malformed input.
 *
 * <p>Callers on a socket drop the packet (UDP) or close the connection (TCP) and count the drop;
 * the fuzz tests allow no other exception to escape a decoder.
 */
public final class WireFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Throws unless {@code condition} holds; {@code message} says what was wrong. */
    public static void check(boolean condition, String message) {
        if (!condition) {
            throw new WireFormatException(message);
        }
    }
}
