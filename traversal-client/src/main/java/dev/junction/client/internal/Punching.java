package dev.junction.client.internal;

import dev.junction.client.internal.path.Route;
import dev.junction.client.internal.punch.Candidates;
import dev.junction.client.internal.punch.NatHint;
import dev.junction.client.internal.punch.Puncher;
import dev.junction.client.internal.session.SessionImpl;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client's punchers, one per session: starting, restarting and stopping them, and handing
 * them what arrives (session control datagrams by route, PROBEs by punch ID). Also keeps what
 * they offer about this host: its mapping behaviour and its public IP for TCP. I/O thread only.
 */
final class Punching {
    private final ClientCore core;
    /** Each session's puncher, by route (a route keeps its identity when its circuit changes). */
    private final Map<Route, Puncher> byRoute = new HashMap<>();
    /** The same punchers by the punch ID their PROBEs carry. */
    private final Map<Long, Puncher> byId = new HashMap<>();
    /** The session socket's mapping behaviour, measured after each UDP bind (for port prediction). */
    private volatile NatHint hint = NatHint.UNKNOWN;
    /** The control connection's source address as the relay saw it (LOGIN_OK): this host's public IP for TCP. */
    private InetSocketAddress tcpObserved;

    Punching(ClientCore core) {
        this.core = core;
    }

    void hint(NatHint h) {
        this.hint = h;
    }

    void tcpObserved(InetSocketAddress a) {
        this.tcpObserved = a;
    }

    Puncher byId(long punchId) {
        return byId.get(punchId);
    }

    /** A puncher learnt (or chose) its key: PROBEs naming {@code punchId} go to it. */
    void keyed(long punchId, Puncher p) {
        byId.values().remove(p);
        byId.put(punchId, p);
    }

    /** Starts punching for {@code r} afresh (the QUIC client offers, the server answers), if punching is on. */
    void restart(SessionImpl s, Route r) {
        stop(r);
        if (!core.options().punch()) {
            return;
        }
        InetSocketAddress local = core.socket().localAddress();
        List<InetSocketAddress> mine = Candidates.gather(local, core.udpMapped());
        List<InetSocketAddress> mineTcp = Candidates.gather(core.tcpLocal(),
                tcpObserved == null ? null : new InetSocketAddress(tcpObserved.getAddress(), core.tcpLocal().getPort()));
        PunchHost host = new PunchHost(core, s, r);
        Puncher p = new Puncher(core.loop(), host, r.clientRole(), mine, mineTcp, () -> hint, core.options().prediction());
        host.puncher(p);
        byRoute.put(r, p);
        p.start();
    }

    void stop(Route r) {
        Puncher p = byRoute.remove(r);
        if (p != null) {
            byId.values().remove(p);
            p.close();
        }
    }

    /**
     * Punches again for {@code r}: a direct session moves to its relayed path first (the path may
     * be dead already); a QUIC server with {@code askPeer} asks its client to start over too.
     */
    void repunch(Route r, boolean askPeer) {
        SessionImpl s = core.sessionOf(r);
        if (s == null || !core.options().punch()) {
            return;
        }
        if (!r.kind().relayed()) {
            core.mux().switchTo(r, core.relayKind());
            core.announce(s, r);
            if (r.relayGone() && r.resumable()) {
                core.resumer().resume(s, r);
            }
        }
        restart(s, r);
        if (askPeer && !r.clientRole()) {
            s.sendControl(Unpooled.buffer(1).writeByte(Puncher.REPUNCH));
        }
    }

    /** A punching datagram of {@code r}'s session (type byte already read; buffer borrowed). */
    void onControl(Route r, byte type, ByteBuf in) {
        if (type == Puncher.REPUNCH) {
            if (r.clientRole()) {
                repunch(r, false);
            }
            return;
        }
        Puncher p = byRoute.get(r);
        if (type == Puncher.OFFER && p != null && p.staleFor(in)) {
            repunch(r, false); // the client punches afresh (its network changed, or a path died)
            p = byRoute.get(r);
        }
        if (p != null) {
            p.onSessionDatagram(type, in);
        }
    }
}
