package dev.junction.relay.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.TestRelay;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding 7: connections held open cheaply. Per-source caps on every TCP port; STUN/TCP messages must complete. */
class SlowConnectionTest {
    @TempDir
    Path dir;
    TestRelay relay;
    final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    Socket open(InetSocketAddress to) throws Exception {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(to, 2000);
        s.setSoTimeout(1000);
        return s;
    }

    /** True when the relay closed {@code s} (read returns end of stream or a reset) within its timeout. */
    static boolean closedByRelay(Socket s) throws Exception {
        try {
            InputStream in = s.getInputStream();
            return in.read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    @Test
    void eachTcpPortCapsTheConnectionsOfOneSource() throws Exception {
        relay = TestRelay.start(dir, Map.of("limits.connections-per-ip", 4, "limits.reservations-per-ip", 2));
        for (InetSocketAddress port : List.of(relay.server.stunTcpAddress(), relay.server.controlAddress())) {
            List<Socket> held = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                held.add(open(port));
                Thread.sleep(100); // accepted connections register on several event loops: keep their order
            }
            Socket fifth = open(port);
            assertThat(closedByRelay(fifth)).as("the fifth connection to %s is closed at once", port).isTrue();
            for (Socket s : held) {
                assertThat(closedByRelay(s)).as("the first four stay open").isFalse();
            }
            held.get(0).close();
            Thread.sleep(200);
            assertThat(closedByRelay(open(port))).as("a slot freed by a close is taken again").isFalse();
        }
        assertThat(relay.server.metrics().scrape()).contains("junction_connections_closed_total{reason=\"per_ip_limit\"} 2.0");
    }

    @Test
    void aStunTcpMessageTrickledSlowerThanItsTimeoutIsCutOff() throws Exception {
        relay = TestRelay.start(dir);
        Socket s = open(relay.server.stunTcpAddress());
        byte[] request = StunAbuseTest.encode(dev.junction.wire.stun.StunMessage.bindingRequest(), dev.junction.wire.stun.StunEncoder.PLAIN);
        long start = System.nanoTime();
        boolean closed = false;
        // One byte every 2 s: the 20-byte request would take 40 s. Bounded: at most 15 bytes, about 30 s.
        for (int i = 0; i < 15 && !closed; i++) {
            try {
                s.getOutputStream().write(request[i]);
                s.getOutputStream().flush();
            } catch (java.io.IOException e) {
                closed = true;
                break;
            }
            s.setSoTimeout(2000);
            closed = closedByRelay(s);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(closed).as("the relay closed the trickling connection").isTrue();
        assertThat(seconds).as("within the 10 s message timeout (plus one 2 s step)").isLessThan(13);
        assertThat(relay.server.metrics().scrape()).contains("junction_connections_closed_total{reason=\"incomplete_message\"} 1.0");
    }
}
