package dev.junction.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `junction relay` as a real process: prints its endpoints, serves them, drains and exits on SIGTERM. */
class RelayProcessTest {
    @TempDir
    Path dir;

    @Test
    void relayPrintsItsEndpointsAndDrainsOnSigterm() throws Exception {
        Path conf = dir.resolve("relay.conf");
        Files.writeString(conf, "junction.relay { stun-port = 0, control-port = 0, admin.port = 0, turn.tls-port = 0, drain.grace-period = 5s }\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "relay", "--config", conf.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        try {
            Path output = dir.resolve("out.txt");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.readString(output).contains("\ntry: ") && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(50);
            }
            List<String> lines = Files.readAllLines(output);
            assertThat(lines).anyMatch(l -> l.matches("relay address: /ip4/127\\.0\\.0\\.1/tcp/\\d+/tls/p2p/z12D3KooW\\w+"));
            assertThat(lines).anyMatch(l -> l.startsWith("stun: udp 127.0.0.1:"));
            assertThat(lines).anyMatch(l -> l.startsWith("control: tls 127.0.0.1:"));
            // The TURN lines of the CLI contract: one per listener, and where the REST secret is.
            assertThat(lines).anyMatch(l -> l.matches("turn: udp 127\\.0\\.0\\.1:\\d+")).anyMatch(l -> l.matches("turn: tcp 127\\.0\\.0\\.1:\\d+"))
                    .anyMatch(l -> l.matches("turn: tls 127\\.0\\.0\\.1:\\d+"))
                    .contains("turn credentials: secret in .junction/relay/turn.secret");
            assertThat(Files.exists(dir.resolve(".junction/relay/turn.secret"))).isTrue();
            // turn-credentials mints from that file what the relay accepts (TurnServerTest checks the acceptance).
            Process mint = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "turn-credentials", "--secret-file",
                    ".junction/relay/turn.secret", "--user", "alice", "--ttl", "1h", "--relay", "turn.example.com")
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            String json = new String(mint.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            assertThat(mint.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(mint.exitValue()).as(json).isZero();
            assertThat(json).matches("\\{\"username\":\"\\d{10}:alice\",\"password\":\"[A-Za-z0-9+/]{27}=\",\"ttl\":3600,"
                    + "\"uris\":\\[\"turn:turn.example.com:3478\\?transport=udp\",\"turn:turn.example.com:3478\\?transport=tcp\","
                    + "\"turns:turn.example.com:5350\\?transport=tcp\"]}");
            String metrics = lines.stream().filter(l -> l.startsWith("metrics: ")).findFirst().orElseThrow().substring(9);
            assertThat(metrics).matches("http://127\\.0\\.0\\.1:\\d+/metrics");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(metrics)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).contains("junction_reservations 0.0");
            assertThat(Files.exists(dir.resolve(".junction/relay/relay.key"))).isTrue();
            assertThat(Files.exists(dir.resolve(".junction/relay/admission.secret"))).isTrue();

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
            assertThat(Files.readAllLines(output)).anyMatch(l -> l.startsWith("relay: draining")).anyMatch(l -> l.equals("relay: stopped"));
        } finally {
            p.destroyForcibly();
        }
    }
}
