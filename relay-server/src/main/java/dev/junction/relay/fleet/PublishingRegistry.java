package dev.junction.relay.fleet;

import dev.junction.relay.reservation.ClientLink;
import dev.junction.relay.reservation.Reservation;
import dev.junction.relay.reservation.ReservationRegistry;
import dev.junction.wire.identity.PeerId;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * A relay's reservations as its fleet sees them: the local registry, with every reservation
 * published to the directory when it is announced (the login waits for that, at most the
 * directory timeout) and each time it is refreshed (renewing its expiry there), and withdrawn when
 * it ends. A relay whose directory is down keeps serving its own peers.
 */
public final class PublishingRegistry implements ReservationRegistry {
    private final ReservationRegistry local;
    private final RedisDirectory directory;

    public PublishingRegistry(ReservationRegistry local, RedisDirectory directory) {
        this.local = local;
        this.directory = directory;
    }

    @Override
    public Outcome reserve(PeerId peer, InetSocketAddress observedTcp, ClientLink link, Channel controlChannel) {
        return local.reserve(peer, observedTcp, link, controlChannel);
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> announce(Reservation reservation) {
        return directory.publish(reservation.peer());
    }

    @Override
    public Reservation reserveLink(PeerId relay, InetSocketAddress observedTcp, ClientLink link, Channel controlChannel) {
        return local.reserveLink(relay, observedTcp, link, controlChannel);
    }

    @Override
    public Reservation dialledLink(PeerId relay, InetSocketAddress remote, ClientLink link, Channel controlChannel) {
        return local.dialledLink(relay, remote, link, controlChannel);
    }

    @Override
    public void bindLinkUdp(Reservation link, InetSocketAddress address, Channel channel) {
        local.bindLinkUdp(link, address, channel);
    }

    @Override
    public Instant refresh(Reservation reservation) {
        Instant until = local.refresh(reservation);
        directory.publish(reservation.peer());
        return until;
    }

    @Override
    public boolean remove(Reservation reservation) {
        boolean removed = local.remove(reservation);
        if (removed && reservation.kind() == Reservation.Kind.PEER) {
            directory.withdraw(reservation.peer());
        }
        return removed;
    }

    @Override
    public Reservation byPeer(PeerId peer) {
        return local.byPeer(peer);
    }

    @Override
    public Reservation byId(long id) {
        return local.byId(id);
    }

    @Override
    public Reservation byUdp(InetSocketAddress address) {
        return local.byUdp(address);
    }

    @Override
    public boolean bindUdp(Reservation reservation, long nonce, InetSocketAddress address, Channel channel) {
        return local.bindUdp(reservation, nonce, address, channel);
    }

    @Override
    public List<Reservation> expired(Instant now) {
        return local.expired(now);
    }

    @Override
    public Collection<Reservation> all() {
        return local.all();
    }

    @Override
    public int size() {
        return local.size();
    }

    @Override
    public void startDraining() {
        local.startDraining();
    }
}
