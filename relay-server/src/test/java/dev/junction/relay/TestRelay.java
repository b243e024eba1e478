package dev.junction.relay;

import dev.junction.relay.config.RelayConfigLoader;
import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.identity.PeerId;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A real relay on loopback with ephemeral ports and its state in a temporary directory. */
public final class TestRelay implements AutoCloseable {
    public final RelayServer server;
    private final Path dir;

    private TestRelay(RelayServer server, Path dir) {
        this.server = server;
        this.dir = dir;
    }

    /** Starts a relay; {@code overrides} are keys under junction.relay. */
    public static TestRelay start(Path dir, Map<String, Object> overrides) throws Exception {
        Map<String, Object> o = new HashMap<>();
        o.put("bind", "127.0.0.1");
        o.put("stun-port", 0);
        o.put("control-port", 0);
        o.put("admin.port", 0);
        o.put("turn.tls-port", 0);
        o.put("data-dir", dir.resolve("relay").toString());
        o.putAll(overrides);
        return new TestRelay(RelayServer.start(RelayConfigLoader.load(Optional.empty(), o)), dir);
    }

    public static TestRelay start(Path dir) throws Exception {
        return start(dir, Map.of());
    }

    /** A valid token for {@code peer}, minted with this relay's secret. */
    /**
     * A token valid for two hours: longer than the reservation lifetime (one hour), so the lifetime
     * LOGIN_OK grants is the configured one, not the token's remaining seconds (a token that ends at
     * now + 3600, in whole seconds, would cap it at 3599 whenever a second boundary passed).
     */
    public String token(PeerId peer) throws IOException {
        return AdmissionToken.mint(AdmissionSecret.read(server.config().admission().secretFile()), peer,
                Instant.now().plusSeconds(2 * 3600));
    }

    public TestClient client() throws Exception {
        return TestClient.connect(server.controlAddress(), server.identity().peerId());
    }

    @Override
    public void close() {
        server.close();
    }
}
