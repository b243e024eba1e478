package dev.junction.relay.circuit;

import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.relay.reservation.Reservation;
import dev.junction.relay.reservation.ReservationRegistry;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.identity.PeerId;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The relay's circuits: opening on CONNECT/ACCEPT, closing for every reason, the limits that close
 * them. State changes synchronize on the circuit; the forwarding path only reads the map.
 */
public final class CircuitTable {
    /**
     * A callee has this long to ACCEPT before the caller is told REJECTED. A client accepts (or
     * refuses) within one round trip; a pending circuit that lingers only serves a lockout.
     */
    public static final Duration PENDING_TIMEOUT = Duration.ofSeconds(5);
    /** Circuits one caller may have pending (CONNECT sent, no ACCEPT yet) at once, to all callees. */
    public static final int PENDING_PER_CALLER = 8;
    /** Circuits one caller may have pending towards one callee: a retry, not a siege. */
    public static final int PENDING_PER_PAIR = 2;
    private static final System.Logger LOG = System.getLogger("junction.relay.circuit");

    /** A circuit, or why none was opened. */
    public record Outcome(Circuit circuit, ErrorCode error) {
    }

    private final CircuitIndex circuits = new CircuitIndex();
    private final AtomicInteger nextId = new AtomicInteger(new SecureRandom().nextInt() & 0x3fff_ffff);
    private final int perReservation;
    private final CircuitLimits limits;
    private final Set<PeerId> unlimited;
    private final RelayMetrics metrics;
    private final Clock clock;
    private volatile boolean draining;

    public CircuitTable(int perReservation, CircuitLimits limits, Set<PeerId> unlimited, RelayMetrics metrics, Clock clock) {
        this.perReservation = perReservation;
        this.limits = limits;
        this.unlimited = Set.copyOf(unlimited);
        this.metrics = metrics;
        this.clock = clock;
    }

    /** CONNECT from {@code caller}: checks the target and the limits, tells the callee (INCOMING). */
    public Outcome connect(Reservation caller, PeerId target, int request, ReservationRegistry registry) {
        if (draining) {
            return new Outcome(null, ErrorCode.DRAINING);
        }
        Reservation callee = registry.byPeer(target);
        if (callee == null || callee == caller) {
            return new Outcome(null, ErrorCode.PEER_NOT_FOUND);
        }
        return open(caller, callee, request, 0);
    }

    /**
     * CONNECT from {@code caller} to a peer homed on another relay of the fleet: {@code callee} is
     * its {@link Reservation.Kind#REMOTE} side, whose link turns INCOMING into MESH_CONNECT.
     */
    public Outcome connectRemote(Reservation caller, Reservation callee, int request) {
        if (draining) {
            return new Outcome(null, ErrorCode.DRAINING);
        }
        return open(caller, callee, request, 0);
    }

    /**
     * MESH_CONNECT from another relay of the fleet: circuit {@code id}, chosen by the caller's relay
     * (so both relays and both peers know the circuit by one ID), from {@code caller}, its
     * {@link Reservation.Kind#REMOTE} side, to {@code target} homed here. The callee's limits apply
     * here; the caller's were checked on its own relay.
     */
    public Outcome adopt(int id, Reservation caller, PeerId target, ReservationRegistry registry) {
        if (draining) {
            return new Outcome(null, ErrorCode.DRAINING);
        }
        Reservation callee = registry.byPeer(target);
        if (callee == null) {
            return new Outcome(null, ErrorCode.PEER_NOT_FOUND);
        }
        if (id == 0 || circuits.containsKey(id)) {
            // One chance in 2^30 per circuit this relay holds: the caller's relay reports it as REJECTED.
            LOG.log(System.Logger.Level.WARNING, "mesh circuit {0} refused: the ID is in use here", String.valueOf(id));
            return new Outcome(null, ErrorCode.CIRCUIT_LIMIT);
        }
        return open(caller, callee, 0, id);
    }

    /** Checks the limits and opens a pending circuit; {@code fixedId} 0 picks a fresh ID. */
    private Outcome open(Reservation caller, Reservation callee, int request, int fixedId) {
        // Pending circuits are counted apart from open ones, and per caller and pair, so callers who
        // never finish can neither lock a callee out of legitimate circuits nor exhaust its slots.
        PeerId target = callee.peer();
        if (caller.circuits().size() >= perReservation
                || count(caller, c -> c.state() == Circuit.State.PENDING && c.caller() == caller) >= PENDING_PER_CALLER
                || count(caller, c -> c.state() == Circuit.State.PENDING && c.caller() == caller
                        && c.callee().peer().equals(target)) >= PENDING_PER_PAIR
                || count(callee, c -> c.state() == Circuit.State.OPEN) >= perReservation
                || count(callee, c -> c.state() == Circuit.State.PENDING && c.callee() == callee) >= perReservation) {
            return new Outcome(null, ErrorCode.CIRCUIT_LIMIT);
        }
        CircuitLimits l = unlimited.contains(caller.peer()) || unlimited.contains(callee.peer()) ? CircuitLimits.UNLIMITED : limits;
        int id = fixedId;
        Circuit c;
        if (id != 0) {
            c = new Circuit(id, request, caller, callee, l, clock.instant());
            if (circuits.putIfAbsent(id, c) != null) {
                return new Outcome(null, ErrorCode.CIRCUIT_LIMIT);
            }
        } else {
            do {
                id = nextId.incrementAndGet();
                c = new Circuit(id, request, caller, callee, l, clock.instant());
            } while (id == 0 || circuits.putIfAbsent(id, c) != null);
        }
        for (Reservation side : new Reservation[] {caller, callee}) {
            side.circuits().add(id);
            if (side.via() != null) {
                side.via().circuits().add(id);
            }
        }
        callee.link().send(new CircuitFrames.Incoming(id, caller.peer()));
        return new Outcome(c, null);
    }

