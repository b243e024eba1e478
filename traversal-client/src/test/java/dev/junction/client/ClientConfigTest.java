package dev.junction.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading junction.client from HOCON: defaults, and one negative test per kind of bad input (unknown
 * key at the top and in a block, a plain value for a block, wrong type, out of range), each
 * asserting that the message names the full key.
 */
class ClientConfigTest {
    private static final String RELAY = "/ip4/203.0.113.10/tcp/443/tls/p2p/z12D3KooWDJc88rLCgEdFA3T129Fhpq91vNxyQCLdJWCWye3bR1Nj";

    @TempDir
    Path dir;

    private TraversalClient.Builder load(String body) throws Exception {
        Path f = dir.resolve("client.conf");
        Files.writeString(f, "junction.client { relays = [\"" + RELAY + "\"]\n" + body + "\n}");
        return ClientConfig.load(Optional.of(f));
    }

    @Test
    void theShippedExampleLoads() {
        ClientConfig.load(Optional.of(Path.of("../config/client.conf")));
    }

    @Test
    void aValidIncomingStreamsBlockLoads() throws Exception {
        load("");
        assertThat(ClientOptions.DEFAULTS.streams()).isEqualTo(new IncomingStreamLimits(100, 100, 256));
        load("incoming-streams { per-session = 8, per-peer = 16, handler-threads = 32 }");
    }

    @Test
    void handlerThreadsNotAbovePerPeerIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> load("incoming-streams { per-peer = 300 }"))
                .isInstanceOf(JunctionException.class)
                .hasMessageContaining("incoming-streams.handler-threads").hasMessageContaining("above per-peer");
    }

    @Test
    void aZeroPerSessionLimitIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> load("incoming-streams { per-session = 0 }"))
                .isInstanceOf(JunctionException.class).hasMessageContaining("incoming-streams.per-session");
    }

    @Test
    void anUnknownIncomingStreamsKeyIsRefused() {
        assertThatThrownBy(() -> load("incoming-streams { per-host = 3 }"))
                .isInstanceOf(JunctionException.class).hasMessageContaining("junction.client.incoming-streams.per-host: unknown setting");
    }

    @Test
    void anUnknownTopLevelKeyIsRefusedWithItsFullPathAndOrigin() {
        assertThatThrownBy(() -> load("keep-alive = 5s"))
                .isInstanceOf(JunctionException.class)
                .hasMessageContaining("junction.client.keep-alive: unknown setting (")
                .hasMessageContaining("client.conf: 2)")
                .hasMessageContaining("keepalive");
    }

    @Test
    void anUnknownNestedKeyIsRefusedWithItsFullPathAndOrigin() {
        assertThatThrownBy(() -> load("punch-limits { starts = 5 }"))
                .isInstanceOf(JunctionException.class)
                .hasMessageContaining("junction.client.punch-limits.starts: unknown setting (")
                .hasMessageContaining("client.conf: 2)")
                .hasMessageContaining("starts-per-session");
    }

    @Test
    void aMisspeltSystemPropertyIsRefusedToo() {
        System.setProperty("junction.client.keep-alive", "5s");
        com.typesafe.config.ConfigFactory.invalidateCaches();
        try {
            assertThatThrownBy(() -> load(""))
                    .isInstanceOf(JunctionException.class)
                    .hasMessageContaining("junction.client.keep-alive: unknown setting (system properties)");
        } finally {
            System.clearProperty("junction.client.keep-alive");
            com.typesafe.config.ConfigFactory.invalidateCaches();
        }
    }

    @Test
    void aPlainValueWhereABlockBelongsIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> load("port-prediction = 5"))
                .isInstanceOf(JunctionException.class)
                .hasMessageContaining("junction.client.port-prediction: must be a block { probes, rate, sockets }, was 5 (")
                .hasMessageContaining("client.conf: 2)");
    }

    @Test
    void aValueOfTheWrongTypeIsRefusedNamingTheKeyAndOrigin() {
        assertThatThrownBy(() -> load("keepalive = soon"))
                .isInstanceOf(JunctionException.class)
                .hasMessageContaining("junction.client.keepalive: must be a duration such as 20s or 500ms, was \"soon\" (")
                .hasMessageContaining("client.conf: 2)");
        assertThatThrownBy(() -> load("punch = maybe"))
                .hasMessageContaining("junction.client.punch: must be true or false, was \"maybe\"");
        assertThatThrownBy(() -> load("punch-limits.probes = lots"))
                .hasMessageContaining("junction.client.punch-limits.probes: must be a whole number (at most 2147483647), was \"lots\"");
        assertThatThrownBy(() -> load("incoming-streams.per-peer = 10000000000"))
                .hasMessageContaining("junction.client.incoming-streams.per-peer: must be a whole number (at most 2147483647), was 10000000000");
    }

    @Test
    void aCongestionControlIsReadByNameAndAnUnknownOneIsRefusedNamingTheKey() throws Exception {
        load("congestion-control = bbr");
        load("congestion-control = RENO");
        assertThatThrownBy(() -> load("congestion-control = vegas"))
                .isInstanceOf(JunctionException.class)
                .hasMessage("junction.client.congestion-control: must be one of cubic, reno, bbr, was \"vegas\"");
    }

    @Test
    void aValueOutOfRangeIsRefusedNamingTheFullKey() {
        assertThatThrownBy(() -> load("punch-limits.probes = 3"))
                .isInstanceOf(JunctionException.class)
                .hasMessage("junction.client.punch-limits.probes: must be 64-65536, was 3");
        assertThatThrownBy(() -> load("punch-limits.start-interval = 1ms"))
                .hasMessage("junction.client.punch-limits.start-interval: must be 100ms-1h, was 1ms");
        assertThatThrownBy(() -> load("port-prediction.sockets = 5000"))
                .hasMessage("junction.client.port-prediction.sockets: must be 0-1024, was 5000");
        assertThatThrownBy(() -> load("keepalive = 5 minutes"))
                .hasMessage("junction.client.keepalive: must be above 0 and at most 60s, was 300s");
        assertThatThrownBy(() -> load("session-idle-timeout = 1s"))
                .hasMessage("junction.client.session-idle-timeout: must be at least 2s, was 1s");
        assertThatThrownBy(() -> load("connect-timeout = 0s"))
                .hasMessage("junction.client.connect-timeout: must be above 0, was 0s");
        assertThatThrownBy(() -> load("bind-port = 70000"))
                .hasMessage("junction.client.bind-port: must be 0-65535 (0 picks a free port), was 70000");
    }

    @Test
    void noRelayOrABadRelayAddressIsRefusedNamingTheKey() throws Exception {
        Path f = dir.resolve("empty.conf");
        Files.writeString(f, "junction.client { }");
        assertThatThrownBy(() -> ClientConfig.load(Optional.of(f)))
                .isInstanceOf(JunctionException.class).hasMessageStartingWith("junction.client.relays: no relay address");
        Files.writeString(f, "junction.client { relays = [\"relay.example.com\"] }");
        assertThatThrownBy(() -> ClientConfig.load(Optional.of(f)))
                .isInstanceOf(JunctionException.class).hasMessageStartingWith("junction.client.relays: bad relay address 'relay.example.com'");
    }
}
