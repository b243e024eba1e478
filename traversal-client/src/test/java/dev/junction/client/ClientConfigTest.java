package dev.junction.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading junction.client from HOCON: defaults, and errors that name the key. */
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
}
