package dev.junction.wire;

/**
 * The version of Junction's own protocol (control frames on TLS, UDP frames). STUN is RFC 8489 and
 * session packets are QUIC version 1; neither is covered by this number.
 *
 * <p>History:
 * <ul>
 *   <li>1: first version: login with Ed25519 proof and admission token, reservations, circuits,
 *       relayed data over TLS and UDP, candidate exchange and punch sync, ping, going-away.</li>
 *   <li>2: security issue #13: INCOMING and CIRCUIT_OPEN carry no observed addresses (a caller
 *       learnt the callee's address from CONNECT alone); LOGIN_OK and BIND_ACK end with the relay's
 *       signed address attestation; PROBE and PROBE_ACK carry a nonce (an ACK counts only from the
 *       address and socket its probe went to), so a replayed probe cannot move a path; REFRESH may
 *       carry a fresh admission token (a reservation never outlives its token). Control frame types
 *       0x20 CANDIDATES, 0x21 PUNCH_SYNC and 0x22 PUNCH_RESULT (relay-coordinated punching; peers
 *       coordinate inside the session) are removed and reserved
 *       ({@link dev.junction.wire.control.ControlFrameType#RESERVED}).</li>
 *   <li>3: claims issue #14: CHALLENGE's signature also covers the SHA-256 of the relay's TLS
 *       certificate (context {@code junction/challenge/v3}), so a relay serving a CA-issued
 *       certificate still proves, inside that very TLS connection, that it holds the pinned key (a
 *       man in the middle with another valid certificate cannot pass the relay's CHALLENGE on).</li>
 * </ul>
 */
public final class ProtocolVersion {
    /** The version this build speaks. */
    public static final int CURRENT = 3;
    /**
     * The oldest version a relay of this build still accepts logins in (N-1): a fleet is upgraded
     * relay by relay while its clients keep the version they have, and move up at their own pace.
     * Clients and dialling relays send {@link #CURRENT}; relays are upgraded before their clients.
     */
    public static final int OLDEST_ACCEPTED = CURRENT - 1;

    private ProtocolVersion() {
    }
}
