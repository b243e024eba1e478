package dev.junction.client;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The client's settings from HOCON ({@code junction.client}, defaults in the library's
 * reference.conf, example in config/client.conf), for apps that configure by file. Unknown keys
 * and bad values fail at load, naming the key and the reason.
 */
public final class ClientConfig {
    static final String ROOT = "junction.client";
    static final Set<String> KEYS = Set.of("relays", "identity-file", "token-file", "bind-address", "bind-port",
            "keepalive", "connect-timeout", "relay-udp", "session-idle-timeout", "punch", "port-prediction",
            "incoming-streams", "punch-limits");
    static final List<String> PUNCH_LIMIT_KEYS = List.of("starts-per-session", "starts-per-peer", "start-interval", "probes",
            "probes-per-second");

    private ClientConfig() {
    }

    /**
     * A builder set up from {@code file}: relays, identity file, token file, bind address and
     * {@link ClientOptions}. Add a listener and a session handler if needed, then start it. When
     * {@code token-file} is set, the file is read again at every login, so a renewed token is used
     * without a restart.
     *
     * @param file a HOCON file with a {@code junction.client} block; empty: the defaults alone,
     *     which have no relay and so fail
     * @return a builder; nothing has been bound or contacted yet
     * @throws JunctionException if the file cannot be read or parsed, a key is unknown, a value is
     *     out of range, or no relay is given; the message names the key and the reason
     */
    public static TraversalClient.Builder load(Optional<Path> file) {
        Config c;
        try {
            Config base = ConfigFactory.defaultReference(ClientConfig.class.getClassLoader());
            Config user = file.map(f -> ConfigFactory.parseFile(f.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)))
                    .orElse(ConfigFactory.empty());
            c = user.withFallback(base).resolve(ConfigResolveOptions.defaults()).getConfig(ROOT);
        } catch (ConfigException e) {
            throw new JunctionException("bad client config: " + e.getMessage());
        }
        for (String key : c.root().keySet()) {
            if (!KEYS.contains(key)) {
                throw new JunctionException(ROOT + "." + key + ": unknown setting; the settings are " + KEYS);
            }
        }
        try {
            List<String> relays = c.getStringList("relays");
            if (relays.isEmpty()) {
                throw new JunctionException(ROOT + ".relays: no relay address; add the \"relay address:\" line of `junction relay`");
            }
            int port = c.getInt("bind-port");
            if (port < 0 || port > 65535) {
                throw new JunctionException(ROOT + ".bind-port: " + port + " is not a port (0-65535)");
            }
            ClientOptions options;
            try {
                Config pp = c.getConfig("port-prediction");
                for (String key : pp.root().keySet()) {
                    if (!java.util.List.of("sockets", "probes", "rate").contains(key)) {
                        throw new JunctionException(ROOT + ".port-prediction." + key + ": unknown setting; the settings are sockets, probes, rate");
                    }
                }
                Config is = c.getConfig("incoming-streams");
                for (String key : is.root().keySet()) {
                    if (!java.util.List.of("per-session", "per-peer", "handler-threads").contains(key)) {
                        throw new JunctionException(ROOT + ".incoming-streams." + key
                                + ": unknown setting; the settings are per-session, per-peer, handler-threads");
                    }
                }
                Config pl = c.getConfig("punch-limits");
                for (String key : pl.root().keySet()) {
                    if (!PUNCH_LIMIT_KEYS.contains(key)) {
                        throw new JunctionException(ROOT + ".punch-limits." + key + ": unknown setting; the settings are " + PUNCH_LIMIT_KEYS);
                    }
                }
                PunchLimits limits;
                try {
                    limits = new PunchLimits(pl.getInt("starts-per-session"), pl.getInt("starts-per-peer"),
                            pl.getDuration("start-interval"), pl.getInt("probes"), pl.getInt("probes-per-second"));
                } catch (IllegalArgumentException e) {
                    throw new JunctionException(ROOT + "." + e.getMessage().replace("punch-limits ", "punch-limits."));
                }
                options = new ClientOptions(c.getDuration("keepalive"), c.getDuration("connect-timeout"),
                        c.getBoolean("relay-udp"), c.getDuration("session-idle-timeout"), c.getBoolean("punch"),
                        new PortPrediction(pp.getInt("sockets"), pp.getInt("probes"), pp.getInt("rate")),
                        new IncomingStreamLimits(is.getInt("per-session"), is.getInt("per-peer"), is.getInt("handler-threads")), limits);
            } catch (IllegalArgumentException e) {
                throw new JunctionException(ROOT + ": " + e.getMessage());
            }
            TraversalClient.Builder b = TraversalClient.builder().identityFile(Path.of(c.getString("identity-file")))
                    .options(options).bind(new InetSocketAddress(c.getString("bind-address"), port));
            for (String r : relays) {
                b.relay(r);
            }
            String tokenFile = c.getString("token-file");
            if (!tokenFile.isEmpty()) {
                Path t = Path.of(tokenFile);
                b.tokens(() -> {
                    try {
                        return Files.readString(t, StandardCharsets.US_ASCII).strip();
                    } catch (IOException e) {
                        throw new JunctionException(ROOT + ".token-file: cannot read " + t + ": " + e.getMessage());
                    }
                });
            }
            return b;
        } catch (ConfigException e) {
            throw new JunctionException("bad client config: " + e.getMessage());
        }
    }
}
