package dev.junction.client;

import dev.junction.client.internal.ClientCore;
import dev.junction.client.internal.discovery.NatProbe;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.IdentityFile;
import dev.junction.wire.identity.PeerId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A peer of a Junction network: it holds a reservation on a relay, opens {@link Session}s to other
 * peers by {@link PeerId}, and accepts theirs. Sessions start on the relay at once and carry on
 * whatever path is best; the application sees streams, never paths.
 *
 * <pre>{@code
 * try (TraversalClient client = TraversalClient.builder()
 *         .identityFile(Path.of("alice.key"))           // created on first use
 *         .relay("/ip4/203.0.113.10/tcp/5349/tls/p2p/z12D3KooW...")
 *         .token(System.getenv("JUNCTION_TOKEN"))      // minted by your backend
 *         .start()) {
 *     Session session = client.connect(bob).get();
 *     Stream stream = session.openStream().get();
 *     stream.output().write("hello".getBytes(UTF_8));
 *     stream.shutdownOutput();
 *     System.out.println(new String(stream.input().readAllBytes(), UTF_8));
 * }
 * }</pre>
 *
 * <p>Thread-safe. One I/O thread per client runs all networking; callbacks that may block (accept
 * handlers, stream handlers) run on a separate pool of {@link IncomingStreamLimits#handlerThreads()}
 * threads, where work waits when all are busy. Each peer holds at most
 * {@link IncomingStreamLimits#perPeer()} streams toward this client at once (more are refused), so
 * one peer that never finishes its streams cannot take every handler thread
 * ({@link ClientOptions#withStreams}).
 */
public final class TraversalClient implements AutoCloseable {
    private final ClientCore core;

    private TraversalClient(ClientCore core) {
        this.core = core;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This client's identity. */
    public PeerId peerId() {
        return core.peerId();
    }

    /** The relay this client is logged in to (or reconnecting to). */
    public String relay() {
        return core.relay().toString();
    }

    /** The local address of the session socket (UDP). */
    public InetSocketAddress localAddress() {
        return core.socket().localAddress();
    }

    /** The session socket's public address as the relay saw it, or null when UDP to the relay is blocked. */
    public InetSocketAddress publicUdpAddress() {
        return core.udpMapped();
    }

    /**
     * Opens an end-to-end encrypted session to {@code peer}. Fails with a {@link JunctionException}
     * that says what to do when the peer is unknown to the relay, refuses, or cannot prove its identity.
     */
    public CompletableFuture<Session> connect(PeerId peer) {
        return core.connect(Objects.requireNonNull(peer, "peer"));
    }

    /**
     * Runs a NAT check on the session socket against the relay's STUN endpoint (see {@link NatCheck});
     * completes within {@value NatCheck#BUDGET_MILLIS} ms.
     */
    public CompletableFuture<NatReport> checkNat() {
        InetSocketAddress server = core.relayStun();
        if (server == null) {
            return CompletableFuture.failedFuture(new JunctionException("not logged in to the relay yet; try again"));
        }
        long t0 = System.nanoTime();
        CompletableFuture<InetSocketAddress> tcp = CompletableFuture.supplyAsync(() -> NatCheck.tcpMapped(server));
        return new NatProbe(core.stun(), core.socket().localAddress()).run(server)
                .thenCombine(tcp, (r, t) -> NatCheck.report(server, r, core.socket().localAddress(), t, t0));
    }

    /** Ends every session and leaves the relay. */
    @Override
    public void close() {
        core.close();
    }

    /** How a client is made: identity and relay are required, the rest has defaults. */
    public static final class Builder {
        private Identity identity;
        private Path identityFile;
        private final List<RelayAddress> relays = new ArrayList<>();
        private Supplier<String> tokens = () -> "";
        private ClientOptions options = ClientOptions.DEFAULTS;
        private ClientListener listener = new ClientListener() { };
        private Consumer<Session> acceptor;
        private InetSocketAddress bind = new InetSocketAddress(0);

        private Builder() {
        }

        public Builder identity(Identity id) {
            this.identity = Objects.requireNonNull(id, "identity");
            return this;
        }

        /** The identity in {@code file}, which is created (mode 0600) if it does not exist. */
        public Builder identityFile(Path file) {
            this.identityFile = Objects.requireNonNull(file, "identity file");
            return this;
        }

        /** A relay address as {@code junction relay} prints it; call again to add fallbacks. */
        public Builder relay(String address) {
            try {
                relays.add(RelayAddress.parse(address));
            } catch (WireFormatException e) {
                throw new JunctionException("bad relay address '" + address + "': " + e.getMessage()
                        + "; copy the 'relay address:' line the relay prints at startup");
            }
            return this;
        }

        public Builder relay(RelayAddress address) {
            relays.add(Objects.requireNonNull(address, "relay"));
            return this;
        }

        /** A fixed admission token (from {@code junction token} or your backend). */
        public Builder token(String token) {
            String t = token == null ? "" : token;
            this.tokens = () -> t;
            return this;
        }

        /** Asked for a fresh token at every login, so a long-running client can renew short-lived tokens. */
        public Builder tokens(Supplier<String> supplier) {
            this.tokens = Objects.requireNonNull(supplier, "tokens");
            return this;
        }

        public Builder options(ClientOptions o) {
            this.options = Objects.requireNonNull(o, "options");
            return this;
        }

        public Builder listener(ClientListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /** Accepts sessions that peers open (on a pool thread; may block). Without it incoming sessions are refused. */
        public Builder onSession(Consumer<Session> handler) {
            this.acceptor = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** The session socket's local address; default: any address, a free port. */
        public Builder bind(InetSocketAddress local) {
            this.bind = Objects.requireNonNull(local, "bind");
            return this;
        }

        /** Starts the client; completes once it holds a reservation on the relay. */
        public CompletableFuture<TraversalClient> startAsync() {
            if (relays.isEmpty()) {
                return CompletableFuture.failedFuture(new JunctionException("no relay address given; call relay(...)"));
            }
            Identity id;
            try {
                id = resolveIdentity();
            } catch (JunctionException e) {
                return CompletableFuture.failedFuture(e);
            }
            return ClientCore.start(id, relays, tokens, options, listener, acceptor, bind).thenApply(TraversalClient::new);
        }

        /** Starts the client and waits until it holds a reservation (at most the connect timeout). */
        public TraversalClient start() {
            try {
                return startAsync().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JunctionException("interrupted while starting");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof JunctionException j) {
                    throw j;
                }
                throw new JunctionException("could not reach the relay within " + options.connectTimeout().toSeconds()
                        + " s: " + e.getCause(), e.getCause());
            }
        }

        private Identity resolveIdentity() {
            if (identity != null) {
                return identity;
            }
            if (identityFile == null) {
                return Identity.generate();
            }
            try {
                if (Files.exists(identityFile)) {
                    return IdentityFile.read(identityFile);
                }
                Identity fresh = Identity.generate();
                IdentityFile.write(fresh, identityFile);
                return fresh;
            } catch (IOException e) {
                throw new JunctionException("cannot use identity file " + identityFile + ": " + e.getMessage(), e);
            }
        }
    }
}
