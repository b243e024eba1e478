package dev.junction.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * What a NAT check found out about the network between this host and a relay (RFC 5780 behaviour
 * discovery on the session socket).
 *
 * @param relay the relay's STUN endpoint that was asked
 * @param udp whether UDP reaches the relay at all; when false only the TLS paths work
 * @param local the session socket's local address
 * @param mapped the session socket's public address as the relay saw it (null when UDP is blocked)
 * @param tcpMapped the public address of a TCP connection to the relay's STUN port (null if not tried or failed)
 * @param behindNat whether {@code mapped} differs from {@code local}
 * @param mapping how the NAT maps the session socket's traffic to different destinations
 * @param filtering which outside senders the NAT lets reach the mapping
 * @param portPreserved whether the public port equals the local port
 * @param hairpinning whether a datagram sent to our own public address comes back to us (null: not tested)
 * @param rfc5780 whether the relay offers a second address and so could test mapping and filtering
 * @param rttMillis round trip of the first STUN transaction to the relay (-1 when UDP is blocked)
 * @param interfaces this host's usable interface addresses (up, not loopback unless nothing else)
 * @param elapsedMillis how long the whole check took
 */
public record NatReport(InetSocketAddress relay, boolean udp, InetSocketAddress local, InetSocketAddress mapped,
                        InetSocketAddress tcpMapped, boolean behindNat, Behaviour mapping, Behaviour filtering,
                        boolean portPreserved, Boolean hairpinning, boolean rfc5780, long rttMillis,
                        List<InetAddress> interfaces, long elapsedMillis) {
    /**
     * Copies {@code interfaces}, so the report is immutable.
     *
     * @param relay see {@link #relay()}
     * @param udp see {@link #udp()}
     * @param local see {@link #local()}
     * @param mapped see {@link #mapped()}
     * @param tcpMapped see {@link #tcpMapped()}
     * @param behindNat see {@link #behindNat()}
     * @param mapping see {@link #mapping()}
     * @param filtering see {@link #filtering()}
     * @param portPreserved see {@link #portPreserved()}
     * @param hairpinning see {@link #hairpinning()}
     * @param rfc5780 see {@link #rfc5780()}
     * @param rttMillis see {@link #rttMillis()}
     * @param interfaces see {@link #interfaces()}
     * @param elapsedMillis see {@link #elapsedMillis()}
     * @throws NullPointerException if {@code interfaces} is null or holds null
     */
    public NatReport {
        interfaces = List.copyOf(interfaces);
    }

    /** RFC 4787 / RFC 5780 classes of mapping and of filtering behaviour. */
    public enum Behaviour {
        /** Same mapping (or any sender admitted) whatever the remote endpoint: the easy case. */
        ENDPOINT_INDEPENDENT,
        /** Depends on the remote IP address. */
        ADDRESS_DEPENDENT,
        /** Depends on the remote IP address and port: "symmetric" when it is the mapping. */
        ADDRESS_AND_PORT_DEPENDENT,
        /** No NAT in the way: nothing to map or filter. */
        NONE,
        /** Not testable: UDP blocked, or the relay has no second address (run it with --alt-ip). */
        UNKNOWN;

        /**
         * The behaviour's name as reports print it.
         *
         * @return lower case with dashes: {@code endpoint-independent}
         */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * A one-word verdict on how hard this NAT is to punch through.
     *
     * @return {@code udp-blocked} (relay over TLS only), {@code open} (no NAT, no filtering seen),
     *     {@code firewalled} (no NAT but filtered), {@code easy} (endpoint-independent mapping),
     *     {@code hard} (address- or port-dependent mapping: only port prediction may help) or
     *     {@code unknown} (the mapping could not be tested)
     */
    public String verdict() {
        if (!udp) {
            return "udp-blocked";
        }
        if (!behindNat) {
            return filtering == Behaviour.NONE || filtering == Behaviour.UNKNOWN ? "open" : "firewalled";
        }
        if (mapping == Behaviour.ADDRESS_AND_PORT_DEPENDENT || mapping == Behaviour.ADDRESS_DEPENDENT) {
            return "hard";
        }
        return mapping == Behaviour.ENDPOINT_INDEPENDENT ? "easy" : "unknown";
    }
}
