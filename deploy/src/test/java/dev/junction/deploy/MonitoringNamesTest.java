package dev.junction.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.RelayServer;
import dev.junction.relay.config.RelayConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every metric the Grafana dashboard and the alert rules use exists in a real relay's /metrics. */
class MonitoringNamesTest {
    /** Metric names: Junction's, the JVM's, the process's, the system's. */
    static final Pattern NAME = Pattern.compile("\\b((?:junction|jvm|process|system)_[a-z0-9_]+)\\b");

    /** Meters a relay serves once a mesh link carries traffic. */
    static final Set<String> PER_LINK = Set.of("junction_mesh_link_forwarded_bytes_total", "junction_mesh_link_forwarded_packets_total");

    @TempDir
    Path dir;

    static Set<String> used(Path file) throws Exception {
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(Files.readString(file));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void dashboardAndAlertsUseOnlyMetricsTheRelayServes() throws Exception {
        // A fleet relay, so the fleet's meters are served too; its directory (loopback port 1) never
        // answers, which changes nothing about which meters exist.
        RelayServer relay = RelayServer.start(RelayConfigLoader.load(Optional.empty(), Map.of("bind", "127.0.0.1",
                "stun-port", 0, "control-port", 0, "admin.port", 0, "turn.tls-port", 0, "data-dir", dir.resolve("relay").toString(),
                "fleet.directory", "redis://127.0.0.1:1")));
        try {
            System.gc(); // the GC pause timer appears with the first collection, as on any running relay
            String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + relay.adminAddress().getPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Set<String> served = new HashSet<>();
            for (String line : scrape.split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    served.add(line.split("[{ ]", 2)[0]);
                }
            }
            Set<String> dashboard = used(Repo.file("deploy/grafana/junction-relay.json"));
            Set<String> alerts = used(Repo.file("deploy/prometheus/alerts.yml"));
            assertThat(dashboard).hasSizeGreaterThan(15);
            assertThat(alerts).hasSizeGreaterThan(5);
            // Per-link mesh meters appear with a link's first datagram (FleetTest checks them on a scrape of two relays).
            served.addAll(PER_LINK);
            assertThat(served).as("metrics served").containsAll(dashboard).containsAll(alerts);
            // The dashboard covers what operators asked for.
            assertThat(dashboard).contains("junction_reservations", "junction_circuits", "junction_relayed_bytes_total",
                    "junction_stun_requests_total", "junction_drops_total", "jvm_memory_used_bytes",
                    "junction_mesh_links", "junction_fleet_relays", "junction_mesh_circuits", "junction_directory_requests_total",
                    "junction_directory_request_seconds_bucket");
        } finally {
            relay.close();
        }
    }
}
