package dev.junction.client;

/**
 * A failure the application can act on; the message says what went wrong and what to do
 * ("the admission token has expired; mint a new one").
 */
public class JunctionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JunctionException(String message) {
        super(message);
    }

    public JunctionException(String message, Throwable cause) {
        super(message, cause);
    }
}
