package dev.junction.relay.reservation;

import dev.junction.wire.Bytes;
import dev.junction.wire.identity.PeerId;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A logged-in peer's place on the relay: who it is, how to reach it (control link, optionally a
 * bound UDP address), until when it holds, and its open circuits.
 *
 * <p>Fields read on the forwarding path ({@link #udpAddress}, {@link #udpChannel}) are volatile and
 * written only by {@link ReservationRegistry#bindUdp}.
 */
public final class Reservation {
    private final long id;
    private final PeerId peer;
    private final InetSocketAddress observedTcp;
    private final ClientLink link;
    private final Channel controlChannel;
    private final Bytes udpBindKey;
    private final Set<Integer> circuits = ConcurrentHashMap.newKeySet();
    /** Kind.REMOTE: the mesh link it is reached through; null otherwise. */
    private final Reservation via;
    private final Kind kind;
    private volatile Instant expiry;
    /** When the admission token it holds expires (Instant.MAX when admitted without one); bounds {@link #expiry}. */
    private volatile Instant tokenExpiry = Instant.MAX;
    private volatile InetSocketAddress udpAddress;
    private volatile Channel udpChannel;
    /** The last ATTEST nonce accepted; guarded by this. */
    private long lastAttestNonce;
    private long lastBindNonce = Long.MIN_VALUE;

    /** What a reservation stands for; circuits have one at each end. */
    public enum Kind {
        /** A client logged in to this relay. */
        PEER,
        /** Another relay of the fleet, at one end of a mesh link: never a circuit's end itself. */
        MESH_LINK,
        /** A peer homed on another relay, at one end of one cross-relay circuit, reached through {@link #via}. */
        REMOTE
    }

    Reservation(long id, PeerId peer, InetSocketAddress observedTcp, ClientLink link, Channel controlChannel,
                Bytes udpBindKey, Instant expiry) {
        this(Kind.PEER, id, peer, observedTcp, link, controlChannel, udpBindKey, expiry, null);
    }

    private Reservation(Kind kind, long id, PeerId peer, InetSocketAddress observedTcp, ClientLink link, Channel controlChannel,
                        Bytes udpBindKey, Instant expiry, Reservation via) {
        this.kind = kind;
        this.via = via;
        this.id = id;
        this.peer = peer;
        this.observedTcp = observedTcp;
        this.link = link;
        this.controlChannel = controlChannel;
        this.udpBindKey = udpBindKey;
        this.expiry = expiry;
    }

    /** The other relay's end of a mesh link ({@code relay} its identity); {@code udpBindKey} may be empty on the dialling side. */
    static Reservation meshLink(long id, PeerId relay, InetSocketAddress observedTcp, ClientLink link, Channel channel, Bytes udpBindKey) {
        return new Reservation(Kind.MESH_LINK, id, relay, observedTcp, link, channel, udpBindKey, Instant.MAX, null);
    }

    /**
     * {@code peer}, homed on the relay at the other end of {@code link}, as one end of one circuit:
     * reached through {@code link}'s socket and UDP address, its frames translated by {@code adapter}.
     */
    public static Reservation remote(PeerId peer, Reservation link, ClientLink adapter) {
        if (link.kind != Kind.MESH_LINK) {
            throw new IllegalArgumentException(link + " is no mesh link");
        }
        return new Reservation(Kind.REMOTE, 0, peer, link.observedTcp, adapter, link.controlChannel, link.udpBindKey, Instant.MAX, link);
    }

    public Kind kind() {
        return kind;
    }

    /** The mesh link a REMOTE side is reached through, else null. */
    public Reservation via() {
        return via;
    }

    public long id() {
        return id;
    }

    public PeerId peer() {
        return peer;
    }

    public InetSocketAddress observedTcp() {
        return observedTcp;
    }

    public ClientLink link() {
        return link;
    }

    /** The TLS connection; DATA frames are written straight to it on the forwarding path. */
    public Channel controlChannel() {
        return controlChannel;
    }

    public Bytes udpBindKey() {
        return udpBindKey;
    }

    public Instant expiry() {
        return expiry;
    }

    /** Sets the expiry, never past the token's. */
    void expiry(Instant expiry) {
        Instant cap = tokenExpiry;
        this.expiry = expiry.isAfter(cap) ? cap : expiry;
    }

    public Instant tokenExpiry() {
        return tokenExpiry;
    }

    /** The token this reservation holds now expires at {@code at}: its expiry is capped there (a fresh token lifts the cap). */
    public void tokenExpiry(Instant at) {
        this.tokenExpiry = at;
        Instant e = expiry;
        if (e.isAfter(at)) {
            this.expiry = at;
        }
    }

    /** The UDP address bound with an authenticated BIND, or null. */
    public InetSocketAddress udpAddress() {
        return via != null ? via.udpAddress : udpAddress;
    }

    /** The relay UDP socket the BIND arrived on, which replies and relayed datagrams leave from. */
    public Channel udpChannel() {
        return via != null ? via.udpChannel : udpChannel;
    }

    void udp(InetSocketAddress address, Channel channel) {
        this.udpChannel = channel;
        this.udpAddress = address;
    }

    /** True and remembered when {@code nonce} is newer than any accepted before (replay guard). Guarded by the registry. */
    boolean acceptBindNonce(long nonce) {
        if (nonce <= lastBindNonce) {
            return false;
        }
        lastBindNonce = nonce;
        return true;
    }

    /** True and remembered when an ATTEST's {@code nonce} is newer than any accepted before (its own replay guard, apart from BIND's). */
    public synchronized boolean acceptAttestNonce(long nonce) {
        if (nonce <= lastAttestNonce) {
            return false;
        }
        lastAttestNonce = nonce;
        return true;
    }

    /** The IDs of this reservation's open circuits (live view). */
    public Set<Integer> circuits() {
        return circuits;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case PEER -> "reservation " + id + " of " + peer.shortString();
            case MESH_LINK -> "mesh link " + id + " to relay " + peer.shortString();
            case REMOTE -> peer.shortString() + " via relay " + via.peer.shortString();
        };
    }
}
