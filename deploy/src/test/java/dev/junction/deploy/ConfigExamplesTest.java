package dev.junction.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.client.ClientConfig;
import dev.junction.client.JunctionException;
import dev.junction.relay.config.RelayConfig;
import dev.junction.relay.config.RelayConfigLoader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every example configuration loads through the real loaders. */
class ConfigExamplesTest {
    @TempDir
    Path dir;

    @Test
    void productionRelayConfigLoads() {
        RelayConfig c = RelayConfigLoader.load(Optional.of(Repo.file("config/relay.conf")), Map.of());
        assertThat(c.stunPort()).isEqualTo(3478);
        assertThat(c.controlPort()).isEqualTo(443);
        assertThat(c.altIp()).isPresent();
        assertThat(c.admission().mode()).isEqualTo(RelayConfig.AdmissionMode.TOKEN);
    }

    @Test
    void composeRelayConfigLoads() throws Exception {
        RelayConfig c = RelayConfigLoader.load(Optional.of(Repo.file("deploy/docker/relay-local.conf")), Map.of());
        assertThat(c.bind()).isEqualTo(InetAddress.getByName("0.0.0.0"));
        assertThat(c.adminPort()).isEqualTo(9478);
    }

    @Test
    void composeFleetRelayConfigLoadsAsAFleetRelay() throws Exception {
        RelayConfig c = RelayConfigLoader.load(Optional.of(Repo.file("deploy/docker/relay-fleet.conf")),
                Map.of("bind", "198.51.100.11", "fleet.region", "a"));
        assertThat(c.fleet()).isPresent();
        assertThat(c.fleet().get().directory()).isEqualTo("redis://198.51.100.2:6379");
        assertThat(c.fleet().get().advertise()).isEqualTo(InetAddress.getByName("198.51.100.11"));
        assertThat(c.fleet().get().secretFile()).isEqualTo(Path.of("/var/lib/junction-shared/fleet.secret"));
        assertThat(Files.readString(Repo.file("deploy/docker/compose-fleet.yaml")))
                .contains("--bind\", \"198.51.100.11\"").contains("--bind\", \"198.51.100.12\"").contains("relay-fleet.conf");
    }

    @Test
    void aFleetRelayBoundToEveryAddressMustSayWhereOthersReachIt() {
        assertThatThrownBy(() -> RelayConfigLoader.load(Optional.empty(), Map.of("bind", "0.0.0.0", "fleet.directory", "redis://198.51.100.2:6379")))
                .hasMessageContaining("junction.relay.fleet.advertise");
        assertThatThrownBy(() -> RelayConfigLoader.load(Optional.empty(), Map.of("fleet.directory", "http://198.51.100.2:6379")))
                .hasMessageContaining("junction.relay.fleet.directory").hasMessageContaining("not a Redis URI");
    }

    @Test
    void clientConfigLoadsIntoABuilder() {
        assertThat(ClientConfig.load(Optional.of(Repo.file("config/client.conf")))).isNotNull();
    }

    @Test
    void aClientConfigMistakeNamesTheKey() throws Exception {
        Path bad = dir.resolve("client.conf");
        Files.writeString(bad, "junction.client { relays = [\"/ip4/127.0.0.1/tcp/1/tls/p2p/z12D3KooWDJc88rLCgEdFA3T129Fhpq91vNxyQCLdJWCWye3bR1Nj\"], keepalive = 5 minutes }");
        assertThatThrownBy(() -> ClientConfig.load(Optional.of(bad))).isInstanceOf(JunctionException.class)
                .hasMessageContaining("junction.client").hasMessageContaining("keepalive");
        Files.writeString(bad, "junction.client { relays = [\"/ip4/127.0.0.1/tcp/1/tls/p2p/z12D3KooWDJc88rLCgEdFA3T129Fhpq91vNxyQCLdJWCWye3bR1Nj\"], keep-alive = 5s }");
        assertThatThrownBy(() -> ClientConfig.load(Optional.of(bad))).hasMessageContaining("junction.client.keep-alive: unknown setting");
        Files.writeString(bad, "junction.client { relays = [\"/ip4/127.0.0.1/tcp/1/tls/p2p/z12D3KooWDJc88rLCgEdFA3T129Fhpq91vNxyQCLdJWCWye3bR1Nj\"], port-prediction.sockets = 5000 }");
        assertThatThrownBy(() -> ClientConfig.load(Optional.of(bad))).hasMessageContaining("junction.client.port-prediction.sockets: must be 0-1024, was 5000");
        Files.writeString(bad, "junction.client { relays = [\"/ip4/127.0.0.1/tcp/1/tls/p2p/z12D3KooWDJc88rLCgEdFA3T129Fhpq91vNxyQCLdJWCWye3bR1Nj\"], port-prediction.burst = 5 }");
        assertThatThrownBy(() -> ClientConfig.load(Optional.of(bad))).hasMessageContaining("junction.client.port-prediction.burst: unknown setting");
        Files.writeString(bad, "junction.client { relays = [\"/ip4/127.0.0.1/tcp/1/tls/p2p/z12D3KooWDJc88rLCgEdFA3T129Fhpq91vNxyQCLdJWCWye3bR1Nj\"], punch-limits.probes = 10 }");
        assertThatThrownBy(() -> ClientConfig.load(Optional.of(bad))).hasMessageContaining("junction.client.punch-limits.probes: must be 64-65536, was 10");
        Files.writeString(bad, "junction.client { relays = [\"/ip4/127.0.0.1/tcp/1/tls/p2p/z12D3KooWDJc88rLCgEdFA3T129Fhpq91vNxyQCLdJWCWye3bR1Nj\"], punch-limits.start-interval = 1ms }");
        assertThatThrownBy(() -> ClientConfig.load(Optional.of(bad))).hasMessageContaining("junction.client.punch-limits.start-interval");
        Files.writeString(bad, "junction.client { relays = [\"/ip4/127.0.0.1/tcp/1/tls/p2p/z12D3KooWDJc88rLCgEdFA3T129Fhpq91vNxyQCLdJWCWye3bR1Nj\"], punch-limits.starts = 5 }");
        assertThatThrownBy(() -> ClientConfig.load(Optional.of(bad))).hasMessageContaining("junction.client.punch-limits.starts: unknown setting");
        Files.writeString(bad, "junction.client { }");
        assertThatThrownBy(() -> ClientConfig.load(Optional.of(bad))).hasMessageContaining("junction.client.relays");
    }
}
