package dev.junction.client;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The client's settings from HOCON ({@code junction.client}, defaults in the library's
 * reference.conf, example in config/client.conf), for apps that configure by file. Unknown keys
 * and bad values fail at load, naming the full key and the reason:
 * {@code junction.client.punch-limits.probes: must be 64-65536, was 3}; an unknown key or a value
 * of the wrong type also names the file and line it came from.
 */
public final class ClientConfig {
    static final String ROOT = "junction.client";

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
     * @throws JunctionException if the file cannot be read or parsed, a key is unknown, a value has
     *     the wrong type or is out of range, or no relay is given; the message names the full key
     *     (e.g. {@code junction.client.bind-port}) and the reason
     */
    public static TraversalClient.Builder load(Optional<Path> file) {
        ClassLoader loader = ClientConfig.class.getClassLoader();
        Config merged;
        try {
            Config user = file.map(f -> ConfigFactory.parseFile(f.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)))
                    .orElse(ConfigFactory.empty());
            merged = user.withFallback(ConfigFactory.defaultReference(loader)).resolve(ConfigResolveOptions.defaults());
        } catch (ConfigException e) {
            throw new JunctionException("bad client config: " + e.getMessage());
        }
        // The keys there are: reference.conf alone, without the system properties defaultReference
        // lays over it, so that a misspelt -Djunction.client... is caught as well.
        ConfigObject known = ConfigFactory.defaultReferenceUnresolved(loader).resolve().getConfig(ROOT).root();
        Config c = block(merged, ROOT, known);
        checkKeys(c.root(), known, ROOT);
        return from(new Reader(c));
    }

    private static TraversalClient.Builder from(Reader r) {
        List<String> relays = r.strings("relays");
        if (relays.isEmpty()) {
            throw r.bad("relays", "no relay address; add the \"relay address:\" line of `junction relay`");
        }
        ClientOptions options;
        try {
            options = ClientOptions.builder()
                    .keepalive(r.duration("keepalive"))
                    .connectTimeout(r.duration("connect-timeout"))
                    .relayUdp(r.bool("relay-udp"))
                    .sessionIdleTimeout(r.duration("session-idle-timeout"))
                    .punch(r.bool("punch"))
                    .portMapping(r.bool("port-mapping"))
                    .congestionControl(r.congestionControl("congestion-control"))
                    .prediction(new PortPrediction(r.integer("port-prediction.sockets"), r.integer("port-prediction.probes"),
                            r.integer("port-prediction.rate")))
                    .streams(new IncomingStreamLimits(r.integer("incoming-streams.per-session"),
                            r.integer("incoming-streams.per-peer"), r.integer("incoming-streams.handler-threads")))
                    .punchLimits(new PunchLimits(r.integer("punch-limits.starts-per-session"),
                            r.integer("punch-limits.starts-per-peer"), r.duration("punch-limits.start-interval"),
                            r.integer("punch-limits.probes"), r.integer("punch-limits.probes-per-second")))
                    .build();
        } catch (InvalidSettingException e) {
            throw r.bad(e.key(), e.reason());
        }
        InetSocketAddress bind = new InetSocketAddress(r.string("bind-address"), r.port("bind-port"));
        TraversalClient.Builder b = TraversalClient.builder().identityFile(Path.of(r.string("identity-file")))
                .options(options).bind(bind);
        for (String relay : relays) {
            try {
                b.relay(relay);
            } catch (JunctionException e) {
                throw r.bad("relays", e.getMessage());
            }
        }
        String tokenFile = r.string("token-file");
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
    }

    /** {@code path} of {@code c} as a block, or an error that names it and the keys it may hold. */
    private static Config block(Config c, String path, ConfigObject known) {
        try {
            return c.getConfig(path);
        } catch (ConfigException.WrongType e) {
            throw new JunctionException(path + ": must be a block { " + String.join(", ", new TreeSet<>(known.keySet()))
                    + " }" + (e.origin() == null ? "" : " (" + e.origin().description() + ")"));
        } catch (ConfigException.Missing e) {
            throw new JunctionException(path + ": missing; the library's reference.conf is not on the class path");
        }
    }

    /**
     * Fails on the first key of {@code given}, at any depth, that {@code known} (reference.conf)
     * lacks, and on a plain value where {@code known} has a block.
     */
    private static void checkKeys(ConfigObject given, ConfigObject known, String path) {
        for (Map.Entry<String, ConfigValue> e : given.entrySet()) {
            String key = path + "." + e.getKey();
            ConfigValue value = e.getValue();
            ConfigValue reference = known.get(e.getKey());
            if (reference == null) {
                throw new JunctionException(key + ": unknown setting (" + value.origin().description() + "); the settings "
                        + (path.equals(ROOT) ? "are " : "of " + path + " are ") + new TreeSet<>(known.keySet()));
            }
            if (reference.valueType() == ConfigValueType.OBJECT) {
                ConfigObject knownBlock = (ConfigObject) reference;
                if (value.valueType() != ConfigValueType.OBJECT) {
                    throw new JunctionException(key + ": must be a block { " + String.join(", ", new TreeSet<>(knownBlock.keySet()))
                            + " }, was " + value.render(ConfigRenderOptions.concise()) + " (" + value.origin().description() + ")");
                }
                checkKeys((ConfigObject) value, knownBlock, key);
            }
        }
    }

    /**
     * Typed getters on {@code junction.client} that name the full key on every failure. Ranges are
     * checked where the values are used ({@link ClientOptions} and its parts, which name the key
     * through {@link InvalidSettingException}); only what exists in the file alone (the bind port,
     * the relay list) is checked here.
     */
    private static final class Reader {
        private final Config c;

        Reader(Config c) {
            this.c = c;
        }

        /** An error naming {@code junction.client.key}: {@code junction.client.key: reason}. */
        JunctionException bad(String key, String reason) {
            return new JunctionException(ROOT + "." + key + ": " + reason);
        }

        /** A wrong type: names the key, what it must be, the value given and where it was given. */
        private JunctionException wrongType(String key, String mustBe) {
            String given;
            try {
                ConfigValue v = c.getValue(key);
                given = v.render(ConfigRenderOptions.concise()) + " (" + v.origin().description() + ")";
            } catch (ConfigException e) {
                given = "null";
            }
            return bad(key, "must be " + mustBe + ", was " + given);
        }

        String string(String key) {
            try {
                return c.getString(key);
            } catch (ConfigException e) {
                throw wrongType(key, "a string");
            }
        }

        List<String> strings(String key) {
            try {
                return c.getStringList(key);
            } catch (ConfigException e) {
                throw wrongType(key, "a list of strings such as [\"/ip4/203.0.113.10/tcp/443/tls/p2p/z12D3KooW...\"]");
            }
        }

        boolean bool(String key) {
            try {
                return c.getBoolean(key);
            } catch (ConfigException e) {
                throw wrongType(key, "true or false");
            }
        }

        int integer(String key) {
            try {
                return c.getInt(key);
            } catch (ConfigException e) {
                throw wrongType(key, "a whole number (at most " + Integer.MAX_VALUE + ")");
            }
        }

        CongestionControl congestionControl(String key) {
            try {
                return CongestionControl.ofConfigName(string(key));
            } catch (IllegalArgumentException e) {
                throw bad(key, e.getMessage());
            }
        }

        int port(String key) {
            int p = integer(key);
            if (p < 0 || p > 65535) {
                throw bad(key, "must be 0-65535 (0 picks a free port), was " + p);
            }
            return p;
        }

        Duration duration(String key) {
            try {
                return c.getDuration(key);
            } catch (ConfigException e) {
                throw wrongType(key, "a duration such as 20s or 500ms");
            }
        }
    }
}
