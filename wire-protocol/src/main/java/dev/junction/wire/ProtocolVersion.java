package dev.junction.wire;

/**
 * The version of Junction's own protocol (control frames on TLS, UDP frames). STUN is RFC 8489 and
 * session packets are QUIC version 1; neither is covered by this number.
 *
 * <p>History:
 * <ul>
 *   <li>1: first version: login with Ed25519 proof and admission token, reservations, circuits,
 *       relayed data over TLS and UDP, candidate exchange and punch sync, ping, going-away.</li>
 * </ul>
 */
public final class ProtocolVersion {
    /** The version this build speaks; the only one it accepts. */
    public static final int CURRENT = 1;

    private ProtocolVersion() {
    }
}
