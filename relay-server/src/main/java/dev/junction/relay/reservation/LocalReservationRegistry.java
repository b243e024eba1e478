package dev.junction.relay.reservation;

import dev.junction.relay.net.SourceKey;
import dev.junction.wire.Bytes;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.PeerId;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reservations of one relay, in memory. Changes (reserve, remove, bind) take the object's lock:
 * they happen once per login, not per packet. Lookups on the forwarding path ({@link #byUdp},
 * {@link #byPeer}) read concurrent maps without locking.
 */
public final class LocalReservationRegistry implements ReservationRegistry {
    private final int maxTotal;
    private final int maxPerIp;
    private final Duration lifetime;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<PeerId, Reservation> byPeer = new ConcurrentHashMap<>();
    private final Map<Long, Reservation> byId = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, Reservation> byUdp = new ConcurrentHashMap<>();
    private final Map<SourceKey, Integer> perIp = new HashMap<>();
    private volatile boolean draining;

    public LocalReservationRegistry(int maxTotal, int maxPerIp, Duration lifetime, Clock clock) {
        this.maxTotal = maxTotal;
        this.maxPerIp = maxPerIp;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    @Override
    public synchronized Outcome reserve(PeerId peer, InetSocketAddress observedTcp, ClientLink link, Channel controlChannel) {
        if (draining) {
            return new Outcome(null, ErrorCode.DRAINING);
        }
        Reservation previous = byPeer.get(peer);
        SourceKey ip = SourceKey.of(observedTcp.getAddress());
        int fromIp = perIp.getOrDefault(ip, 0) - (previous != null && SourceKey.of(previous.observedTcp().getAddress()).equals(ip) ? 1 : 0);
        int total = byPeer.size() - (previous != null ? 1 : 0);
        if (total >= maxTotal || fromIp >= maxPerIp) {
            return new Outcome(null, ErrorCode.RESERVATION_LIMIT);
        }
        if (previous != null) {
            removeLocked(previous);
            previous.link().sendAndClose(new LinkFrames.GoingAway(CloseReason.REPLACED, 0, ""));
        }
        byte[] key = new byte[LoginFrames.UDP_BIND_KEY_LENGTH];
        random.nextBytes(key);
        Reservation r = new Reservation(nextId.getAndIncrement(), peer, observedTcp, link, controlChannel,
                Bytes.of(key), clock.instant().plus(lifetime));
        byPeer.put(peer, r);
        byId.put(r.id(), r);
        perIp.merge(ip, 1, Integer::sum);
        return new Outcome(r, null);
    }

    @Override
    public synchronized Reservation reserveLink(PeerId relay, InetSocketAddress observedTcp, ClientLink link, Channel controlChannel) {
        byte[] key = new byte[LoginFrames.UDP_BIND_KEY_LENGTH];
        random.nextBytes(key);
        Reservation r = Reservation.meshLink(nextId.getAndIncrement(), relay, observedTcp, link, controlChannel, Bytes.of(key));
        byId.put(r.id(), r);
        return r;
    }

    @Override
    public Reservation dialledLink(PeerId relay, InetSocketAddress remote, ClientLink link, Channel controlChannel) {
        return Reservation.meshLink(0, relay, remote, link, controlChannel, Bytes.of(new byte[0]));
    }

    @Override
    public synchronized void bindLinkUdp(Reservation link, InetSocketAddress address, Channel channel) {
        InetSocketAddress old = link.udpAddress();
        if (old != null && !old.equals(address)) {
            byUdp.remove(old, link);
        }
        byUdp.put(address, link);
        link.udp(address, channel);
    }

    @Override
    public Instant refresh(Reservation reservation) {
        reservation.expiry(clock.instant().plus(lifetime));
        return reservation.expiry();
    }

    @Override
    public synchronized boolean remove(Reservation reservation) {
        if (reservation.kind() == Reservation.Kind.MESH_LINK) {
            InetSocketAddress udp = reservation.udpAddress();
            if (udp != null) {
                byUdp.remove(udp, reservation);
            }
            return byId.remove(reservation.id(), reservation);
        }
        if (byPeer.get(reservation.peer()) != reservation) {
            return false;
        }
        removeLocked(reservation);
        return true;
    }

    private void removeLocked(Reservation r) {
        byPeer.remove(r.peer(), r);
        byId.remove(r.id(), r);
        InetSocketAddress udp = r.udpAddress();
        if (udp != null) {
            byUdp.remove(udp, r);
        }
        perIp.computeIfPresent(SourceKey.of(r.observedTcp().getAddress()), (k, n) -> n <= 1 ? null : n - 1);
    }

    @Override
    public Reservation byPeer(PeerId peer) {
        return byPeer.get(peer);
    }

    @Override
    public Reservation byId(long id) {
        return byId.get(id);
    }

    @Override
    public Reservation byUdp(InetSocketAddress address) {
        return byUdp.get(address);
    }

    @Override
    public synchronized boolean bindUdp(Reservation reservation, long nonce, InetSocketAddress address, Channel channel) {
        if (byId.get(reservation.id()) != reservation || !reservation.acceptBindNonce(nonce)) {
            return false;
        }
        InetSocketAddress old = reservation.udpAddress();
        if (old != null && !old.equals(address)) {
            byUdp.remove(old, reservation);
        }
        Reservation other = byUdp.put(address, reservation);
        if (other != null && other != reservation) {
            // Another reservation's address now belongs to this one (its NAT mapping was reused).
            other.udp(null, null);
        }
        reservation.udp(address, channel);
        return true;
    }

    @Override
    public List<Reservation> expired(Instant now) {
        List<Reservation> out = new ArrayList<>();
        for (Reservation r : byPeer.values()) {
            if (!r.expiry().isAfter(now)) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public Collection<Reservation> all() {
        return List.copyOf(byPeer.values());
    }

    @Override
    public int size() {
        return byPeer.size();
    }

    @Override
    public void startDraining() {
        draining = true;
    }
}
