package dev.junction.client;

/**
 * How much of a listening client the streams peers open may take (config block
 * {@code junction.client.incoming-streams}). A stream handler usually blocks until its stream
 * ends, so a peer that opens streams and never finishes them holds a handler thread for each; these
 * limits keep one peer from taking them all.
 *
 * <ul>
 *   <li>{@code perSession}: streams a peer may have open at once on one session. It is the QUIC
 *       transport parameter initial_max_streams_bidi this client announces, so the peer's QUIC stack
 *       cannot open more; as streams end, QUIC grants new ones (MAX_STREAMS).
 *   <li>{@code perPeer}: incoming streams one peer (one PeerId, across all its sessions with this
 *       client) may hold at once: open, waiting to be accepted, or with its handler still running.
 *       Beyond it a new stream is reset at once with the application error code STREAM_REFUSED
 *       (docs/PROTOCOL.md, section 6.3); the peer's {@link Stream} then fails with "refused".
 *   <li>{@code handlerThreads}: threads that run accept and stream handlers, shared by all peers.
 *       When all are busy, handlers wait in a queue (its length is bounded by {@code perPeer} per
 *       peer) instead of being refused. Above {@code perPeer}, so one peer never holds every thread:
 *       with the defaults one peer holds at most 100 of 256, and it takes three peers, each admitted
 *       by your relay, that never finish their streams to fill them all.
 * </ul>
 *
 * @param perSession concurrent streams a peer may open on one session (1 to 10000)
 * @param perPeer concurrent incoming streams of one peer across its sessions (1 to 10000)
 * @param handlerThreads threads for accept and stream handlers (above perPeer, at most 10000)
 */
public record IncomingStreamLimits(int perSession, int perPeer, int handlerThreads) {
    /** 100 streams per session as in most QUIC stacks; the old 1024 let one peer take every thread. */
    public static final IncomingStreamLimits DEFAULTS = new IncomingStreamLimits(100, 100, 256);
    /** Upper bound of each setting: far above any sane need, far below QUIC's 2^60. */
    static final int MAX = 10_000;

    /**
     * Checks the limits.
     *
     * @param perSession see {@link #perSession()}
     * @param perPeer see {@link #perPeer()}
     * @param handlerThreads see {@link #handlerThreads()}
     * @throws IllegalArgumentException if a setting is out of its range, or {@code handlerThreads} is
     *     not above {@code perPeer}; the message names the setting and its config key
     */
    public IncomingStreamLimits {
        InvalidSettingException.checkRange(perSession, 1, MAX, "IncomingStreamLimits.perSession", "incoming-streams.per-session");
        InvalidSettingException.checkRange(perPeer, 1, MAX, "IncomingStreamLimits.perPeer", "incoming-streams.per-peer");
        if (handlerThreads <= perPeer || handlerThreads > MAX) {
            throw InvalidSettingException.of("IncomingStreamLimits.handlerThreads", "incoming-streams.handler-threads",
                    "must be above per-peer (" + perPeer + ", so one peer cannot hold every handler thread) and at most "
                            + MAX + ", was " + handlerThreads);
        }
    }
}
