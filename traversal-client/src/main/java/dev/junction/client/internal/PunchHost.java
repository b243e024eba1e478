package dev.junction.client.internal;

import dev.junction.client.internal.net.SessionSocket;
import dev.junction.client.internal.net.UdpPort;
import dev.junction.client.internal.path.Route;
import dev.junction.client.internal.punch.Puncher;
import dev.junction.client.internal.session.SessionImpl;
import dev.junction.wire.control.PunchFrames;
import dev.junction.wire.udp.UdpCodec;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** What a session's {@link Puncher} does to the client: send probes, move the session between paths, report. */
final class PunchHost implements Puncher.Host {
    private final ClientCore core;
    private final SessionImpl session;
    private final Route route;
    private final List<SessionSocket> extra = new ArrayList<>();
    private Puncher puncher;

    PunchHost(ClientCore core, SessionImpl session, Route route) {
        this.core = core;
        this.session = session;
        this.route = route;
    }

    /** The puncher this host serves (set once it exists). */
    void puncher(Puncher p) {
        this.puncher = p;
    }

    @Override
    public UdpPort main() {
        return core.socket();
    }

    @Override
    public void send(UdpFrame frame, InetSocketAddress to, UdpPort via) {
        ByteBuf b = core.socket().channel().alloc().ioBuffer(96);
        UdpCodec.encode(frame, b);
        via.send(b, to);
    }

    @Override
    public void openExtraSockets(int n, Consumer<UdpPort> ready) {
        // Beside the session socket, on its address: the same interface, another port each.
        InetSocketAddress local = new InetSocketAddress(core.socket().localAddress().getAddress(), 0);
        for (int i = 0; i < n; i++) {
            core.openExtraSocket(local, s -> {
                extra.add(s);
                ready.accept(s);
            });
        }
    }

    @Override
    public void closeExtraSockets(UdpPort keep) {
        extra.removeIf(s -> {
            if (s == keep) {
                return false;
            }
            s.close();
            return true;
        });
    }

    @Override
    public void sendInSession(ByteBuf datagram) {
        session.sendControl(datagram);
    }

    @Override
    public void authorize(InetSocketAddress peer) {
        core.mux().authorize(route, peer);
    }

    @Override
    public void direct(InetSocketAddress peer, UdpPort via) {
        core.mux().direct(route, peer, via);
        core.announce(session, route);
        report(PunchFrames.Outcome.DIRECT_UDP);
        core.listener().punchFinished(session, true, puncher == null ? 0 : puncher.probesSent(), session.elapsedMillis());
    }

    @Override
    public void lost() {
        if (route.relayGone()) {
            core.closeReason(session.quic(), "the direct path stopped answering and the relay circuit is gone");
            session.close();
            return;
        }
        core.mux().switchTo(route, core.relayKind());
        core.announce(session, route);
    }

    @Override
    public void failed() {
        report(PunchFrames.Outcome.FAILED);
        core.listener().punchFinished(session, false, puncher == null ? 0 : puncher.probesSent(), session.elapsedMillis());
    }

    /** The QUIC client tells the relay how punching went (its metrics); the server does not, so each attempt counts once. */
    private void report(PunchFrames.Outcome outcome) {
        if (route.clientRole()) {
            core.link().send(new PunchFrames.PunchResult(route.circuit(), 1, outcome));
        }
    }
}
