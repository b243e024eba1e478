package dev.junction.client;

import java.net.InetSocketAddress;

/**
 * The path a session uses now.
 *
 * @param kind how datagrams travel
 * @param remote where this side sends them: the relay for relayed paths, the peer for direct ones
 * @param sinceMillis when the session moved onto it, in milliseconds since the session began connecting
 */
public record PathInfo(PathKind kind, InetSocketAddress remote, long sinceMillis) {
}
