package dev.junction.client;

/**
 * A failure the application can act on; the message says what went wrong and what to do
 * ("the admission token has expired; mint a new one"). Unchecked: the library throws it from
 * setup calls ({@link TraversalClient.Builder#start()}, {@link ClientConfig#load}) and completes
 * futures ({@link TraversalClient#connect}, {@link Session#openStream()}) exceptionally with it.
 */
public class JunctionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure with no underlying exception.
     *
     * @param message what went wrong and what to do
     */
    public JunctionException(String message) {
        super(message);
    }

    /**
     * A failure caused by another exception.
     *
     * @param message what went wrong and what to do
     * @param cause the underlying exception
     */
    public JunctionException(String message, Throwable cause) {
        super(message, cause);
    }
}
