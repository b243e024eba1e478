package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.client.ClientOptions;
import dev.junction.client.NatCheck;
import dev.junction.client.NatReport;
import dev.junction.client.NatReport.Behaviour;
import dev.junction.client.TraversalClient;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NAT checks against a real relay on loopback, where there is no NAT: the check must say so, and
 * finish in time when UDP goes unanswered. Behaviour behind real NATs is tested in the NAT lab.
 */
class NatCheckTest {
    @TempDir
    Path dir;

    @Test
    void withRfc5780TheCheckFindsNoNatAndOpenFiltering() throws Exception {
        try (LoopbackRelay relay = LoopbackRelay.start(dir, Map.of("alt-ip", "127.0.0.2", "stun-port", 34791, "stun-alt-port", 34792))) {
            NatReport r = NatCheck.run(new InetSocketAddress("127.0.0.1", 34791), new InetSocketAddress("127.0.0.1", 0));
            assertThat(r.udp()).isTrue();
            assertThat(r.rfc5780()).isTrue();
            assertThat(r.mapped()).isEqualTo(r.local());
            assertThat(r.behindNat()).isFalse();
            assertThat(r.mapping()).isEqualTo(Behaviour.NONE);
            assertThat(r.filtering()).isEqualTo(Behaviour.NONE);
            assertThat(r.portPreserved()).isTrue();
            assertThat(r.verdict()).isEqualTo("open");
            assertThat(r.tcpMapped()).isNotNull();
            assertThat(r.tcpMapped().getAddress()).isEqualTo(r.local().getAddress());
            assertThat(r.rttMillis()).isBetween(0L, 1000L);
            assertThat(r.elapsedMillis()).isLessThan(NatCheck.BUDGET_MILLIS);
        }
    }

    @Test
    void withoutASecondAddressBehaviourIsUnknownButTheMappingIsFound() throws Exception {
        try (LoopbackRelay relay = LoopbackRelay.start(dir, Map.of())) {
            NatReport r = NatCheck.run(relay.server.stunAddress(), new InetSocketAddress("127.0.0.1", 0));
            assertThat(r.udp()).isTrue();
            assertThat(r.rfc5780()).isFalse();
            assertThat(r.mapped()).isEqualTo(r.local());
            assertThat(r.filtering()).isEqualTo(Behaviour.UNKNOWN);
            assertThat(r.mapping()).isEqualTo(Behaviour.NONE);
        }
    }

    @Test
    void unansweredUdpIsReportedAsBlockedWithinTheBudget() throws Exception {
        int silentPort;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            silentPort = s.getLocalPort(); // bound and silent while the check runs: no ICMP, no answer
            NatReport r = NatCheck.run(new InetSocketAddress("127.0.0.1", silentPort), new InetSocketAddress("127.0.0.1", 0));
            assertThat(r.udp()).isFalse();
            assertThat(r.verdict()).isEqualTo("udp-blocked");
            assertThat(r.mapped()).isNull();
            assertThat(r.tcpMapped()).isNull();
            assertThat(r.elapsedMillis()).isLessThan(NatCheck.BUDGET_MILLIS);
        }
    }

    @Test
    void aRunningClientChecksOnItsSessionSocket() throws Exception {
        try (LoopbackRelay relay = LoopbackRelay.start(dir, Map.of());
             TraversalClient client = relay.client(ClientOptions.DEFAULTS, null)) {
            NatReport r = client.checkNat().get(6, TimeUnit.SECONDS);
            assertThat(r.udp()).isTrue();
            assertThat(r.local().getPort()).isEqualTo(client.localAddress().getPort());
            assertThat(r.mapped()).isEqualTo(client.publicUdpAddress());
        }
    }
}
