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

    /**
     * A new builder. Give it an identity ({@link Builder#identity}, {@link Builder#identityFile}, or
     * none for a fresh one) and at least one {@link Builder#relay}, then {@link Builder#start()} it.
     *
     * @return a builder with every optional setting at its default
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * This client's identity: what other peers pass to {@link #connect} to reach it.
     *
     * @return the PeerId of this client's Ed25519 identity
     */
    public PeerId peerId() {
        return core.peerId();
    }

    /**
     * The relay this client is logged in to, or reconnecting to after losing it.
     *
     * @return the relay's address in the form {@link Builder#relay(String)} takes
     */
    public String relay() {
        return core.relay().toString();
    }

    /**
     * The local address of the session socket, the one UDP socket that carries discovery, punching
     * and session traffic.
     *
     * @return the bound address and port ({@link Builder#bind}, with the port chosen when it was 0)
     */
    public InetSocketAddress localAddress() {
        return core.socket().localAddress();
    }

    /**
     * The session socket's public address as the relay saw it; it changes when the network does.
     *
     * @return the mapped address, or null when UDP to the relay is blocked (sessions then use the
     *     TLS relay path)
     */
    public InetSocketAddress publicUdpAddress() {
        return core.udpMapped();
    }

    /**
     * Opens an end-to-end encrypted session to {@code peer}. The session starts on the relay and
     * moves to a direct path when hole punching finds one ({@link ClientOptions#punch()}). Never
     * blocks; may be called from any thread.
     *
     * @param peer the peer to reach; it must hold a reservation on the same relay
     * @return completes with the session once the peers' TLS handshake has proven the peer's identity;
     *     completes exceptionally with a {@link JunctionException} that says what to do when the peer
     *     is unknown to the relay, refuses, cannot prove its identity, or does not answer within
     *     {@link ClientOptions#connectTimeout()}
     * @throws NullPointerException if {@code peer} is null
     */
    public CompletableFuture<Session> connect(PeerId peer) {
        return core.connect(Objects.requireNonNull(peer, "peer"));
    }

    /**
     * Runs a NAT check on the session socket against the relay's STUN endpoint (see {@link NatCheck}),
     * so the report describes the mapping this client's sessions actually use. Never blocks.
     *
     * @return completes with the report within {@value NatCheck#BUDGET_MILLIS} ms; completes
     *     exceptionally with a {@link JunctionException} when the client has not logged in to the
     *     relay yet
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

    /**
     * Ends every session, leaves the relay and closes the sockets and threads; waits up to about two
     * seconds for the sessions' close frames to leave. Idempotent; called from a callback on the
     * client's I/O thread it returns at once and closes in the background.
     */
    @Override
    public void close() {
        core.close();
    }

    /**
     * How a client is made: at least one relay is required; without an identity the client gets a
     * fresh one (a new PeerId each run). The rest has defaults: no token, {@link ClientOptions#DEFAULTS},
     * a listener that ignores every event, incoming sessions refused, any local address and a free
     * port. Not thread-safe: build on one thread. Setters return this builder.
     */
    public static final class Builder {
        private Identity identity;
        private Path identityFile;
        private final List<RelayAddress> relays = new ArrayList<>();
        private Supplier<String> tokens = () -> "";
        private ClientOptions options = ClientOptions.DEFAULTS;
        private ClientListener listener = new ClientListener() { };
        private Consumer<Session> acceptor;
        private InetSocketAddress bind = new InetSocketAddress(0);
        private Path relayCertificateAuthorities;

        private Builder() {
        }

        /**
         * The client's Ed25519 identity; its {@link Identity#peerId()} is how peers reach it. Replaces
         * {@link #identityFile} when both are given. Default: a fresh identity per client.
         *
         * @param id the identity to use
         * @return this builder
         * @throws NullPointerException if {@code id} is null
         */
        public Builder identity(Identity id) {
            this.identity = Objects.requireNonNull(id, "identity");
            return this;
        }

        /**
         * The identity in {@code file}, read when the client starts; the file is created with a fresh
         * identity (mode 0600) if it does not exist, so the PeerId stays the same across runs.
         *
         * @param file the identity file, as {@code junction keygen} writes it
         * @return this builder
         * @throws NullPointerException if {@code file} is null
         */
        public Builder identityFile(Path file) {
            this.identityFile = Objects.requireNonNull(file, "identity file");
            return this;
        }

        /**
         * A relay address as {@code junction relay} prints it; call again to add fallbacks, tried in
         * order when the client (re)connects.
         *
         * @param address the relay's multiaddr, e.g. {@code /ip4/203.0.113.10/tcp/5349/tls/p2p/z12D3KooW...}
         * @return this builder
         * @throws JunctionException if {@code address} cannot be parsed; the message says what to copy instead
         */
        public Builder relay(String address) {
            try {
                relays.add(RelayAddress.parse(address));
            } catch (WireFormatException e) {
                throw new JunctionException("bad relay address '" + address + "': " + e.getMessage()
                        + "; copy the 'relay address:' line the relay prints at startup");
            }
            return this;
        }

        /**
         * A relay address already parsed; call again to add fallbacks, tried in order.
         *
         * @param address the relay's address and identity
         * @return this builder
         * @throws NullPointerException if {@code address} is null
         */
        public Builder relay(RelayAddress address) {
            relays.add(Objects.requireNonNull(address, "relay"));
            return this;
        }

        /**
         * The certificate authorities to trust when a relay serves a CA-issued TLS certificate (its
         * operator set {@code tls.cert-file}) instead of its own self-signed one. Default: the JDK's
         * trusted CAs. Such a certificate must be valid for the relay address's host name (use a
         * {@code /dns/} address) or IP, and the relay must still prove the address's PeerId inside the
         * connection, so the pin holds either way; a relay serving its own certificate needs none of this.
         *
         * @param pemFile a PEM file of one or more CA certificates
         * @return this builder
         * @throws NullPointerException if {@code pemFile} is null
         */
        public Builder relayCertificateAuthorities(Path pemFile) {
            this.relayCertificateAuthorities = Objects.requireNonNull(pemFile, "pemFile");
            return this;
        }

        /**
         * A fixed admission token (from {@code junction token} or your backend), sent at every login.
         * Default: no token, which a relay admits only in open mode or with this PeerId on its
         * allow-list. Replaces
         * {@link #tokens}.
         *
         * @param token the token; null means none
         * @return this builder
         */
        public Builder token(String token) {
            String t = token == null ? "" : token;
            this.tokens = () -> t;
            return this;
        }

        /**
         * Asked for a token at every login (start and each reconnect), so a long-running client can
         * renew short-lived tokens. Called on the client's I/O thread: return quickly. Replaces
         * {@link #token}.
         *
         * @param supplier gives the current token
         * @return this builder
         * @throws NullPointerException if {@code supplier} is null
         */
        public Builder tokens(Supplier<String> supplier) {
            this.tokens = Objects.requireNonNull(supplier, "tokens");
            return this;
        }

        /**
         * Tuning: keepalive, timeouts, relay over UDP, punching, port prediction and limits.
         * Default: {@link ClientOptions#DEFAULTS}.
         *
         * @param o the options
         * @return this builder
         * @throws NullPointerException if {@code o} is null
         */
        public Builder options(ClientOptions o) {
            this.options = Objects.requireNonNull(o, "options");
            return this;
        }

        /**
         * Hooks for relay, path, punch and session events, for the app's logging or metrics (see
         * {@link ClientListener} for the thread they run on). Default: a listener that ignores them.
         *
         * @param l the listener
         * @return this builder
         * @throws NullPointerException if {@code l} is null
         */
        public Builder listener(ClientListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /**
         * Accepts sessions that peers open. The handler runs on the client's handler pool and may
         * block. Default: none, and incoming sessions are refused.
         *
         * @param handler called once with each incoming session
         * @return this builder
         * @throws NullPointerException if {@code handler} is null
         */
        public Builder onSession(Consumer<Session> handler) {
            this.acceptor = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * The session socket's local address. Default: any address, a free port.
         *
         * @param local the address and port to bind (port 0: any free port)
         * @return this builder
         * @throws NullPointerException if {@code local} is null
         */
        public Builder bind(InetSocketAddress local) {
            this.bind = Objects.requireNonNull(local, "bind");
            return this;
        }

        /**
         * Starts the client without blocking: binds the session socket and logs in to the relay.
         *
         * @return completes with the client once it holds a reservation on the relay; completes
         *     exceptionally with a {@link JunctionException} when no relay was given, the identity file
         *     cannot be read or written, the session socket cannot be bound, or the relay refuses the
         *     login (the message says why and what to do), and with a
         *     {@link java.util.concurrent.TimeoutException} when no reservation is held within
         *     {@link ClientOptions#connectTimeout()} (the client is then closed)
         */
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
            return ClientCore.start(id, relays, relayCertificateAuthorities, tokens, options, listener, acceptor, bind).thenApply(TraversalClient::new);
        }

        /**
         * Starts the client and waits until it holds a reservation on the relay.
         *
         * @return the started client; close it when done
         * @throws JunctionException for every failure {@link #startAsync()} reports, when the relay
         *     cannot be reached within {@link ClientOptions#connectTimeout()}, or when interrupted
         *     (the interrupt flag is set again)
         */
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
