package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.client.ClientOptions;
import dev.junction.client.Session;
import dev.junction.client.Stream;
import dev.junction.client.TraversalClient;
import dev.junction.wire.identity.Identity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 5 from the client's side: a reservation never outlives its token, so a long-lived client
 * renews through its token supplier, and its sessions carry on across the old token's expiry.
 */
class TokenRenewalTest {
    @TempDir
    Path dir;

    @Test
    void aClientWhoseTokenIsRenewedKeepsItsReservationAndSessionPastTheOldExpiry() throws Exception {
        try (LoopbackRelay relay = LoopbackRelay.start(dir, Map.of())) {
            Identity bobId = Identity.generate();
            Instant firstExpiry = Instant.now().plusSeconds(6);
            AtomicReference<String> bobToken = new AtomicReference<>(relay.token(bobId.peerId(), firstExpiry));
            ClientOptions options = ClientOptions.DEFAULTS.withPunch(false).withKeepalive(Duration.ofSeconds(1));
            try (TraversalClient bob = relay.builder(bobId).tokens(bobToken::get).options(options)
                         .onSession(SessionEndToEndTest::echoEveryStream).start();
                 TraversalClient alice = relay.client(options, null)) {
                Session s = alice.connect(bobId.peerId()).get(10, TimeUnit.SECONDS);
                assertThat(echo(s, "before")).isEqualTo("before");
                bobToken.set(relay.token(bobId.peerId(), Instant.now().plusSeconds(3600))); // the app renews
                while (Instant.now().isBefore(firstExpiry.plusSeconds(3))) {
                    Thread.sleep(200);
                }
                assertThat(echo(s, "after")).as("the session outlives the first token").isEqualTo("after");
                assertThat(relay.server.metrics().scrape())
                        .as("bob's reservation never expired").doesNotContain("junction_circuits_closed_total{reason=\"expired\"} 1.0")
                        .contains("junction_logins_total{outcome=\"success\"} 2.0");
            }
        }
    }

    static String echo(Session s, String text) throws Exception {
        Stream st = s.openStream().get(10, TimeUnit.SECONDS);
        st.output().write(text.getBytes(StandardCharsets.UTF_8));
        st.output().close();
        return new String(st.input().readAllBytes(), StandardCharsets.UTF_8);
    }
}
