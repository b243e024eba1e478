package dev.junction.client.internal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.client.internal.net.ClientTransport;
import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.identity.Identity;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A client with several relays logs in to the nearest first: the order, and a real measurement on loopback. */
class RelayRankingTest {
    static RelayAddress relay(int port) {
        return new RelayAddress("127.0.0.1", port, Identity.generate().peerId());
    }

    @Test
    void theClearlyNearestFirstThenTheGivenOrderThenTheUnmeasured() {
        RelayAddress far = relay(1001);
        RelayAddress near = relay(1002);
        RelayAddress silentA = relay(1003);
        RelayAddress silentB = relay(1004);
        List<RelayAddress> given = List.of(silentA, far, silentB, near);
        assertThat(RelayRanking.order(given, Map.of(far, Duration.ofMillis(80), near, Duration.ofMillis(12))))
                .containsExactly(near, far, silentA, silentB);
        assertThat(RelayRanking.order(given, Map.of())).as("nothing measured: as given").containsExactlyElementsOf(given);
        RelayAddress a = relay(1005);
        RelayAddress b = relay(1006);
        assertThat(RelayRanking.order(List.of(a, b), Map.of(a, Duration.ofMillis(10), b, Duration.ofMillis(9))))
                .as("about as near: the app's order stays").containsExactly(a, b);
        assertThat(RelayRanking.order(List.of(a, b), Map.of(a, Duration.ofMillis(40), b, Duration.ofMillis(9))))
                .as("clearly nearer: first").containsExactly(b, a);
        assertThat(RelayRanking.order(List.of(a, b), Map.of(a, Duration.ofMillis(1), b, Duration.ofNanos(100_000))))
                .as("a tenth of the round trip but under 2 ms nearer: loopback noise").containsExactly(a, b);
    }

    @Test
    void aRelayThatAnswersIsMeasuredAndOneThatDoesNotIsNot() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort(); // nothing listens here once this socket is closed
        }
        ClientTransport transport = new ClientTransport();
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RelayAddress up = relay(listening.getLocalPort());
            RelayAddress down = relay(closed);
            EventLoop loop = transport.group().next();
            Map<RelayAddress, Duration> rtt = RelayRanking.measure(transport, loop, List.of(down, up)).get(5, TimeUnit.SECONDS);
            assertThat(rtt).containsOnlyKeys(up);
            assertThat(rtt.get(up)).isPositive().isLessThan(RelayRanking.PROBE_TIMEOUT);
            assertThat(RelayRanking.order(List.of(down, up), rtt)).containsExactly(up, down);
        } finally {
            transport.shutdown();
        }
    }
}
