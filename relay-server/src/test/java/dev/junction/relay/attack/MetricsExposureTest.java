package dev.junction.relay.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.TestClient;
import dev.junction.relay.TestRelay;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.identity.Identity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding 9 (second half): /metrics names no client and stays small whatever clients do. */
class MetricsExposureTest {
    /** The documented bound on the exposition's series (docs/SECURITY.md). */
    static final int MAX_SERIES = 500;

    @TempDir
    Path dir;

    @Test
    void metricsShowNoAddressNorPeerIdAndStayUnderFiveHundredSeries() throws Exception {
        try (TestRelay relay = TestRelay.start(dir)) {
            Identity a = Identity.generate();
            Identity b = Identity.generate();
            try (TestClient ca = relay.client(); TestClient cb = relay.client()) {
                ca.loginOk(a, relay.token(a.peerId()));
                cb.loginOk(b, relay.token(b.peerId()));
                ca.send(new CircuitFrames.Connect(1, b.peerId()));
                cb.expect(CircuitFrames.Incoming.class);
                for (int i = 0; i < 20; i++) {
                    try (TestClient bad = relay.client()) {
                        bad.login(Identity.generate(), "not-a-token");
                    }
                }
                String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + relay.server.adminAddress().getPort() + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                long series = body.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
                System.out.println("metrics series: " + series);
                assertThat(series).isLessThan(MAX_SERIES);
                assertThat(body).doesNotContain("127.0.0.1").doesNotContain(a.peerId().toString())
                        .doesNotContain(b.peerId().toString()).doesNotContain("12D3KooW");
            }
        }
    }
}
