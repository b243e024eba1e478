package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.client.PathInfo;
import dev.junction.client.PathKind;
import dev.junction.client.Session;
import dev.junction.client.Stream;
import dev.junction.client.TraversalClient;
import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.identity.Identity;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dual-stack relay on 127.0.0.1 and ::1 (issue #19): one client logs in over IPv6 with the relay's
 * {@code /ip6/} address, the other over IPv4; they reach each other through the relay, across the
 * families, and punch a direct path.
 */
class DualStackEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void aClientOnTheIpv6RelayAddressAndOneOnTheIpv4AddressConnectAndGoDirect() throws Exception {
        try (LoopbackRelay relay = LoopbackRelay.start(dir, Map.of("bind", List.of("127.0.0.1", "::1")))) {
            RelayAddress v6 = relay.server.addresses().get(1);
            assertThat(v6.toString()).startsWith("/ip6/::1/tcp/");
            Identity bobId = Identity.generate();
            CompletableFuture<String> bobRelay = new CompletableFuture<>();
            try (TraversalClient bob = TraversalClient.builder().identity(bobId).relay(v6)
                    .token(relay.token(bobId.peerId(), java.time.Instant.now().plusSeconds(3600))).onSession(SessionEndToEndTest::echoEveryStream)
                    .listener(new dev.junction.client.ClientListener() {
                        @Override
                        public void relayConnected(String address) {
                            bobRelay.complete(address);
                        }
                    }).start();
                 TraversalClient alice = relay.client(dev.junction.client.ClientOptions.DEFAULTS, null)) {
                assertThat(bobRelay.get(5, TimeUnit.SECONDS)).isEqualTo(v6.toString());
                Session session = alice.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
                CompletableFuture<PathInfo> direct = new CompletableFuture<>();
                session.onPathChange(p -> {
                    if (p.kind() == PathKind.DIRECT_UDP) {
                        direct.complete(p);
                    }
                });
                Stream s = session.openStream().get(5, TimeUnit.SECONDS);
                s.output().write("across the families".getBytes());
                s.shutdownOutput();
                assertThat(new String(s.input().readAllBytes())).isEqualTo("across the families");
                if (session.activePath().kind() != PathKind.DIRECT_UDP) {
                    direct.get(10, TimeUnit.SECONDS);
                }
                assertThat(session.activePath().remote().getPort()).isEqualTo(bob.localAddress().getPort());
            }
            String metrics = relay.server.metrics().scrape();
            assertThat(metrics).contains("junction_logins_by_family_total{family=\"ipv6\"} 1.0")
                    .contains("junction_logins_by_family_total{family=\"ipv4\"} 1.0");
            // Each client asked the relay's other family for its statement (ATTEST): bob over IPv4, alice over IPv6.
            assertThat(Double.parseDouble(metrics.replaceAll("(?s).*junction_address_statements_total\\{request=\"attest\"} ([0-9.]+).*", "$1")))
                    .isGreaterThanOrEqualTo(2.0);
            assertThat(relay.server.udpAddresses()).anyMatch(a -> a.getAddress() instanceof Inet6Address);
        }
    }
}
