package dev.junction.relay.turn;

import dev.junction.wire.Bytes;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * One TURN allocation (RFC 8656 section 2.2): a relayed UDP socket on the relay held for one client
 * 5-tuple, with the permissions and channels the client installed and when each expires. Confined to
 * its client's event loop (the relayed socket is registered there too), so nothing here locks; only
 * the immutable fields are read elsewhere.
 */
final class Allocation {
    /** RFC 8656 section 9: a permission lives 300 s unless refreshed. */
    static final long PERMISSION_NANOS = 300_000_000_000L;
    /** RFC 8656 section 12: a channel binding lives 600 s unless refreshed. */
    static final long CHANNEL_NANOS = 600_000_000_000L;
    /** RFC 8656 section 12: an expired channel's number and peer stay unusable for 5 more minutes. */
    static final long CHANNEL_QUARANTINE_NANOS = 300_000_000_000L;

    /** A bound channel: its number, its peer, until when. */
    static final class Binding {
        final int number;
        final InetSocketAddress peer;
        long expiresAt;

        Binding(int number, InetSocketAddress peer, long expiresAt) {
            this.number = number;
            this.peer = peer;
            this.expiresAt = expiresAt;
        }

        boolean live(long now) {
            return now - expiresAt < 0;
        }
    }

    final FiveTuple key;
    final ClientPath client;
    /** Null when the relay runs open and the client sent no credentials. */
    final String username;
    final String sourceKey;
    final Bytes allocateTransaction;
    final TokenBucket bandwidth;
    /** The key of the credentials the allocation was made with, for the integrity of responses; null when open. */
    byte[] integrityKey;
    Channel relayed;
    InetSocketAddress relayedAddress;
    long expiresAt;
    /** Set once the allocation is gone: late callbacks see it and do nothing. */
    boolean freed;
    private final Map<InetAddress, Long> permissions = new HashMap<>();
    private final Map<Integer, Binding> channels = new HashMap<>();
    private final Map<InetSocketAddress, Binding> channelsByPeer = new HashMap<>();

    Allocation(FiveTuple key, ClientPath client, String username, String sourceKey, Bytes allocateTransaction, TokenBucket bandwidth) {
        this.key = key;
        this.client = client;
        this.username = username;
        this.sourceKey = sourceKey;
        this.allocateTransaction = allocateTransaction;
        this.bandwidth = bandwidth;
    }

    boolean bound() {
        return relayed != null;
    }

    boolean permitted(InetAddress peer, long now) {
        Long until = permissions.get(peer);
        return until != null && now - until < 0;
    }

    int permissionCount() {
        return permissions.size();
    }

    int channelCount() {
        return channels.size();
    }

    /** Installs or refreshes a permission; false when {@code limit} distinct peers already have one. */
    boolean permit(InetAddress peer, long now, int limit) {
        if (!permissions.containsKey(peer) && permissions.size() >= limit) {
            return false;
        }
        permissions.put(peer, now + PERMISSION_NANOS);
        return true;
    }

    /** The live channel bound to {@code number}, or null. */
    Binding channel(int number, long now) {
        Binding b = channels.get(number);
        return b != null && b.live(now) ? b : null;
    }

    /** The live channel bound to {@code peer}, or null. */
    Binding channelTo(InetSocketAddress peer, long now) {
        Binding b = channelsByPeer.get(peer);
        return b != null && b.live(now) ? b : null;
    }

    /** The outcome of a ChannelBind. */
    enum BindResult {
        BOUND,
        /** The number is bound to another peer, or the peer to another number (400). */
        CONFLICT,
        /** The channel limit is reached (508). */
        FULL
    }

    /**
     * Binds {@code number} to {@code peer} or refreshes that binding. A number or peer whose binding
     * expired less than five minutes ago may only be bound to the same partner again (RFC 8656 section 12).
     */
    BindResult bind(int number, InetSocketAddress peer, long now, int limit) {
        Binding byNumber = channels.get(number);
        Binding byPeer = channelsByPeer.get(peer);
        if ((byNumber != null && !byNumber.peer.equals(peer)) || (byPeer != null && byPeer.number != number)) {
            return BindResult.CONFLICT;
        }
        if (byNumber == null && channels.size() >= limit) {
            return BindResult.FULL;
        }
        if (byNumber == null) {
            byNumber = new Binding(number, peer, now + CHANNEL_NANOS);
            channels.put(number, byNumber);
            channelsByPeer.put(peer, byNumber);
        } else {
            byNumber.expiresAt = now + CHANNEL_NANOS;
        }
        return BindResult.BOUND;
    }

    /** Forgets permissions that expired and channels past their quarantine; returns how many of each went. */
    int[] sweep(long now) {
        int permissionsGone = 0;
        for (Iterator<Long> it = permissions.values().iterator(); it.hasNext(); ) {
            if (now - it.next() >= 0) {
                it.remove();
                permissionsGone++;
            }
        }
        int channelsGone = 0;
        for (Iterator<Binding> it = channels.values().iterator(); it.hasNext(); ) {
            Binding b = it.next();
            if (now - b.expiresAt - CHANNEL_QUARANTINE_NANOS >= 0) {
                it.remove();
                channelsByPeer.remove(b.peer);
                channelsGone++;
            }
        }
        return new int[] {permissionsGone, channelsGone};
    }
}
