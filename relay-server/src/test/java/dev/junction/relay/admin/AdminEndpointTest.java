package dev.junction.relay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.TestRelay;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics, /healthz and /readyz over real HTTP. */
class AdminEndpointTest {
    /** Every metric name docs/OPERATIONS.md documents. */
    static final List<String> DOCUMENTED = List.of(
            "junction_reservations", "junction_circuits", "junction_draining",
            "junction_circuits_opened_total", "junction_circuits_closed_total",
            "junction_relayed_bytes_total", "junction_relayed_packets_total",
            "junction_stun_requests_total", "junction_logins_total", "junction_drops_total",
            "junction_logins_by_family_total", "junction_relayed_by_family_bytes_total", "junction_address_statements_total",
            "junction_udp_socket_datagrams_total",
            "jvm_memory_used_bytes", "jvm_threads_live_threads", "process_cpu_usage", "netty_allocator_memory_used");
    /** A sample line of the Prometheus text format 0.0.4: name, optional labels, a float value. */
    static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*})? (-?[0-9.eE+-]+|NaN|[+-]Inf)( [0-9]+)?");

    @TempDir
    Path dir;
    @AutoClose
    TestRelay relay;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Test
    void metricsParseAsPrometheusTextAndHoldEveryDocumentedName() throws Exception {
        relay = TestRelay.start(dir);
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            assertThat(line).as("sample line").matches(SAMPLE);
        }
        for (String name : DOCUMENTED) {
            assertThat(r.body()).as(name).containsPattern("(?m)^" + name + "[{ ]");
        }
    }

    @Test
    void healthAndReadinessAnswerAndUnknownPathsAre404() throws Exception {
        relay = TestRelay.start(dir);
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
        assertThat(get("/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void readinessFlipsWhileDraining() throws Exception {
        relay = TestRelay.start(dir);
        Thread drain = new Thread(() -> {
            try {
                relay.server.drain(Duration.ofSeconds(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (var a = relay.client(); var b = relay.client()) {
            var alice = dev.junction.wire.identity.Identity.generate();
            var bob = dev.junction.wire.identity.Identity.generate();
            a.loginOk(alice, relay.token(alice.peerId()));
            b.loginOk(bob, relay.token(bob.peerId()));
            a.send(new dev.junction.wire.control.CircuitFrames.Connect(1, bob.peerId()));
            int id = b.expect(dev.junction.wire.control.CircuitFrames.Incoming.class).circuit();
            b.send(new dev.junction.wire.control.CircuitFrames.Accept(id));
            a.expect(dev.junction.wire.control.CircuitFrames.CircuitOpen.class);
            drain.start();
            assertThat(a.expect(dev.junction.wire.control.LinkFrames.GoingAway.class).graceMillis()).isEqualTo(3000);
            HttpResponse<String> r = get("/readyz");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("draining");
            assertThat(get("/metrics").body()).contains("junction_draining 1.0");
            try (var late = relay.client()) {
                var carol = dev.junction.wire.identity.Identity.generate();
                assertThat(((dev.junction.wire.control.LinkFrames.Error) late.login(carol, relay.token(carol.peerId()))).code())
                        .isEqualTo(dev.junction.wire.control.ErrorCode.DRAINING);
            }
            a.send(new dev.junction.wire.control.CircuitFrames.CircuitClose(id, dev.junction.wire.control.CloseReason.NORMAL, 0));
            drain.join(5000);
            assertThat(drain.isAlive()).as("drain ends when the last circuit closes").isFalse();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + relay.server.adminAddress().getPort() + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
