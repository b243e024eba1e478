package dev.junction.client.internal;

import dev.junction.client.internal.net.SessionSocket;
import dev.junction.client.internal.punch.Puncher;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.udp.RelayDataHeader;
import dev.junction.wire.udp.UdpCodec;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * What arrives on the client's UDP sockets, sorted by kind: STUN to the STUN client, relayed data
 * to the mux, PROBEs to their puncher, BIND_ACK and PONG to the UDP binding, direct QUIC packets to
 * the mux. One instance serves the session socket; each port-prediction socket gets its own, which
 * takes only PROBEs and QUIC (its replies must leave from the socket the probe came in on).
 * I/O thread only.
 */
final class Datagrams implements SessionSocket.Inbound {
    private static final System.Logger LOG = System.getLogger("junction.client");

    private final ClientCore core;
    private final boolean main;
    /** The socket this instance serves; set once bound. */
    private SessionSocket socket;

    private Datagrams(ClientCore core, boolean main) {
        this.core = core;
        this.main = main;
    }

    /** The session socket's (bound by the caller, then {@link #serve}d). */
    static Datagrams forSessionSocket(ClientCore core) {
        return new Datagrams(core, true);
    }

    void serve(SessionSocket s) {
        this.socket = s;
    }

    /**
     * Binds an extra UDP socket at {@code local} for port prediction (without blocking; on the I/O
     * thread); {@code ready} gets it once bound, unless the client closed meanwhile.
     */
    static void openExtra(ClientCore core, InetSocketAddress local, Consumer<SessionSocket> ready) {
        Datagrams in = new Datagrams(core, false);
        SessionSocket.open(core.transport(), local, in, s -> {
            if (core.isClosed()) {
                s.close();
                return;
            }
            in.serve(s);
            ready.accept(s);
        });
    }

    @Override
    public void stun(DatagramPacket packet) {
        if (main) {
            core.stun().onPacket(packet);
        } else {
            packet.release();
        }
    }

    @Override
    public void junction(DatagramPacket packet) {
        try {
            if (socket == null) {
                return;
            }
            ByteBuf c = packet.content();
            long circuit = UdpCodec.relayDataCircuit(c);
            if (circuit >= 0) {
                if (main && packet.sender().equals(core.udp().relay())) {
                    core.mux().relayData((int) circuit, c.retainedSlice(c.readerIndex() + RelayDataHeader.LENGTH, c.readableBytes() - RelayDataHeader.LENGTH));
                }
                return;
            }
            UdpFrame frame = UdpCodec.decode(c);
            if (frame instanceof UdpFrame.Probe probe) {
                Puncher p = core.punching().byId(probe.session());
                if (p != null) {
                    p.onProbe(probe, packet.sender(), socket);
                }
            } else if (frame instanceof UdpFrame.ProbeAck ack) {
                Puncher p = core.punching().byId(ack.session());
                if (p != null) {
                    p.onProbeAck(ack, packet.sender(), socket);
                }
            } else if (main) {
                core.udp().onFrame(frame, packet.sender());
            }
        } catch (WireFormatException e) {
            LOG.log(System.Logger.Level.DEBUG, "dropped a malformed datagram from {0}: {1}", packet.sender(), e.getMessage());
        } finally {
            packet.release();
        }
    }

    @Override
    public void quic(DatagramPacket packet) {
        // Only from addresses that proved a session's punch key; anything else is dropped.
        core.mux().directData(packet.sender(), packet.content().retain());
        packet.release();
    }

    @Override
    public void readComplete() {
        core.mux().readComplete();
    }
}
