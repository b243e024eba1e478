package dev.junction.cli;

import dev.junction.client.ClientListener;
import dev.junction.client.ClientOptions;
import dev.junction.client.CongestionControl;
import dev.junction.client.JunctionException;
import dev.junction.client.PathInfo;
import dev.junction.client.Session;
import dev.junction.client.TraversalClient;
import dev.junction.wire.address.RelayAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** The options every peer command shares, and the client they describe. */
final class PeerOptions {
    @Option(names = "--relay", paramLabel = "ADDR", required = true, converter = Converters.RelayAddressConverter.class,
            description = "Relay address as the relay prints it. Give it more than once for relays of one fleet: the client "
                    + "logs in to the first and moves to the next when its relay fails or drains.")
    java.util.List<RelayAddress> relays;

    @Option(names = "--identity", paramLabel = "FILE", defaultValue = "junction.key",
            description = "Identity file (created if missing; default: ${DEFAULT-VALUE}).")
    Path identity;

    @Option(names = "--token", paramLabel = "T", description = "Admission token (see junction token). Visible to every local "
            + "user in the process list: prefer --token-file or the JUNCTION_TOKEN environment variable.")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Read the admission token from FILE, and again whenever "
            + "it changes: a long-running peer renews its reservation with the new token before the old one expires.")
    Path tokenFile;

    @Option(names = "--relay-ca", paramLabel = "FILE", description = "PEM file of the CAs that issued the relay's certificate, "
            + "when its operator serves a CA-issued one (tls.cert-file) that the JDK's CAs do not cover. The relay still proves the "
            + "PeerId of its address.")
    Path relayCa;

    /** Where the admission token comes from: --token, else --token-file, else $JUNCTION_TOKEN, else none. */
    java.util.function.Supplier<String> tokens() {
        if (token != null && tokenFile != null) {
            throw new CliException("give --token or --token-file, not both");
        }
        if (token != null) {
            String t = token;
            return () -> t;
        }
        if (tokenFile != null) {
            return new TokenSource(tokenFile);
        }
        String env = System.getenv("JUNCTION_TOKEN");
        String t = env == null ? "" : env.strip();
        return () -> t;
    }

    @Option(names = "--relay-tcp", description = "Relay over the TLS connection only (as when UDP is blocked).")
    boolean relayTcp;

    @Option(names = "--no-punch", description = "Stay on the relay: no hole punching for a direct path.")
    boolean noPunch;

    @Option(names = "--port-mapping", description = "Ask the gateway (PCP, then NAT-PMP) to map the session's UDP port and offer the "
            + "mapped address to peers (junction.client.port-mapping; off unless given: it talks to your router).")
    boolean portMapping;

    @Option(names = "--congestion-control", paramLabel = "ALGORITHM", defaultValue = "cubic",
            description = "How sessions pace what this peer sends: cubic (default), reno or bbr "
                    + "(junction.client.congestion-control; BENCHMARKS.md section 12 measures them).")
    String congestionControl;

    @Option(names = "--json", description = "Print events as JSON lines on stderr.")
    boolean json;

    private CongestionControl congestionControl() {
        try {
            return CongestionControl.ofConfigName(congestionControl);
        } catch (IllegalArgumentException e) {
            throw new CliException("--congestion-control " + e.getMessage());
        }
    }

    /** Prints an event on stderr: one JSON object per line, or a readable line. */
    void event(String name, Map<String, Object> fields, String human) {
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("event", name);
            o.putAll(fields);
            System.err.println(Json.object(o));
        } else {
            System.err.println("junction: " + human);
        }
        System.err.flush();
    }

    void path(Session s, PathInfo p) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("peer", s.remotePeer().toString());
        f.put("kind", p.kind().label());
        f.put("remote", RelayCommand.hostPort(p.remote()));
        f.put("ms", p.sinceMillis());
        f.put("family", p.remote().getAddress() instanceof java.net.Inet6Address ? "ipv6" : "ipv4");
        if (p.mapped()) {
            f.put("mapped", true); // the CLI contract: only on a path through a gateway port mapping
        }
        event("path", f, "path " + p.kind().label() + " via " + RelayCommand.hostPort(p.remote()) + " after " + p.sinceMillis() + " ms");
    }

    /** Starts a client; errors become one line naming what to do. */
    TraversalClient start(Consumer<Session> acceptor) {
        ClientListener listener = new ClientListener() {
            @Override
            public void relayConnected(String relayAddress) {
                Map<String, Object> f = new LinkedHashMap<>(); // the CLI contract: state, then relay
                f.put("state", "connected");
                f.put("relay", relayAddress);
                event("relay", f, "relay connected: " + relayAddress);
            }

            @Override
            public void relayDisconnected(String reason) {
                event("relay", Map.of("state", "disconnected", "reason", reason), "relay disconnected (" + reason + "); reconnecting");
            }

            @Override
            public void pathChanged(Session session, PathInfo path) {
                path(session, path);
            }

            @Override
            public void punchFinished(Session session, boolean direct, int probes, long millis) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("peer", session.remotePeer().toString());
                f.put("outcome", direct ? session.activePath().kind().label() : "failed");
                f.put("probes", probes);
                f.put("ms", millis);
                event("punch", f, "hole punching " + (direct ? "found a direct path (" + f.get("outcome") + ")" : "found no direct path")
                        + " after " + probes + " probes, " + millis + " ms");
            }

            @Override
            public void sessionClosed(Session session, String reason) {
                event("session-closed", Map.of("peer", session.remotePeer().toString(), "reason", reason),
                        "session with " + session.remotePeer().shortString() + " closed: " + reason);
            }
        };
        TraversalClient.Builder b = TraversalClient.builder().identityFile(identity).tokens(tokens())
                .options(ClientOptions.DEFAULTS.toBuilder().relayUdp(!relayTcp).punch(!noPunch).portMapping(portMapping)
                        .congestionControl(congestionControl()).build()).listener(listener);
        relays.forEach(b::relay);
        if (acceptor != null) {
            b.onSession(acceptor);
        }
        if (relayCa != null) {
            b.relayCertificateAuthorities(relayCa);
        }
        try {
            return b.start();
        } catch (JunctionException e) {
            throw new CliException(e.getMessage(), e);
        }
    }
}
