package dev.junction.relay.punch;

import dev.junction.relay.circuit.Circuit;
import dev.junction.relay.circuit.CircuitTable;
import dev.junction.relay.metrics.DropReason;
import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.relay.reservation.Reservation;
import dev.junction.wire.control.Candidate;
import dev.junction.wire.control.PunchFrames;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes hole-punch coordination between the two sides of an open circuit (DESIGN.md, "Hole-punch
 * coordination"). The relay adds what it observed of the sender (its TCP source and bound UDP
 * source) as RELAY_OBSERVED candidates, so a peer behind a NAT learns its public mapping even
 * without STUN; it forwards PUNCH_SYNC untouched (the peers time the start from their RTT over the
 * circuit, as DCUtR does) and counts reported outcomes.
 */
public final class PunchCoordinator {
    private final CircuitTable circuits;
    private final RelayMetrics metrics;

    public PunchCoordinator(CircuitTable circuits, RelayMetrics metrics) {
        this.circuits = circuits;
        this.metrics = metrics;
    }

    public void candidates(Reservation from, PunchFrames.Candidates frame) {
        Circuit c = open(from, frame.circuit());
        if (c == null) {
            return;
        }
        List<Candidate> list = new ArrayList<>(frame.candidates());
        list.removeIf(k -> k.kind() == Candidate.Kind.RELAY_OBSERVED); // only the relay may claim these
        add(list, Candidate.Transport.TCP, from.observedTcp());
        add(list, Candidate.Transport.UDP, from.udpAddress());
        c.other(from).link().send(new PunchFrames.Candidates(c.id(), list));
    }

    private static void add(List<Candidate> list, Candidate.Transport transport, InetSocketAddress address) {
        if (address != null && list.size() < PunchFrames.MAX_CANDIDATES) {
            list.add(new Candidate(Candidate.Kind.RELAY_OBSERVED, transport, address));
        }
    }

    public void sync(Reservation from, PunchFrames.PunchSync frame) {
        Circuit c = open(from, frame.circuit());
        if (c != null) {
            metrics.punchSync();
            c.other(from).link().send(frame);
        }
    }

    public void result(Reservation from, PunchFrames.PunchResult frame) {
        if (open(from, frame.circuit()) != null) {
            metrics.punchResult(frame.outcome());
        }
    }

    private Circuit open(Reservation from, int id) {
        Circuit c = circuits.get(id);
        if (c == null || c.state() != Circuit.State.OPEN || !c.has(from)) {
            metrics.drop(DropReason.UNKNOWN_CIRCUIT);
            return null;
        }
        return c;
    }
}
