package dev.junction.client;

import java.net.InetSocketAddress;

/**
 * The path a session uses now.
 *
 * @param kind how datagrams travel
 * @param remote where this side sends them: the relay for relayed paths, the peer for direct ones
 * @param sinceMillis when the session moved onto it, in milliseconds since the session began connecting
 * @param mapped true when the direct path runs through a port mapping a gateway made (PCP, NAT-PMP,
 *     UPnP-IGD), this side's or the peer's
 */
public record PathInfo(PathKind kind, InetSocketAddress remote, long sinceMillis, boolean mapped) {
    /**
     * A path through no gateway port mapping.
     *
     * @param kind how datagrams travel
     * @param remote where this side sends them
     * @param sinceMillis when the session moved onto it
     */
    public PathInfo(PathKind kind, InetSocketAddress remote, long sinceMillis) {
        this(kind, remote, sinceMillis, false);
    }
}
