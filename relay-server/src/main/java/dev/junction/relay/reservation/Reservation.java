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
    private volatile Instant expiry;
    /** When the admission token it holds expires (Instant.MAX when admitted without one); bounds {@link #expiry}. */
    private volatile Instant tokenExpiry = Instant.MAX;
    private volatile InetSocketAddress udpAddress;
    private volatile Channel udpChannel;
    private long lastBindNonce = Long.MIN_VALUE;

    Reservation(long id, PeerId peer, InetSocketAddress observedTcp, ClientLink link, Channel controlChannel,
                Bytes udpBindKey, Instant expiry) {
        this.id = id;
        this.peer = peer;
        this.observedTcp = observedTcp;
        this.link = link;
        this.controlChannel = controlChannel;
        this.udpBindKey = udpBindKey;
        this.expiry = expiry;
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
        return udpAddress;
    }

    /** The relay UDP socket the BIND arrived on, which replies and relayed datagrams leave from. */
    public Channel udpChannel() {
        return udpChannel;
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

    /** The IDs of this reservation's open circuits (live view). */
    public Set<Integer> circuits() {
        return circuits;
    }

    @Override
    public String toString() {
        return "reservation " + id + " of " + peer.shortString();
    }
}
