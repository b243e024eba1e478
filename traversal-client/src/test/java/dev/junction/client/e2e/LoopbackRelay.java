package dev.junction.client.e2e;

import dev.junction.client.ClientOptions;
import dev.junction.client.Session;
import dev.junction.client.TraversalClient;
import dev.junction.relay.RelayServer;
import dev.junction.relay.config.RelayConfigLoader;
import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** A real relay on 127.0.0.1 with ephemeral ports, and clients of it with valid tokens. */
final class LoopbackRelay implements AutoCloseable {
    final RelayServer server;

    private LoopbackRelay(RelayServer server) {
        this.server = server;
    }

    static LoopbackRelay start(Path dir, Map<String, Object> overrides) throws Exception {
        Map<String, Object> o = new HashMap<>();
        o.put("bind", "127.0.0.1");
        o.put("stun-port", 0);
        o.put("control-port", 0);
        o.put("turn.tls-port", 0);
        o.put("admin.port", 0);
        o.put("data-dir", dir.resolve("relay").toString());
        o.putAll(overrides);
        return new LoopbackRelay(RelayServer.start(RelayConfigLoader.load(Optional.empty(), o)));
    }

    RelayAddress address() {
        return new RelayAddress("127.0.0.1", server.controlAddress().getPort(), server.identity().peerId());
    }

    String token(PeerId peer, Instant expiry) throws Exception {
        return AdmissionToken.mint(AdmissionSecret.read(server.config().admission().secretFile()), peer, expiry);
    }

    TraversalClient.Builder builder(Identity id) throws Exception {
        return TraversalClient.builder().identity(id).relay(address()).token(token(id.peerId(), Instant.now().plusSeconds(3600)));
    }

    TraversalClient client(ClientOptions options, Consumer<Session> acceptor) throws Exception {
        TraversalClient.Builder b = builder(Identity.generate()).options(options);
        if (acceptor != null) {
            b.onSession(acceptor);
        }
        return b.start();
    }

    @Override
    public void close() {
        server.close();
    }
}
