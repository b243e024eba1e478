package dev.junction.relay.circuit;

import dev.junction.relay.reservation.Reservation;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A relayed connection between two reservations. Opaque session datagrams flow both ways; the relay
 * counts them against the limits and never reads them.
 */
public final class Circuit {
    /** The life of a circuit; assigned only by {@link CircuitTable}. */
    public enum State {
        /** Entered on CONNECT: INCOMING was sent to the callee, whose ACCEPT is awaited. */
        PENDING,
        /** Entered on the callee's ACCEPT: datagrams are forwarded. */
        OPEN,
        /** Entered on CIRCUIT_CLOSE, a crossed limit, a peer leaving, or the relay draining. */
        CLOSED
    }

    private final int id;
    private final int request;
    private final Reservation caller;
    private final Reservation callee;
    private final CircuitLimits limits;
    private final Instant created;
    private final AtomicLong bytes = new AtomicLong();
    private final RateWindow rate;
    private volatile State state = State.PENDING;
    /** Which transport each side last sent on; the relay answers it on the same one. */
    private volatile boolean callerOnUdp;
    private volatile boolean calleeOnUdp;

    Circuit(int id, int request, Reservation caller, Reservation callee, CircuitLimits limits, Instant created) {
        this.id = id;
        this.request = request;
        this.caller = caller;
        this.callee = callee;
        this.limits = limits;
        this.created = created;
        this.rate = new RateWindow(limits.packetsPerSecond());
        this.callerOnUdp = caller.udpAddress() != null;
        this.calleeOnUdp = callee.udpAddress() != null;
    }

    public int id() {
        return id;
    }

    public int request() {
        return request;
    }

    public Reservation caller() {
        return caller;
    }

    public Reservation callee() {
        return callee;
    }

    public State state() {
        return state;
    }

    void state(State s) {
        this.state = s;
    }

    public Instant created() {
        return created;
    }

    public CircuitLimits limits() {
        return limits;
    }

    public long bytes() {
        return bytes.get();
    }

    /** Adds {@code n} relayed bytes; returns the new total. */
    long addBytes(int n) {
        return bytes.addAndGet(n);
    }

    RateWindow rate() {
        return rate;
    }

    public boolean has(Reservation r) {
        return r == caller || r == callee;
    }

    /** The side of this circuit reached through mesh link {@code link}, or null. */
    public Reservation sideVia(Reservation link) {
        return caller.via() == link ? caller : callee.via() == link ? callee : null;
    }

    /** The other side, for a side of this circuit. */
    public Reservation other(Reservation side) {
        return side == caller ? callee : caller;
    }

    void sentOn(Reservation side, boolean udp) {
        if (side == caller) {
            callerOnUdp = udp;
        } else {
            calleeOnUdp = udp;
        }
    }

    /** True when the relay should reach {@code side} over UDP: it last sent on UDP and is bound. */
    boolean reachByUdp(Reservation side) {
        return (side == caller ? callerOnUdp : calleeOnUdp) && side.udpAddress() != null;
    }

    @Override
    public String toString() {
        return "circuit " + id + " " + caller.peer().shortString() + " -> " + callee.peer().shortString();
    }
}
