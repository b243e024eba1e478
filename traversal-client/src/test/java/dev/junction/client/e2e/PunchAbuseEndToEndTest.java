package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.client.ClientOptions;
import dev.junction.client.PunchLimits;
import dev.junction.client.Session;
import dev.junction.client.TraversalClient;
import dev.junction.client.internal.session.SessionImpl;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.session.Candidates;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13, finding 2, end to end on loopback: a malicious caller keeps offering new punch keys
 * and names an unrelated address (127.0.0.5, standing in for a third party) as its UDP and TCP
 * candidates. The listening client honours only its start budget, and never connects TCP there.
 */
class PunchAbuseEndToEndTest {
    /** OFFERs the attacker sends, each with a new key (the reproduction used 12). */
    static final int OFFERS = 12;

    @TempDir
    Path dir;

    @Test
    void aPeerOfferingNewKeysCannotMakeAListenerProbeOrConnectWithoutLimit() throws Exception {
        InetAddress third = InetAddress.getByName("127.0.0.5");
        Set<Long> punchIds = ConcurrentHashMap.newKeySet();
        AtomicInteger probes = new AtomicInteger();
        AtomicInteger tcpConnects = new AtomicInteger();
        try (LoopbackRelay relay = LoopbackRelay.start(dir, Map.of());
             DatagramSocket udpVictim = new DatagramSocket(new InetSocketAddress(third, 0));
             ServerSocket tcpVictim = new ServerSocket(0, 50, third);
             TraversalClient listener = relay.client(ClientOptions.DEFAULTS, SessionEndToEndTest::echoEveryStream)) {
            udpVictim.setSoTimeout(100);
            tcpVictim.setSoTimeout(100);
            Thread udpCount = daemon(() -> countProbes(udpVictim, punchIds, probes));
            Thread tcpCount = daemon(() -> countConnects(tcpVictim, tcpConnects));

            Identity attackerId = Identity.generate();
            try (TraversalClient attacker = relay.builder(attackerId).options(ClientOptions.DEFAULTS.withPunch(false)).start()) {
                SessionImpl session = (SessionImpl) attacker.connect(listener.peerId()).get(10, TimeUnit.SECONDS);
                // The statement the relay really gives the attacker (it is on loopback too), so the
                // listener's loopback rule lets plain probes through: only the limits bound them.
                AddressAttestation own = AddressAttestation.sign(relay.server.identity(), attackerId.peerId(), AddressAttestation.Transport.UDP,
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), attacker.localAddress().getPort()), Instant.now());
                InetSocketAddress udpTarget = (InetSocketAddress) udpVictim.getLocalSocketAddress();
                InetSocketAddress tcpTarget = (InetSocketAddress) tcpVictim.getLocalSocketAddress();
                SecureRandom random = new SecureRandom();
                for (int i = 0; i < OFFERS; i++) {
                    byte[] key = new byte[32];
                    random.nextBytes(key);
                    session.sendControl(offer(key, udpTarget, tcpTarget, own));
                    session.sendControl(Unpooled.buffer(1).writeByte(4)); // SYNC: probe now
                    Thread.sleep(250);
                }
                Thread.sleep(3500); // the last honoured start probes for 3 s
                assertThat(session.closeFuture()).isNotDone();
            }
            udpCount.interrupt();
            tcpCount.interrupt();
        }
        assertThat(tcpConnects.get()).as("TCP connects to an address the relay never attested for the peer").isZero();
        assertThat(probes.get()).as("the honoured starts did probe").isPositive();
        assertThat(punchIds).as("distinct punch keys the listener probed with")
                .hasSizeBetween(1, PunchLimits.DEFAULTS.startsPerSession());
    }

    /** OFFER: key | candidates | hint (symmetric NAT, so port prediction would start) | TCP candidates | statements. */
    static ByteBuf offer(byte[] key, InetSocketAddress udp, InetSocketAddress tcp, AddressAttestation statement) {
        ByteBuf b = Unpooled.buffer().writeByte(2).writeBytes(key);
        Candidates.encode(List.of(udp), b);
        b.writeByte(2).writeShort(0);
        Candidates.encode(List.of(tcp, new InetSocketAddress(tcp.getAddress(), 22)), b);
        b.writeByte(1);
        statement.encode(b);
        return b;
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "punch-abuse-observer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void countProbes(DatagramSocket s, Set<Long> punchIds, AtomicInteger probes) {
        byte[] buf = new byte[2048];
        while (!Thread.currentThread().isInterrupted() && !s.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
                if (p.getLength() >= 9 && buf[0] == (byte) 0x85) {
                    punchIds.add(ByteBuffer.wrap(buf, 1, 8).getLong());
                    probes.incrementAndGet();
                }
            } catch (SocketTimeoutException e) {
                // poll again
            } catch (java.io.IOException e) {
                return;
            }
        }
    }

    private static void countConnects(ServerSocket s, AtomicInteger connects) {
        while (!Thread.currentThread().isInterrupted() && !s.isClosed()) {
            try (Socket c = s.accept()) {
                connects.incrementAndGet();
            } catch (SocketTimeoutException e) {
                // poll again
            } catch (java.io.IOException e) {
                return;
            }
        }
    }
}