    /** How many of {@code r}'s circuits match {@code which}. */
    private int count(Reservation r, java.util.function.Predicate<Circuit> which) {
        int n = 0;
        for (Integer id : r.circuits()) {
            Circuit c = circuits.get(id);
            if (c != null && which.test(c)) {
                n++;
            }
        }
        return n;
    }

    /** ACCEPT from {@code callee}: opens the circuit and tells both sides. False if not its pending circuit. */
    public boolean accept(Reservation callee, int id) {
        Circuit c = circuits.get(id);
        if (c == null || c.callee() != callee) {
            return false;
        }
        synchronized (c) {
            if (c.state() != Circuit.State.PENDING) {
                return false;
            }
            c.state(Circuit.State.OPEN);
        }
        metrics.circuitOpened();
        c.caller().link().send(new CircuitFrames.CircuitOpen(id, c.request(), callee.peer()));
        callee.link().send(new CircuitFrames.CircuitOpen(id, 0, c.caller().peer()));
        LOG.log(System.Logger.Level.INFO, "circuit {0} open: {1} -> {2}", String.valueOf(id), c.caller().peer(), callee.peer());
        return true;
    }

    /**
     * Closes {@code c} for {@code reason}, telling each side but {@code initiator} (which may be
     * null). Idempotent.
     */
    public void close(Circuit c, CloseReason reason, Reservation initiator) {
        boolean wasPending;
        synchronized (c) {
            if (c.state() == Circuit.State.CLOSED) {
                return;
            }
            wasPending = c.state() == Circuit.State.PENDING;
            c.state(Circuit.State.CLOSED);
        }
        circuits.remove(c.id(), c);
        for (Reservation side : new Reservation[] {c.caller(), c.callee()}) {
            side.circuits().remove(c.id());
            if (side.via() != null) {
                side.via().circuits().remove(c.id());
            }
        }
        metrics.circuitClosed(reason); // before the peers hear of it, so a scrape never lags what they saw
        CircuitFrames.CircuitClose frame = new CircuitFrames.CircuitClose(c.id(), reason, c.bytes());
        for (Reservation side : new Reservation[] {c.caller(), c.callee()}) {
            if (side == initiator) {
                continue;
            }
            if (wasPending && side == c.caller()) {
                // The caller has not learnt the circuit ID yet: answer its CONNECT request instead.
                ErrorCode code = switch (reason) {
                    case RELAY_DRAINING -> ErrorCode.DRAINING;
                    case PEER_GONE -> ErrorCode.PEER_NOT_FOUND;
                    case RELAY_UNREACHABLE -> ErrorCode.RELAY_UNREACHABLE;
                    default -> ErrorCode.REJECTED;
                };
                side.link().send(new LinkFrames.Error(c.request(), code, code.hint()));
            } else {
                side.link().send(frame);
            }
        }
        LOG.log(System.Logger.Level.INFO, "circuit {0} closed: {1}, {2} bytes relayed in {3} ms", String.valueOf(c.id()), reason.label(),
                String.valueOf(c.bytes()), String.valueOf(Duration.between(c.created(), clock.instant()).toMillis()));
    }

    /**
     * Closes every circuit of {@code r} (it left, expired or was replaced; or, for a mesh link, the
     * link went down); the other sides are told, {@code r} is not.
     */
    public void closeAll(Reservation r, CloseReason reason) {
        for (Integer id : List.copyOf(r.circuits())) {
            Circuit c = circuits.get(id);
            if (c != null) {
                close(c, reason, r.kind() == Reservation.Kind.MESH_LINK ? c.sideVia(r) : r);
            }
        }
    }

    public Circuit get(int id) {
        return circuits.get(id);
    }

    /** Closes circuits past their duration limit and pending ones whose callee never answered. */
    public void sweep(Instant now) {
        for (Circuit c : circuits.values()) {
            Duration age = Duration.between(c.created(), now);
            if (c.state() == Circuit.State.PENDING && age.compareTo(PENDING_TIMEOUT) > 0) {
                close(c, CloseReason.REJECTED, null);
            } else if (!c.limits().maxDuration().isZero() && age.compareTo(c.limits().maxDuration()) > 0) {
                close(c, CloseReason.DURATION_LIMIT, null);
            }
        }
    }

    public int size() {
        return circuits.size();
    }

    /** From now on CONNECT is refused with DRAINING; open circuits run on. */
    public void startDraining() {
        draining = true;
    }

    /** Closes every circuit (the relay is stopping). */
    public void closeEverything(CloseReason reason) {
        for (Circuit c : circuits.values()) {
            close(c, reason, null);
        }
    }
}
