package dev.junction.relay.reservation;

import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.identity.PeerId;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Who holds a reservation on this relay. An interface so that a fleet of relays can later keep
 * presence in a shared store; {@link LocalReservationRegistry} is the single-relay implementation.
 */
public interface ReservationRegistry {

    /** A reservation, or the reason there is none. */
    record Outcome(Reservation reservation, ErrorCode error) {
        public boolean ok() {
            return reservation != null;
        }
    }

    /**
     * Reserves for {@code peer}, replacing its earlier reservation (whose link is told and closed).
     * Refused with RESERVATION_LIMIT beyond the total or per-IP limit, DRAINING while draining.
     */
    Outcome reserve(PeerId peer, InetSocketAddress observedTcp, ClientLink link, Channel controlChannel);

    /**
     * Registers the accepting end of a mesh link from fleet relay {@code relay}: it gets an ID and a
     * UDP bind key (sent in LOGIN_OK) so the other relay can BIND its UDP socket, but no peer entry,
     * no limit slot and no expiry.
     */
    Reservation reserveLink(PeerId relay, InetSocketAddress observedTcp, ClientLink link, Channel controlChannel);

    /** The dialling end of a mesh link to fleet relay {@code relay}: held by the caller, not listed by ID. */
    Reservation dialledLink(PeerId relay, InetSocketAddress remote, ClientLink link, Channel controlChannel);

    /**
     * On the dialling end of a mesh link, accepts datagrams from the other relay's UDP
     * {@code address} (its BIND_ACK carried a statement signed by that relay) and sends to it from {@code channel}.
     */
    void bindLinkUdp(Reservation link, InetSocketAddress address, Channel channel);

    /**
     * Completes when {@code reservation} is visible to whoever looks it up: at once for one relay;
     * for a fleet's relay once the directory has it, or the write failed or timed out. Never
     * completes exceptionally.
     */
    default java.util.concurrent.CompletionStage<Void> announce(Reservation reservation) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /** Extends the reservation's lifetime, never past its token's expiry; returns the new expiry. */
    Instant refresh(Reservation reservation);

    /** Forgets {@code reservation} if it is still the current one of its peer; true if it was. */
    boolean remove(Reservation reservation);

    Reservation byPeer(PeerId peer);

    Reservation byId(long id);

    /** The reservation whose bound UDP address is {@code address}, or null. Lock-free. */
    Reservation byUdp(InetSocketAddress address);

    /**
     * Binds {@code address} (seen on relay socket {@code channel}) to {@code reservation} if
     * {@code nonce} is newer than the last accepted; the caller has checked the MAC.
     */
    boolean bindUdp(Reservation reservation, long nonce, InetSocketAddress address, Channel channel);

    /** Reservations whose lifetime has run out at {@code now}. */
    List<Reservation> expired(Instant now);

    Collection<Reservation> all();

    int size();

    /** From now on every reserve is refused with DRAINING. */
    void startDraining();
}
