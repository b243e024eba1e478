package dev.junction.relay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelayConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void embeddedDefaultsAreSecureAndLocal() {
        RelayConfig c = RelayConfigLoader.load(Optional.empty(), Map.of());
        assertThat(c.bind().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(c.adminBind().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(c.admission().mode()).isEqualTo(RelayConfig.AdmissionMode.TOKEN);
        assertThat(c.stunPort()).isEqualTo(3478);
        assertThat(c.controlPort()).isEqualTo(5349);
        assertThat(c.limits().unauthenticatedTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.keepalive()).isLessThan(Duration.ofSeconds(30));
        assertThat(c.identityFile()).isEqualTo(Path.of(".junction/relay/relay.key"));
    }

    @Test
    void theProductionExampleLoads() {
        Path example = Path.of("..", "config", "relay.conf");
        RelayConfig c = RelayConfigLoader.load(Optional.of(example), Map.of());
        assertThat(c.altIp()).isPresent();
        assertThat(c.controlPort()).isEqualTo(443);
    }

    @Test
    void operatorFileOverridesDefaultsAndCommandLineOverridesBoth() throws Exception {
        Path f = dir.resolve("relay.conf");
        Files.writeString(f, "junction.relay { control-port = 443, limits.circuit-bytes = 1 GiB }\n");
        RelayConfig c = RelayConfigLoader.load(Optional.of(f), Map.of("control-port", 8443));
        assertThat(c.controlPort()).isEqualTo(8443);
        assertThat(c.limits().circuitBytes()).isEqualTo(1L << 30);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "stun-port = 70000                       | junction.relay.stun-port           | not a port",
        "bind = \"relay.example.net\"            | junction.relay.bind                | not an IP address",
        "admission.mode = maybe                  | junction.relay.admission.mode      | not one of token, allow-list, open",
        "limits.reservations-total = 0           | junction.relay.limits.reservations-total | greater than 0",
        "limits.reservation-lifetime = soon      | junction.relay.limits.reservation-lifetime | duration",
        "limits.circuit-bytes = lots             | junction.relay.limits.circuit-bytes | size",
        "keepalive = 5m                          | junction.relay.keepalive           | at most 60s",
        "contol-port = 1                         | junction.relay.contol-port         | unknown key",
        "admission.allow-list = [nobody]         | junction.relay.admission.allow-list | PeerId",
        "tls.cert-file = \"/x.pem\"              | junction.relay.tls                 | both cert-file and key-file",
        "alt-ip = \"127.0.0.1\"                  | junction.relay.alt-ip              | must differ from bind",
        "admission.mode = allow-list             | junction.relay.admission.allow-list | nobody could log in",
    })
    void badValuesFailNamingTheKeyAndTheReason(String line, String key, String reason) throws Exception {
        Path f = dir.resolve("bad.conf");
        Files.writeString(f, "junction.relay." + line + "\n");
        assertThatThrownBy(() -> RelayConfigLoader.load(Optional.of(f), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'" + key + "'").hasMessageContaining(reason);
    }

    @Test
    void turnIsOnByDefaultAndItsBadSettingsAreNamed() {
        RelayConfig c = RelayConfigLoader.load(Optional.empty(), Map.of());
        assertThat(c.turn()).isPresent();
        assertThat(c.turn().get().tlsPort()).isEqualTo(5350);
        assertThat(c.turn().get().options().relayedIp().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(c.turn().get().secretFile().getFileName().toString()).isEqualTo("turn.secret");
        assertThat(RelayConfigLoader.load(Optional.empty(), Map.of("turn.enabled", false)).turn()).isEmpty();
        assertThat(RelayConfigLoader.load(Optional.empty(), Map.of("bind", "0.0.0.0")).turn()).as("no address to hand out").isEmpty();
        assertThat(RelayConfigLoader.load(Optional.empty(), Map.of("bind", "0.0.0.0", "turn.relayed-ip", "203.0.113.10")).turn()
                .orElseThrow().options().relayedIp().getHostAddress()).isEqualTo("203.0.113.10");
        for (Map.Entry<String, Object> bad : List.<Map.Entry<String, Object>>of(Map.entry("turn.relay-ports", "80-90"),
                Map.entry("turn.relay-ports", "60000-50000"), Map.entry("turn.realm", "a b"), Map.entry("turn.tls-port", -2),
                Map.entry("turn.max-lifetime", "5m"), Map.entry("turn.allowed-peer-ips", List.of("10.0.0.0/33")),
                Map.entry("turn.denied-peer-ips", List.of("example.com/8")), Map.entry("turn.relayed-ip", "0.0.0.0"))) {
            assertThatThrownBy(() -> RelayConfigLoader.load(Optional.empty(), Map.of(bad.getKey(), bad.getValue())))
                    .as(bad.toString()).isInstanceOf(ConfigException.class).hasMessageContaining("junction.relay." + bad.getKey());
        }
    }

    @Test
    void unreadableFileIsNamed() {
        assertThatThrownBy(() -> RelayConfigLoader.load(Optional.of(dir.resolve("missing.conf")), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.conf");
    }

    @Test
    void everyReferenceKeyIsDocumentedWithAComment() throws Exception {
        String ref = new String(RelayConfigLoader.class.getResourceAsStream("/reference.conf").readAllBytes());
        List<String> lines = List.of(ref.split("\n"));
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.matches("[a-z-]+ = .*")) {
                assertThat(lines.get(i - 1).strip()).as("comment above '" + l + "'").startsWith("#");
            }
        }
    }
}
