package dev.junction.client.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A transparent proxy in front of a relay on another loopback address: TCP on the control port and
 * UDP on the relay's UDP port, so a client that dials the tap's address reaches the relay while the
 * tap records every UDP datagram the relay receives and sends (exactly the bytes the relay sees on
 * its UDP path).
 */
final class WireTap implements AutoCloseable {
    static final int MAX_RECORDED = 64 << 20;
    private final ServerSocket tcp;
    private final DatagramSocket udp;
    private final InetSocketAddress relayTcp;
    private final InetSocketAddress relayUdp;
    private final Map<InetSocketAddress, DatagramSocket> upstream = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream recorded = new ByteArrayOutputStream();
    private volatile boolean closed;
    private volatile boolean dropUdp;
    private volatile int flipEvery;
    private final java.util.concurrent.atomic.AtomicLong relayed = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong flipped = new java.util.concurrent.atomic.AtomicLong();

    WireTap(InetAddress at, InetSocketAddress relayTcp, InetSocketAddress relayUdp) throws IOException {
        this.relayTcp = relayTcp;
        this.relayUdp = relayUdp;
        this.tcp = new ServerSocket(relayTcp.getPort(), 50, at);
        this.udp = new DatagramSocket(new InetSocketAddress(at, relayUdp.getPort()));
        daemon(this::acceptLoop);
        daemon(this::udpLoop);
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "wiretap");
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = tcp.accept();
                Socket relay = new Socket(relayTcp.getAddress(), relayTcp.getPort());
                closeables.add(client);
                closeables.add(relay);
                daemon(() -> pump(client, relay));
                daemon(() -> pump(relay, client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // one side closed
        }
    }

    private void udpLoop() {
        byte[] buf = new byte[65536];
        while (!closed) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                InetSocketAddress client = (InetSocketAddress) p.getSocketAddress();
                if (dropUdp) {
                    continue;
                }
                record(p);
                tamper(p);
                hijackOutbound(p);
                DatagramSocket up = upstream.computeIfAbsent(client, this::open);
                up.send(new DatagramPacket(p.getData(), p.getOffset(), p.getLength(), relayUdp));
            } catch (IOException e) {
                return;
            }
        }
    }

    private DatagramSocket open(InetSocketAddress client) {
        try {
            DatagramSocket up = new DatagramSocket(new InetSocketAddress(relayUdp.getAddress(), 0));
            closeables.add(up);
            daemon(() -> {
                byte[] buf = new byte[65536];
                while (!closed) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        up.receive(p);
                        if (dropUdp) {
                            continue;
                        }
                        record(p);
                        tamper(p);
                        hijackInbound(p);
                        udp.send(new DatagramPacket(p.getData(), p.getOffset(), p.getLength(), client));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            return up;
        } catch (SocketException e) {
            throw new IllegalStateException(e);
        }
    }

    private void record(DatagramPacket p) {
        synchronized (recorded) {
            if (recorded.size() < MAX_RECORDED) {
                recorded.write(p.getData(), p.getOffset(), p.getLength());
            }
        }
    }

    /**
     * With {@code n > 0}, one bit in the payload of every {@code n}th relayed datagram (RELAY_DATA,
     * either direction) is flipped on its way through, as a faulty or hostile relay might.
     */
    void flipEvery(int n) {
        flipEvery = n;
    }

    /** Relayed datagrams whose payload the tap altered. */
    long flipped() {
        return flipped.get();
    }

    private void tamper(DatagramPacket p) {
        int n = flipEvery;
        int header = 5; // RELAY_DATA: type 0x82, circuit u32
        if (n <= 0 || p.getLength() <= header || p.getData()[p.getOffset()] != (byte) 0x82) {
            return;
        }
        long k = relayed.incrementAndGet();
        if (k % n == 0) {
            int at = p.getOffset() + header + (int) (k % (p.getLength() - header));
            p.getData()[at] ^= (byte) (1 << (k % 8));
            flipped.incrementAndGet();
        }
    }

    private final java.util.Set<Integer> circuitsSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile int hijackTo;
    private volatile int hijacked;

    /** Circuits of the RELAY_DATA datagrams clients sent through the tap so far. */
    java.util.Set<Integer> circuitsSeen() {
        return java.util.Set.copyOf(circuitsSeen);
    }

    /**
     * From now on, a client's RELAY_DATA on any circuit other than {@code circuit} is sent on
     * {@code circuit} instead, and what comes back on {@code circuit} is handed to the client as if on
     * the hijacked one: a relay that routes a new circuit to the peer of an existing one (the client
     * must be a member of {@code circuit}, so the relay takes the datagrams from it).
     */
    void hijackNewCircuitsTo(int circuit) {
        hijackTo = circuit;
    }

    private static int circuitOf(DatagramPacket p) {
        return p.getLength() > 5 && p.getData()[p.getOffset()] == (byte) 0x82
                ? java.nio.ByteBuffer.wrap(p.getData(), p.getOffset() + 1, 4).getInt() : 0;
    }

    private static void setCircuit(DatagramPacket p, int circuit) {
        java.nio.ByteBuffer.wrap(p.getData(), p.getOffset() + 1, 4).putInt(circuit);
    }

    private void hijackOutbound(DatagramPacket p) {
        int c = circuitOf(p);
        if (c == 0) {
            return;
        }
        circuitsSeen.add(c);
        int to = hijackTo;
        if (to != 0 && c != to) {
            hijacked = c;
            setCircuit(p, to);
        }
    }

    private void hijackInbound(DatagramPacket p) {
        int c = circuitOf(p);
        int to = hijackTo;
        if (c != 0 && to != 0 && c == to && hijacked != 0) {
            setCircuit(p, hijacked);
        }
    }

    /** While true, every UDP datagram is dropped in both directions (as a firewall that starts blocking UDP). */
    void dropUdp(boolean drop) {
        dropUdp = drop;
    }

    /** Every UDP byte seen so far, in both directions. */
    byte[] recorded() {
        synchronized (recorded) {
            return recorded.toByteArray();
        }
    }

    @Override
    public void close() throws Exception {
        closed = true;
        tcp.close();
        udp.close();
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }
}
