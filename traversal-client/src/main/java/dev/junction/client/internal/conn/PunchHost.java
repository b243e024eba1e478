package dev.junction.client.internal.conn;

import dev.junction.client.internal.net.SessionSocket;
import dev.junction.client.internal.net.TcpPath;
import dev.junction.client.internal.net.UdpPort;
import dev.junction.client.internal.path.Route;
import dev.junction.client.internal.punch.Puncher;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.session.SessionCodec;
import dev.junction.wire.session.SessionMessage;
import dev.junction.wire.udp.UdpCodec;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What one punch attempt of a {@link Connection} does: send probes, open and close its extra
 * sockets and TCP paths, move the session between paths, tell the listener how punching went.
 * Made afresh for each attempt (its sockets and paths go with it). I/O thread only.
 */
final class PunchHost implements Puncher.Host, TcpPath.Inbound {
    /** TCP simultaneous open keeps trying this long. */
    static final long TCP_WINDOW_MS = 8000;
    /** Each connect attempt waits this long for the peer's SYN or SYN-ACK before a fresh SYN. */
    static final int TCP_CONNECT_TIMEOUT_MS = 500;
    /** Pause after a refused attempt (the peer's socket was not connecting yet). */
    static final long TCP_RETRY_MS = 100;

    private final ConnectionContext ctx;
    private final Connection connection;
    private final Route route;
    private final List<SessionSocket> extra = new ArrayList<>();
    private final List<TcpPath> tcpPaths = new ArrayList<>();
    private boolean tcpClosed;
    /** The TCP path that proved the punch key; its datagrams are the session's QUIC packets. */
    private TcpPath tcpAuthed;
    private Puncher puncher;

    PunchHost(ConnectionContext ctx, Connection connection) {
        this.ctx = ctx;
        this.connection = connection;
        this.route = connection.route();
    }

    /** The puncher this host serves (set once it exists). */
    void puncher(Puncher p) {
        this.puncher = p;
    }

    @Override
    public UdpPort main() {
        return ctx.socket();
    }

    @Override
    public void send(UdpFrame frame, InetSocketAddress to, UdpPort via) {
        ByteBuf b = ctx.socket().channel().alloc().ioBuffer(96);
        UdpCodec.encode(frame, b);
        via.send(b, to);
    }

    @Override
    public void openExtraSockets(int n, Consumer<UdpPort> ready) {
        // Beside the session socket, on its address: the same interface, another port each.
        InetSocketAddress local = new InetSocketAddress(ctx.socket().localAddress().getAddress(), 0);
        for (int i = 0; i < n; i++) {
            ctx.extraSockets().open(local, s -> {
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
    public void sendInSession(SessionMessage message) {
        connection.session().sendControl(SessionCodec.toBuffer(message));
    }

    @Override
    public void connectTcp(List<InetSocketAddress> targets, Supplier<UdpFrame> hello) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TCP_WINDOW_MS);
        for (InetSocketAddress t : targets) {
            tryTcp(t, hello, deadline);
        }
    }

    private void tryTcp(InetSocketAddress target, Supplier<UdpFrame> hello, long deadline) {
        if (tcpClosed || tcpAuthed != null || System.nanoTime() > deadline) {
            return;
        }
        long started = System.nanoTime();
        TcpPath.connect(ctx.transport(), ctx.tcpLocal(), target, TCP_CONNECT_TIMEOUT_MS, this, path -> {
            if (path == null) {
                // Timed out (the SYN was dropped) or refused (the peer was not connecting yet): a fresh SYN soon.
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                ctx.loop().schedule(() -> tryTcp(target, hello, deadline), Math.max(0, TCP_RETRY_MS - waited), TimeUnit.MILLISECONDS);
                return;
            }
            if (tcpClosed || tcpAuthed != null) {
                path.close();
                return;
            }
            tcpPaths.add(path);
            send(hello.get(), target, path);
        });
    }

    @Override
    public void datagram(TcpPath path, ByteBuf datagram) {
        if (path == tcpAuthed) {
            ctx.mux().tcpData(route, datagram);
            return;
        }
        try {
            if (UdpCodec.decode(datagram) instanceof UdpFrame.Probe probe && puncher != null && puncher.onTcpProbe(probe, path)) {
                tcpAuthed = path;
                tcpPaths.removeIf(p -> {
                    if (p != path) {
                        p.close();
                    }
                    return p != path;
                });
            } else {
                path.close();
            }
        } catch (WireFormatException e) {
            path.close();
        } finally {
            datagram.release();
        }
    }

    @Override
    public void readComplete(TcpPath path) {
        ctx.mux().readComplete();
    }

    @Override
    public void closed(TcpPath path) {
        tcpPaths.remove(path);
        if (path == tcpAuthed) {
            tcpAuthed = null;
            if (puncher != null) {
                puncher.onTcpClosed(path);
            }
        }
    }

    @Override
    public void directTcp(TcpPath path) {
        ctx.mux().directTcp(route, path);
        connection.announce();
        finished(true);
    }

    @Override
    public void keyed(long punchId) {
        connection.keyed(punchId, puncher);
    }

    @Override
    public void closeTcp() {
        tcpClosed = true;
        tcpAuthed = null;
        new ArrayList<>(tcpPaths).forEach(TcpPath::close);
        tcpPaths.clear();
    }

    @Override
    public void authorize(InetSocketAddress peer) {
        ctx.mux().authorize(route, peer);
    }

    @Override
    public void direct(InetSocketAddress peer, UdpPort via) {
        ctx.mux().direct(route, peer, via);
        connection.announce();
        finished(true);
    }

    @Override
    public void moveDirect(InetSocketAddress peer, UdpPort via) {
        ctx.mux().direct(route, peer, via);
        connection.announce();
    }

    @Override
    public void lost() {
        connection.directLost();
    }

    @Override
    public void failed() {
        finished(false);
    }

    private void finished(boolean direct) {
        ctx.listener().punchFinished(connection.session(), direct, puncher == null ? 0 : puncher.probesSent(),
                connection.session().elapsedMillis());
    }
}
