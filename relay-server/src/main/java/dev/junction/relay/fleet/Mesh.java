package dev.junction.relay.fleet;

import dev.junction.relay.reservation.Reservation;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.identity.PeerId;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This relay's links to the other relays of its fleet (the DERP mesh shape: every relay linked to
 * every other, traffic forwarded at most one hop) and the routing of a CONNECT to a peer homed
 * elsewhere. Links are control connections (TLS, mesh login) held as {@link Reservation.Kind#MESH_LINK}
 * reservations; the control layer opens and serves them and reports them here. Of two relays, the
 * one with the smaller PeerId keeps the link up; either dials at once when it needs the other and
 * has no link.
 */
public final class Mesh {
    private static final System.Logger LOG = System.getLogger("junction.relay.fleet");
    /** First wait before dialling a relay again after a failed dial; doubles up to {@link #MAX_BACKOFF}. */
    static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    /** Longest wait between dials to an unreachable relay: it comes back into use within this. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** Opens a mesh link to a relay; completes with the link once logged in. Provided by the control layer. */
    public interface Dialer {
        CompletionStage<Reservation> dial(RelayEntry relay);
    }

    /** Where a CONNECT to a peer not homed here goes: a mesh link, or the error to answer. */
    public record Route(Reservation link, ErrorCode error) {
    }

    private record Backoff(long untilNanos, Duration next) {
    }

    private final PeerId self;
    private final RedisDirectory directory;
    private final FleetSecret secret;
    private final FleetMetrics metrics;
    private final Clock clock;
    private final Map<PeerId, Reservation> links = new ConcurrentHashMap<>();
    private final Map<PeerId, CompletableFuture<Reservation>> dialling = new ConcurrentHashMap<>();
    private final Map<PeerId, Backoff> backoff = new ConcurrentHashMap<>();
    private volatile Dialer dialer;

    public Mesh(PeerId self, RedisDirectory directory, FleetSecret secret, FleetMetrics metrics, Clock clock) {
        this.self = self;
        this.directory = directory;
        this.secret = secret;
        this.metrics = metrics;
        this.clock = clock;
        metrics.gauges(links::size, () -> directory.relays().size(),
                () -> links.values().stream().mapToInt(l -> l.circuits().size()).sum());
    }

    /** Set once at start, before the first heartbeat. */
    public void dialer(Dialer d) {
        this.dialer = d;
    }

    public RedisDirectory directory() {
        return directory;
    }

    /** Routes a CONNECT to {@code target}, which holds no reservation here. Completes on a directory or event-loop thread. */
    public CompletionStage<Route> route(PeerId target) {
        return directory.lookup(target).thenCompose(found -> switch (found.outcome()) {
            case FAILED -> CompletableFuture.completedFuture(new Route(null, ErrorCode.DIRECTORY_UNAVAILABLE));
            case ABSENT -> CompletableFuture.completedFuture(new Route(null, ErrorCode.PEER_NOT_FOUND));
            case OK -> found.home().relay().equals(self)
                    // The directory still names this relay but the peer has left it.
                    ? CompletableFuture.completedFuture(new Route(null, ErrorCode.PEER_NOT_FOUND))
                    : linkTo(found.home()).handle((link, e) -> e == null
                            ? new Route(link, null) : new Route(null, ErrorCode.RELAY_UNREACHABLE));
        });
    }

    /** A link to {@code relay}: the one up, the dial under way, or a new dial (failing at once while backing off). */
    CompletionStage<Reservation> linkTo(RelayEntry relay) {
        Reservation up = links.get(relay.relay());
        if (up != null && up.controlChannel().isActive()) {
            return CompletableFuture.completedFuture(up);
        }
        Backoff b = backoff.get(relay.relay());
        if (b != null && System.nanoTime() - b.untilNanos() < 0) {
            return CompletableFuture.failedFuture(new IllegalStateException("relay " + relay.relay().shortString() + " unreachable; backing off"));
        }
        PeerId id = relay.relay();
        CompletableFuture<Reservation> fresh = new CompletableFuture<>();
        CompletableFuture<Reservation> under = dialling.putIfAbsent(id, fresh);
        if (under != null) {
            return under;
        }
        dialer.dial(relay).whenComplete((link, e) -> {
            dialling.remove(id, fresh);
            metrics.dialled(e == null);
            if (e == null) {
                backoff.remove(id);
                fresh.complete(link);
                return;
            }
            Backoff last = backoff.get(id);
            Duration wait = last == null ? MIN_BACKOFF : min(last.next().multipliedBy(2), MAX_BACKOFF);
            backoff.put(id, new Backoff(System.nanoTime() + wait.toNanos(), wait));
            LOG.log(System.Logger.Level.WARNING, "mesh link to {0} at {1} failed ({2}); next try in {3} s", id,
                    relay.control(), e.getMessage(), String.valueOf(wait.toSeconds()));
            fresh.completeExceptionally(e);
        });
        return fresh;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * After a heartbeat: dials each relay of the fleet this relay keeps the link to (those with a
     * larger PeerId) that has none and is not backing off.
     */
    public void maintain() {
        String me = self.toString();
        for (RelayEntry r : directory.relays().values()) {
            if (r.relay().equals(self) || me.compareTo(r.relay().toString()) > 0) {
                continue;
            }
            Reservation up = links.get(r.relay());
            if ((up == null || !up.controlChannel().isActive()) && !dialling.containsKey(r.relay())) {
                Backoff b = backoff.get(r.relay());
                if (b == null || System.nanoTime() - b.untilNanos() >= 0) {
                    linkTo(r);
                }
            }
        }
    }

    /** A mesh link logged in (either direction): it carries new cross-relay circuits from now on. */
    public void linkUp(Reservation link) {
        Reservation before = links.put(link.peer(), link);
        backoff.remove(link.peer());
        LOG.log(System.Logger.Level.INFO, "mesh link up: relay {0}{1}", link.peer(), before != null ? " (replacing an older link)" : "");
    }

    /** A mesh link closed; its circuits are the caller's to close. */
    public void linkDown(Reservation link) {
        if (links.remove(link.peer(), link)) {
            metrics.linkLost();
            LOG.log(System.Logger.Level.INFO, "mesh link down: relay {0}", link.peer());
        }
    }

    /**
     * True when {@code token} admits relay {@code relay} to this relay's mesh: minted with the fleet
     * secret, and {@code relay} on fleet.allow-list when there is one.
     */
    public boolean admits(PeerId relay, String token) {
        return secret.admits(token, relay, clock.instant()) && directory.allowed(relay);
    }

    /** The AUTH token this relay presents when it dials another. */
    public String token() {
        return secret.meshToken(self, clock.instant());
    }

    private volatile LinkFrames.RelayMap lastMap = new LinkFrames.RelayMap(java.util.List.of());

    /** The fleet's relays as clients are told (RELAY_MAP): by region, then PeerId; at most {@link LinkFrames.RelayMap#MAX_RELAYS}. */
    public LinkFrames.RelayMap relayMap() {
        java.util.List<LinkFrames.RelayMap.Entry> out = directory.relays().values().stream()
                .sorted(java.util.Comparator.comparing(RelayEntry::region).thenComparing(r -> r.relay().toString()))
                .limit(LinkFrames.RelayMap.MAX_RELAYS)
                .map(r -> new LinkFrames.RelayMap.Entry(r.address(), r.region())).toList();
        return new LinkFrames.RelayMap(out);
    }

    /** The relay map when it differs from the one this method returned last (clients are told then), else null. */
    public synchronized LinkFrames.RelayMap relayMapIfChanged() {
        LinkFrames.RelayMap now = relayMap();
        if (now.equals(lastMap)) {
            return null;
        }
        lastMap = now;
        return now;
    }

    /**
     * The far end of a cross-relay circuit: {@code peer}, homed on the relay at the other end of
     * {@code link}. {@code caller}: it asked for circuit {@code circuit} (this relay holds the callee).
     */
    public static Reservation remoteSide(Reservation link, PeerId peer, boolean caller, int circuit) {
        return Reservation.remote(peer, link, new RemoteLink(link, peer, caller, circuit));
    }

    /** The links up now, by relay (for tests and the admin view). */
    public Map<PeerId, Reservation> links() {
        return Map.copyOf(links);
    }

    public void forged() {
        metrics.forged();
    }
}
