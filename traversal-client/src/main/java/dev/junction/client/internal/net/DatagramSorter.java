package dev.junction.client.internal.net;

import dev.junction.wire.WireFormatException;
import dev.junction.wire.udp.RelayDataHeader;
import dev.junction.wire.udp.UdpCodec;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * What arrives on one of the client's UDP sockets, sorted once, here, to narrow consumers: STUN to
 * the STUN client, RELAY_DATA (header stripped) to the relay-UDP transport, PROBE and PROBE_ACK to
 * the punchers, the binding's BIND_ACK and PONG to the UDP binding, QUIC packets to the path mux.
 * The session socket has all of them; a port-prediction socket only PROBEs and QUIC (its replies
 * must leave from the socket the probe came in on), so its other consumers are {@link #DROP}.
 * Every consumer takes ownership of what it is given. A sorter is made before its socket is bound
 * and {@link #wire wired} once the consumers exist; until then it drops what arrives. I/O thread only.
 */
public final class DatagramSorter implements SessionSocket.Inbound {
    private static final System.Logger LOG = System.getLogger("junction.client");

    /** RELAY_DATA of {@code circuit} from {@code from}, header stripped. */
    public interface Relayed {
        void relayed(int circuit, ByteBuf payload, InetSocketAddress from);
    }

    /** PROBE or PROBE_ACK from {@code from}, on {@code via} (replies leave from it). */
    public interface Probes {
        void probe(UdpFrame frame, InetSocketAddress from, UdpPort via);
    }

    /** A Junction frame for the relay binding (BIND_ACK, PONG); borrowed. */
    public interface Binding {
        void frame(UdpFrame frame, InetSocketAddress from);
    }

    /** A QUIC packet from {@code from}. */
    public interface Quic {
        void quic(InetSocketAddress from, ByteBuf packet);
    }

    /** Consumers of a socket that takes none of a kind. */
    public static final Relayed DROP = (circuit, payload, from) -> payload.release();

    private Consumer<DatagramPacket> stun = DatagramPacket::release;
    private Relayed relayed = DROP;
    private Probes probes = (f, from, via) -> { };
    private Binding binding = (f, from) -> { };
    private Quic quic = (from, packet) -> packet.release();
    private Runnable readComplete = () -> { };
    /** The socket this sorter serves, for replies to probes; set once bound. */
    private UdpPort socket;

    /** Hands each kind of datagram to its consumer from now on (until then, all are dropped); returns this sorter. */
    public DatagramSorter wire(Consumer<DatagramPacket> stun, Relayed relayed, Probes probes, Binding binding, Quic quic,
                               Runnable readComplete) {
        this.stun = stun;
        this.relayed = relayed;
        this.probes = probes;
        this.binding = binding;
        this.quic = quic;
        this.readComplete = readComplete;
        return this;
    }

    /** A sorter for an extra (port-prediction) socket: PROBEs and QUIC only. */
    public static DatagramSorter extra(Probes probes, Quic quic, Runnable readComplete) {
        return new DatagramSorter().wire(DatagramPacket::release, DROP, probes, (f, from) -> { }, quic, readComplete);
    }

    /** The socket whose datagrams this sorts (replies to PROBEs leave from it). */
    public void serve(UdpPort s) {
        this.socket = s;
    }

    @Override
    public void stun(DatagramPacket packet) {
        stun.accept(packet);
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
                relayed.relayed((int) circuit, RelayDataHeader.payload(c), packet.sender());
                return;
            }
            UdpFrame frame = UdpCodec.decode(c);
            if (frame instanceof UdpFrame.Probe || frame instanceof UdpFrame.ProbeAck) {
                probes.probe(frame, packet.sender(), socket);
            } else {
                binding.frame(frame, packet.sender());
            }
        } catch (WireFormatException e) {
            LOG.log(System.Logger.Level.DEBUG, "dropped a malformed datagram from {0}: {1}", packet.sender(), e.getMessage());
        } finally {
            packet.release();
        }
    }

    @Override
    public void quic(DatagramPacket packet) {
        quic.quic(packet.sender(), packet.content().retain());
        packet.release();
    }

    @Override
    public void readComplete() {
        readComplete.run();
    }
}
