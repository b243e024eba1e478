package dev.junction.client;

import dev.junction.client.internal.discovery.NatProbe;
import dev.junction.client.internal.discovery.StunClient;
import dev.junction.client.internal.net.ClientTransport;
import dev.junction.client.internal.net.SessionSocket;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.stun.StunAttribute;
import dev.junction.wire.stun.StunDecoder;
import dev.junction.wire.stun.StunEncoder;
import dev.junction.wire.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A NAT check against a relay's STUN endpoint (what {@code junction nat-check} runs): UDP
 * reachability and latency, the public mapping, RFC 5780 mapping and filtering behaviour, port
 * preservation, hairpinning, the public address of a TCP connection, and the host's interfaces.
 * Bounded: it ends within {@value #BUDGET_MILLIS} ms whatever the network does.
 */
public final class NatCheck {
    /** The whole check's time limit. */
    public static final long BUDGET_MILLIS = 5000;
    /** Connect and answer limit of the TCP test. */
    static final int TCP_TIMEOUT_MILLIS = 1500;

    private NatCheck() {
    }

    /**
     * Asks the host's default gateway which port mapping protocols it speaks: PCP, NAT-PMP and
     * UPnP-IGD, all at once, in at most about 1.3 s; maps nothing. It talks to the user's router (and
     * sends an SSDP search on the LAN), so call it only when the user asked for it.
     *
     * @return what the gateway answered; all false, gateway null, when the host has no default IPv4
     *     gateway the client can find (no default route, or not Linux)
     */
    public static PortMappingSupport portMapping() {
        java.util.Optional<java.net.Inet4Address> gateway = dev.junction.client.internal.portmap.Gateway.defaultIpv4();
        if (gateway.isEmpty()) {
            return new PortMappingSupport(null, false, false, false);
        }
        dev.junction.client.internal.portmap.GatewayProbe.Support s = dev.junction.client.internal.portmap.GatewayProbe.probe(gateway.get());
        return new PortMappingSupport(gateway.get().getHostAddress(), s.pcp(), s.natPmp(), s.upnp());
    }

    /**
     * Runs a check from a new UDP socket, then closes it. Blocks the calling thread for up to
     * {@value #BUDGET_MILLIS} ms. Thread-safe: each call has its own socket and threads. A running
     * client checks its own session socket with {@link TraversalClient#checkNat()} instead.
     *
     * @param stunServer the relay's STUN endpoint (its UDP port, and the same port on TCP)
     * @param bind the local address to bind (port 0: any free port)
     * @return what the check found; a blocked network is a report with {@code udp} false, not an error
     * @throws JunctionException if the socket cannot be bound, the check does not finish in time,
     *     or the calling thread is interrupted (the interrupt flag is set again)
     */
    public static NatReport run(InetSocketAddress stunServer, InetSocketAddress bind) {
        long t0 = System.nanoTime();
        ClientTransport transport = new ClientTransport();
        try {
            StunClient[] stun = new StunClient[1];
            SessionSocket socket;
            try {
                socket = SessionSocket.bind(transport, bind, new SessionSocket.Inbound() {
                    @Override
                    public void stun(DatagramPacket packet) {
                        stun[0].onPacket(packet);
                    }

                    @Override
                    public void junction(DatagramPacket packet) {
                        packet.release();
                    }

                    @Override
                    public void quic(DatagramPacket packet) {
                        packet.release();
                    }

                    @Override
                    public void readComplete() {
                    }
                });
            } catch (Exception e) { // Netty's bind throws BindException undeclared
                throw new JunctionException("cannot bind a UDP socket to " + bind + ": " + e.getMessage());
            }
            stun[0] = new StunClient(socket.channel().eventLoop(), socket::send);
            CompletableFuture<InetSocketAddress> tcp = CompletableFuture.supplyAsync(() -> tcpMapped(stunServer));
            // Every wait ends by one deadline a little inside the budget, so the report is out within it.
            long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(BUDGET_MILLIS - 250);
            NatProbe.Result r = new NatProbe(stun[0], socket.localAddress()).run(stunServer)
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            InetSocketAddress local = socket.localAddress();
            socket.close();
            InetSocketAddress tcpMapped;
            try {
                tcpMapped = tcp.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                tcpMapped = null; // TCP to the relay did not answer in time: reported as no TCP mapping
            }
            return report(stunServer, r, local, tcpMapped, t0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JunctionException("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new JunctionException("NAT check did not finish: " + e.getMessage(), e);
        } finally {
            transport.shutdown();
        }
    }

    static NatReport report(InetSocketAddress server, NatProbe.Result r, InetSocketAddress local,
                            InetSocketAddress tcpMapped, long t0) {
        return new NatReport(server, r.udp(), local, r.mapped(), tcpMapped, r.behindNat(), r.mapping(), r.filtering(),
                r.mapped() != null && r.mapped().getPort() == local.getPort(), r.hairpinning(), r.rfc5780(), r.rttMillis(),
                interfaces(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** The public address of a TCP connection to the STUN port (RFC 8489 over TCP), or null. */
    static InetSocketAddress tcpMapped(InetSocketAddress server) {
        try (Socket s = new Socket()) {
            s.connect(server, TCP_TIMEOUT_MILLIS);
            s.setSoTimeout(TCP_TIMEOUT_MILLIS);
            ByteBuf b = Unpooled.buffer(64);
            StunEncoder.FINGERPRINT.encode(StunMessage.bindingRequest(), b);
            OutputStream out = s.getOutputStream();
            out.write(b.array(), b.arrayOffset() + b.readerIndex(), b.readableBytes());
            out.flush();
            InputStream in = s.getInputStream();
            byte[] header = new DataInputStream(in).readNBytes(20);
            if (header.length < 20) {
                return null;
            }
            int length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
            byte[] body = in.readNBytes(length);
            byte[] all = new byte[20 + body.length];
            System.arraycopy(header, 0, all, 0, 20);
            System.arraycopy(body, 0, all, 20, body.length);
            StunMessage m = StunDecoder.decode(Unpooled.wrappedBuffer(all));
            return m.attribute(StunAttribute.XorMappedAddress.class).map(StunAttribute.XorMappedAddress::address).orElse(null);
        } catch (IOException | WireFormatException e) {
            return null;
        }
    }

    /** Addresses of interfaces that are up; loopback only when there is nothing else. */
    static List<InetAddress> interfaces() {
        List<InetAddress> out = new ArrayList<>();
        List<InetAddress> loopback = new ArrayList<>();
        try {
            for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!n.isUp()) {
                    continue;
                }
                for (InetAddress a : Collections.list(n.getInetAddresses())) {
                    if (a instanceof Inet6Address && a.isLinkLocalAddress()) {
                        continue;
                    }
                    (n.isLoopback() ? loopback : out).add(a);
                }
            }
        } catch (SocketException e) {
            return List.of();
        }
        return out.isEmpty() ? loopback : out;
    }
}
