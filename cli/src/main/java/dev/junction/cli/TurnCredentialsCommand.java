package dev.junction.cli;

import dev.junction.relay.turn.TurnCredentials;
import dev.junction.relay.turn.TurnSecrets;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Mints TURN REST API credentials, printing the JSON an app server hands to a browser (its {@code
 * iceServers} entry is {@code {urls: uris, username, credential: password}}).
 */
@Command(name = "turn-credentials", mixinStandardHelpOptions = true,
        description = "Mint TURN credentials (TURN REST API: username EXPIRY:USER, password base64(HMAC-SHA1(secret, username))) "
                + "and print them as JSON: {\"username\", \"password\", \"ttl\", \"uris\"}.")
final class TurnCredentialsCommand implements Callable<Integer> {
    @Option(names = "--secret-file", paramLabel = "FILE", required = true,
            description = "The relay's TURN secret file (junction.relay.turn.secret-file; the relay prints it as 'turn credentials: secret in FILE').")
    Path secretFile;

    @Option(names = "--user", paramLabel = "NAME", required = true, description = "Who the credentials are for (no ':'); shows in the user name.")
    String user;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "24h",
            description = "How long they are valid, e.g. 10m, 1h, 24h (at most 24h; default: ${DEFAULT-VALUE}).")
    String ttl;

    @Option(names = "--relay", paramLabel = "ADDR", description = "The relay's host or IP, optionally HOST:PORT of its TURN UDP/TCP port "
            + "(default port 3478), or its relay address (/ip4/IP/tcp/...); fills \"uris\". Repeatable.")
    List<String> relays = new ArrayList<>();

    @Option(names = "--tls-port", paramLabel = "PORT", defaultValue = "5350",
            description = "The relays' TURN-over-TLS port for the turns: URI (junction.relay.turn.tls-port; -1: none; default: ${DEFAULT-VALUE}).")
    int tlsPort;

    @Override
    public Integer call() {
        Duration d = TokenCommand.parseDuration(ttl);
        String secret;
        try {
            secret = TurnSecrets.current(secretFile);
        } catch (IOException e) {
            throw new CliException("cannot read the TURN secret: " + e.getMessage());
        }
        TurnCredentials.Minted minted;
        try {
            minted = TurnCredentials.mint(secret, user, d, Instant.now());
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage() + " (--user, --ttl)");
        }
        List<String> uris = new ArrayList<>();
        for (String r : relays) {
            String[] hostPort = hostPort(r);
            uris.add("turn:" + hostPort[0] + ":" + hostPort[1] + "?transport=udp");
            uris.add("turn:" + hostPort[0] + ":" + hostPort[1] + "?transport=tcp");
            if (tlsPort >= 0) {
                uris.add("turns:" + hostPort[0] + ":" + tlsPort + "?transport=tcp");
            }
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("username", minted.username());
        o.put("password", minted.password());
        o.put("ttl", minted.ttlSeconds());
        o.put("uris", uris);
        System.out.println(Json.object(o));
        return 0;
    }

    /** {host, port} from HOST, HOST:PORT, [V6]:PORT, V6 or a relay address /ip4|ip6|dns/HOST/tcp/...; host as a URI wants it. */
    static String[] hostPort(String relay) {
        if (relay.startsWith("/")) {
            String[] parts = relay.split("/");
            if (parts.length < 3) {
                throw new CliException("--relay: '" + relay + "' is not a relay address such as /ip4/203.0.113.10/tcp/5349/tls/p2p/...");
            }
            return new String[] {parts[1].equals("ip6") ? "[" + parts[2] + "]" : parts[2], "3478"};
        }
        if (relay.startsWith("[")) {
            int close = relay.indexOf(']');
            String port = close + 1 < relay.length() && relay.charAt(close + 1) == ':' ? relay.substring(close + 2) : "3478";
            return new String[] {relay.substring(0, close + 1), checkPort(port, relay)};
        }
        if (relay.chars().filter(c -> c == ':').count() > 1) {
            return new String[] {"[" + relay + "]", "3478"};
        }
        int colon = relay.indexOf(':');
        return colon < 0 ? new String[] {relay, "3478"} : new String[] {relay.substring(0, colon), checkPort(relay.substring(colon + 1), relay)};
    }

    private static String checkPort(String port, String relay) {
        try {
            int p = Integer.parseInt(port);
            if (p > 0 && p <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new CliException("--relay: '" + relay + "' has no valid port");
    }
}
