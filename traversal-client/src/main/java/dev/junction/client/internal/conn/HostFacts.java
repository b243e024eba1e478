package dev.junction.client.internal.conn;

import dev.junction.client.internal.punch.Candidates;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.session.NatHint;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What this host knows of itself that every session's punching uses: the session socket's address
 * as the relay sees it over UDP, the control connection's public address, the relay's signed
 * statements of both (sent to peers), and the session socket's mapping behaviour. Written by the
 * relay events, read by the punchers. I/O thread only (the hint is read from any thread).
 */
public final class HostFacts {
    private volatile NatHint hint = NatHint.UNKNOWN;
    private InetSocketAddress udpMapped;
    private InetSocketAddress tcpObserved;
    private AddressAttestation tcpStatement;
    private AddressAttestation udpStatement;
    /** The session socket as the relay saw it in the relay's other address family, and its statement (or null). */
    private InetSocketAddress otherMapped;
    private AddressAttestation otherStatement;
    /** The session socket's port as the gateway mapped it (PCP, NAT-PMP), or null. */
    private volatile InetSocketAddress portMapped;

    /** The session socket's mapping behaviour, measured after each UDP bind (for port prediction). */
    public NatHint hint() {
        return hint;
    }

    public void hint(NatHint h) {
        this.hint = h;
    }

    /** The control connection's source as the relay saw it (LOGIN_OK) and the relay's statement of it. */
    public void tcpObserved(InetSocketAddress a, AddressAttestation statement) {
        this.tcpObserved = a;
        this.tcpStatement = statement;
    }

    /** The UDP binding holds: the session socket as the relay sees it, and the relay's statement of it. */
    public void udpBound(InetSocketAddress mapped, AddressAttestation statement) {
        this.udpMapped = mapped;
        this.udpStatement = statement;
    }

    /** The UDP binding is gone. */
    public void udpUnbound() {
        this.udpMapped = null;
        this.udpStatement = null;
    }

    /** The gateway mapped the session socket's port to {@code external} (null: no mapping now). */
    public void portMapped(InetSocketAddress external) {
        this.portMapped = external;
    }

    /** The relay saw the session socket at {@code mapped} in its other address family (null: not, or no longer). */
    public void otherFamily(InetSocketAddress mapped, AddressAttestation statement) {
        this.otherMapped = mapped;
        this.otherStatement = statement;
    }

    /** The gateway's mapping of the session socket's port, or null. */
    public InetSocketAddress portMapped() {
        return portMapped;
    }

    /** The session socket's address as the relay sees it over UDP, or null when UDP is not bound. */
    public InetSocketAddress udpMapped() {
        return udpMapped;
    }

    /** The relay's signed statements of this host's addresses: UDP, TCP, then UDP in the relay's other family. */
    public List<AddressAttestation> statements() {
        List<AddressAttestation> out = new ArrayList<>(2);
        if (udpStatement != null) {
            out.add(udpStatement);
        }
        if (tcpStatement != null) {
            out.add(tcpStatement);
        }
        if (otherStatement != null) {
            out.add(otherStatement);
        }
        return out;
    }

    /**
     * UDP candidates of the session socket bound at {@code local}: the relay's view of it, the
     * gateway's mapping (where a peer behind a symmetric NAT gets in), the relay's view in its other
     * address family (a host behind NAT66 or NPTv6 is reachable only there), then the host's own.
     */
    List<InetSocketAddress> udpCandidates(InetSocketAddress local) {
        List<InetSocketAddress> out = afterRelaysView(Candidates.gather(local, udpMapped), otherMapped);
        return afterRelaysView(out, portMapped);
    }

    /** {@code list} with {@code extra} right after the relay's view (first when there is none), capped; as it was when null or present. */
    private List<InetSocketAddress> afterRelaysView(List<InetSocketAddress> list, InetSocketAddress extra) {
        if (extra == null || list.contains(extra)) {
            return list;
        }
        List<InetSocketAddress> out = new ArrayList<>(list);
        out.add(udpMapped == null ? 0 : Math.min(1, out.size()), extra);
        return out.size() > Candidates.MAX ? out.subList(0, Candidates.MAX) : out;
    }

    /** TCP candidates of the session's TCP port {@code local}: the public IP for TCP is the control connection's. */
    List<InetSocketAddress> tcpCandidates(InetSocketAddress local) {
        return Candidates.gather(local, tcpObserved == null ? null : new InetSocketAddress(tcpObserved.getAddress(), local.getPort()));
    }
}
