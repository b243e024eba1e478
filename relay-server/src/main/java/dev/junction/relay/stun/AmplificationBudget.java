package dev.junction.relay.stun;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * How large an unauthenticated UDP answer may be: at most twice its request on the wire, IP and UDP
 * headers included, so the relay is useless as a reflection amplifier. A request that wants a larger
 * answer pads itself (PADDING, RFC 5780 section 7.6), which raises its own size and so the budget.
 */
public final class AmplificationBudget {
    /** The answer may be this many times the request on the wire. */
    static final int FACTOR = 2;
    /** IPv4 header (20, no options) plus UDP header (8). */
    static final int IPV4_HEADERS = 28;
    /** IPv6 header (40) plus UDP header (8). */
    static final int IPV6_HEADERS = 48;

    private AmplificationBudget() {
    }

    /** The largest STUN message (bytes, without IP/UDP headers) that may answer a {@code requestBytes}-byte request from {@code source}. */
    public static int maxAnswerBytes(int requestBytes, InetAddress source) {
        int headers = source instanceof Inet6Address ? IPV6_HEADERS : IPV4_HEADERS;
        return FACTOR * (requestBytes + headers) - headers;
    }
}
