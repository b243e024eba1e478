package dev.junction.relay.turn;

import java.net.InetSocketAddress;

/**
 * What names an allocation (RFC 8656 section 2): the client's transport, its address as the relay sees
 * it, and the relay address it talks to. Over TCP and TLS the connection itself is the 5-tuple.
 */
public record FiveTuple(TurnMetrics.Transport transport, InetSocketAddress client, InetSocketAddress server) {
}
