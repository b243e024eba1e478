package dev.junction.relay.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.BadValue;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.identity.PeerId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns HOCON into a validated {@link RelayConfig}: the operator's file (if any) over the
 * {@code reference.conf} defaults, command-line overrides over both. Every failure names the key.
 * Unknown keys under {@code junction.relay} are errors too, so a typo never passes silently.
 */
public final class RelayConfigLoader {
    static final String ROOT = "junction.relay";
    /** A send queue must hold at least one largest control frame (3-byte header + 65535 bytes). */
    static final int MIN_SEND_QUEUE_BYTES = 65_538;
    /** Water marks are ints; half of that leaves room for Netty's own accounting. */
    static final long MAX_SEND_QUEUE_BYTES = Integer.MAX_VALUE / 2;

    private RelayConfigLoader() {
    }

    /** Loads with optional operator file and overrides (keys relative to {@code junction.relay}). */
    public static RelayConfig load(Optional<Path> file, Map<String, Object> overrides) {
        Config base = ConfigFactory.defaultReference(RelayConfigLoader.class.getClassLoader());
        Config operator = ConfigFactory.empty();
        if (file.isPresent()) {
            Path f = file.get();
            if (!Files.isReadable(f)) {
                throw new ConfigException("--config", "cannot read " + f);
            }
            try {
                operator = ConfigFactory.parseFile(f.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (com.typesafe.config.ConfigException e) {
                throw new ConfigException("config file " + f + ": " + e.getMessage(), e);
            }
        }
        Config cli = ConfigFactory.parseMap(overrides, "command line").atPath(ROOT);
        Config merged = ConfigFactory.defaultOverrides()
                .withFallback(cli).withFallback(operator).withFallback(base).resolve();
        return from(merged, base);
    }

    /** Validates {@code root} (which holds {@code junction.relay}) against the reference keys. */
    static RelayConfig from(Config root, Config reference) {
        checkUnknownKeys(root.getConfig(ROOT), reference.getConfig(ROOT));
        Reader r = new Reader(root.getConfig(ROOT));
        Path dataDir = Path.of(r.string("data-dir"));
        List<RelayConfig.Bind> binds = binds(r);
        InetAddress bind = binds.get(0).ip();
        int stunPort = r.port("stun-port");
        int stunAltPort = r.port("stun-alt-port");
        if (binds.stream().anyMatch(b -> b.altIp().isPresent()) && (stunPort == 0 || stunAltPort == 0 || stunPort == stunAltPort)) {
            throw new ConfigException(ROOT + ".stun-alt-port", "RFC 5780 needs two different fixed STUN ports");
        }
        Optional<Path> cert = r.optionalPath("tls.cert-file");
        Optional<Path> key = r.optionalPath("tls.key-file");
        if (cert.isPresent() != key.isPresent()) {
            throw new ConfigException(ROOT + ".tls", "set both cert-file and key-file, or neither");
        }
        RelayConfig.AdmissionMode mode = r.admissionMode("admission.mode");
        RelayConfig.Admission admission = new RelayConfig.Admission(mode,
                r.optionalPath("admission.secret-file").orElse(dataDir.resolve("admission.secret")),
                r.peerIds("admission.allow-list"), r.positiveDuration("admission.max-token-lifetime"));
        if (mode == RelayConfig.AdmissionMode.ALLOW_LIST && admission.allowList().isEmpty()) {
            throw new ConfigException(ROOT + ".admission.allow-list", "is empty but mode is allow-list: nobody could log in");
        }
        RelayConfig.Limits limits = new RelayConfig.Limits(
                r.positiveInt("limits.reservations-total"),
                r.positiveInt("limits.reservations-per-ip"),
                r.positiveDuration("limits.reservation-lifetime"),
                r.positiveInt("limits.circuits-per-reservation"),
                r.bytes("limits.circuit-bytes"),
                r.duration("limits.circuit-duration"),
                r.nonNegativeInt("limits.circuit-packets-per-second"),
                r.positiveInt("limits.send-queue-frames"),
                r.bytesAtLeast("limits.send-queue-bytes", MIN_SEND_QUEUE_BYTES),
                r.positiveInt("limits.control-requests-per-second"),
                r.positiveInt("limits.connections-per-ip"),
                r.positiveDuration("limits.unauthenticated-timeout"),
                r.positiveDuration("limits.write-timeout"),
                r.peerIds("limits.unlimited-peers"));
        if (limits.connectionsPerIp() < limits.reservationsPerIp()) {
            throw new ConfigException(ROOT + ".limits.connections-per-ip", "must be at least reservations-per-ip ("
                    + limits.reservationsPerIp() + "): each reservation holds a connection");
        }
        Duration keepalive = r.positiveDuration("keepalive");
        if (keepalive.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new ConfigException(ROOT + ".keepalive", "must be at most 60s so NAT mappings stay open");
        }
        Optional<RelayConfig.Fleet> fleet = Optional.empty();
        String directory = r.string("fleet.directory");
        if (!directory.isBlank()) {
            if (!directory.matches("(redis|rediss|redis-sentinel)://.+")) {
                throw new ConfigException(ROOT + ".fleet.directory", "'" + directory
                        + "' is not a Redis URI (redis://HOST:PORT, rediss://..., redis-sentinel://...)");
            }
            InetAddress advertise = r.optionalIp("fleet.advertise").orElse(bind);
            if (advertise.isAnyLocalAddress()) {
                throw new ConfigException(ROOT + ".fleet.advertise", "must name the IP other relays reach this one at when bind is "
                        + bind.getHostAddress());
            }
            String region = r.string("fleet.region");
            if (!region.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new ConfigException(ROOT + ".fleet.region", "'" + region + "' must be 1-64 letters, digits, '.', '_' or '-'");
            }
            fleet = Optional.of(new RelayConfig.Fleet(directory, r.bool("fleet.cluster"),
                    r.optionalPath("fleet.secret-file").orElse(dataDir.resolve("fleet.secret")), region, advertise,
                    r.positiveDuration("fleet.heartbeat"), r.positiveDuration("fleet.directory-timeout"), r.peerIds("fleet.allow-list")));
        }
        return new RelayConfig(binds, stunPort, stunAltPort, r.port("control-port"), dataDir,
                r.optionalPath("identity-file").orElse(dataDir.resolve("relay.key")),
                cert, key, admission, limits, keepalive, adminBinds(r), r.port("admin.port"),
                r.duration("drain.grace-period"), r.string("drain.reconnect-hint"),
                new RelayConfig.Stun(r.bool("stun.software"), r.positiveDuration("stun.response-port-window"),
                        r.positiveInt("stun.response-port-rate")), fleet, turn(r, bind, dataDir), r.tlsEngine("tls.engine"),
                udpSockets(r), udpReadBatch(r));
    }

    private static int udpReadBatch(Reader r) {
        int n = r.positiveInt("udp-read-batch");
        if (n > RelayConfig.MAX_UDP_READ_BATCH) {
            throw new ConfigException(ROOT + ".udp-read-batch", "is " + n + "; at most " + RelayConfig.MAX_UDP_READ_BATCH);
        }
        return n;
    }

    private static int udpSockets(Reader r) {
        int n = r.nonNegativeInt("udp-sockets");
        if (n > RelayConfig.MAX_UDP_SOCKETS) {
            throw new ConfigException(ROOT + ".udp-sockets", "is " + n + "; at most " + RelayConfig.MAX_UDP_SOCKETS
                    + " (0: one per CPU core)");
        }
        return n;
    }

    /**
     * {@code bind} and {@code alt-ip}, each one IP or a list: at most one IPv4 and one IPv6 bind,
     * each alt-ip paired with the bind of its family.
     */
    private static List<RelayConfig.Bind> binds(Reader r) {
        List<InetAddress> ips = r.ips("bind");
        List<InetAddress> alts = r.ips("alt-ip");
        if (ips.isEmpty() || ips.size() > 2 || ips.size() == 2 && family(ips.get(0)) == family(ips.get(1))) {
            throw new ConfigException(ROOT + ".bind", "give one IP, or one IPv4 and one IPv6 address (the relay listens on both)");
        }
        if (ips.size() == 2 && ips.stream().anyMatch(a -> a instanceof java.net.Inet6Address && a.isAnyLocalAddress())) {
            throw new ConfigException(ROOT + ".bind", "'::' listens on IPv4 too (dual-stack): give it alone, or name a specific IPv6 address");
        }
        List<RelayConfig.Bind> out = new ArrayList<>();
        for (InetAddress ip : ips) {
            List<InetAddress> mine = alts.stream().filter(a -> family(a) == family(ip)).toList();
            if (mine.size() > 1) {
                throw new ConfigException(ROOT + ".alt-ip", "give at most one " + family(ip) + " address");
            }
            Optional<InetAddress> alt = mine.stream().findFirst();
            if (alt.isPresent() && ip.isAnyLocalAddress()) {
                throw new ConfigException(ROOT + ".bind", "must be a specific IP when alt-ip is set (RFC 5780 answers name their source)");
            }
            if (alt.isPresent() && alt.get().equals(ip)) {
                throw new ConfigException(ROOT + ".alt-ip", "must differ from bind");
            }
            out.add(new RelayConfig.Bind(ip, alt));
        }
        for (InetAddress a : alts) {
            if (ips.stream().noneMatch(ip -> family(ip) == family(a))) {
                throw new ConfigException(ROOT + ".alt-ip", "'" + a.getHostAddress() + "' is " + family(a) + " but no bind address is");
            }
        }
        return out;
    }

    /** {@code admin.bind}: one IP, or one IPv4 and one IPv6 address. */
    private static List<InetAddress> adminBinds(Reader r) {
        List<InetAddress> ips = r.ips("admin.bind");
        if (ips.isEmpty() || ips.size() > 2 || ips.size() == 2 && family(ips.get(0)).equals(family(ips.get(1)))) {
            throw new ConfigException(ROOT + ".admin.bind", "give one IP, or one IPv4 and one IPv6 address");
        }
        return ips;
    }

    private static String family(InetAddress a) {
        return a instanceof java.net.Inet6Address ? "IPv6" : "IPv4";
    }

    /** {@code junction.relay.turn}, validated; empty when off. */
    private static Optional<RelayConfig.Turn> turn(Reader r, InetAddress bind, Path dataDir) {
        if (!r.bool("turn.enabled")) {
            return Optional.empty();
        }
        Optional<InetAddress> relayedIp = r.optionalIp("turn.relayed-ip");
        InetAddress relayed = relayedIp.orElse(bind);
        if (relayed.isAnyLocalAddress()) {
            if (relayedIp.isPresent()) {
                throw new ConfigException(ROOT + ".turn.relayed-ip", "must be the relay's own address, not a wildcard");
            }
            System.getLogger("junction.relay.turn").log(System.Logger.Level.WARNING, "TURN is off: bind is " + bind.getHostAddress()
                    + " and " + ROOT + ".turn.relayed-ip does not say which address relayed transport addresses are on");
            return Optional.empty();
        }
        String range = r.string("turn.relay-ports");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,5})-(\\d{1,5})").matcher(range);
        if (!m.matches() || Integer.parseInt(m.group(1)) < 1024 || Integer.parseInt(m.group(2)) > 65535
                || Integer.parseInt(m.group(1)) >= Integer.parseInt(m.group(2))) {
            throw new ConfigException(ROOT + ".turn.relay-ports", "'" + range + "' must be LOW-HIGH with 1024 <= LOW < HIGH <= 65535");
        }
        String realm = r.string("turn.realm");
        if (!realm.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new ConfigException(ROOT + ".turn.realm", "'" + realm + "' must be 1-128 letters, digits, '.', '_' or '-'");
        }
        int tlsPort = r.integer("turn.tls-port");
        if (tlsPort < -1 || tlsPort > 65535) {
            throw new ConfigException(ROOT + ".turn.tls-port", tlsPort + " is not a port (0 picks a free one, -1 turns TURN over TLS off)");
        }
        dev.junction.relay.turn.TurnOptions options = new dev.junction.relay.turn.TurnOptions(realm, relayed,
                Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), r.positiveDuration("turn.max-lifetime"),
                r.positiveInt("turn.allocations-total"), r.positiveInt("turn.allocations-per-user"), r.positiveInt("turn.allocations-per-ip"),
                r.positiveInt("turn.permissions-per-allocation"), r.positiveInt("turn.channels-per-allocation"),
                r.bytes("turn.bandwidth-per-allocation"), r.positiveDuration("turn.nonce-lifetime"),
                r.positiveDuration("turn.max-credential-lifetime"), r.cidrs("turn.allowed-peer-ips"), r.cidrs("turn.denied-peer-ips"));
        if (options.maxLifetime().compareTo(dev.junction.relay.turn.TurnOptions.DEFAULT_LIFETIME) < 0) {
            throw new ConfigException(ROOT + ".turn.max-lifetime", "must be at least 600s, the lifetime RFC 8656 gives by default");
        }
        return Optional.of(new RelayConfig.Turn(options, r.optionalPath("turn.secret-file").orElse(dataDir.resolve("turn.secret")), tlsPort));
    }

    private static void checkUnknownKeys(Config given, Config reference) {
        for (Map.Entry<String, ConfigValue> e : given.entrySet()) {
            if (!reference.hasPathOrNull(e.getKey())) {
                throw new ConfigException(ROOT + "." + e.getKey(), "unknown key (from " + e.getValue().origin().description()
                        + "); see reference.conf for the keys there are");
            }
        }
    }

    /** Typed getters that name the full key on every failure. */
    private static final class Reader {
        private final Config c;

        Reader(Config c) {
            this.c = c;
        }

        private ConfigException bad(String key, String reason) {
            return new ConfigException(ROOT + "." + key, reason);
        }

        String string(String key) {
            try {
                return c.getString(key);
            } catch (com.typesafe.config.ConfigException e) {
                throw bad(key, "must be a string");
            }
        }

        boolean bool(String key) {
            try {
                return c.getBoolean(key);
            } catch (com.typesafe.config.ConfigException e) {
                throw bad(key, "must be true or false");
            }
        }

        InetAddress ip(String key) {
            return parseIp(key, string(key));
        }

        private InetAddress parseIp(String key, String s) {
            if (!s.matches("[0-9a-fA-F:.]+")) {
                throw bad(key, "'" + s + "' is not an IP address (host names are not accepted here)");
            }
            try {
                return InetAddress.getByName(s);
            } catch (UnknownHostException e) {
                throw bad(key, "'" + s + "' is not an IP address");
            }
        }

        /** One IP, or a list of them (an empty string or list: none). */
        List<InetAddress> ips(String key) {
            List<String> given;
            if (c.getValue(key).valueType() == com.typesafe.config.ConfigValueType.LIST) {
                try {
                    given = c.getStringList(key);
                } catch (com.typesafe.config.ConfigException e) {
                    throw bad(key, "must be an IP address or a list of them");
                }
            } else {
                given = string(key).isBlank() ? List.of() : List.of(string(key));
            }
            List<InetAddress> out = new ArrayList<>();
            for (String s : given) {
                out.add(parseIp(key, s.strip()));
            }
            return out;
        }

        Optional<InetAddress> optionalIp(String key) {
            return string(key).isBlank() ? Optional.empty() : Optional.of(ip(key));
        }

        Optional<Path> optionalPath(String key) {
            String s = string(key);
            return s.isBlank() ? Optional.empty() : Optional.of(Path.of(s));
        }

        int integer(String key) {
            try {
                return c.getInt(key);
            } catch (com.typesafe.config.ConfigException e) {
                throw bad(key, "must be a whole number");
            }
        }

        int port(String key) {
            int p = integer(key);
            if (p < 0 || p > 65535) {
                throw bad(key, p + " is not a port (0-65535; 0 picks a free one)");
            }
            return p;
        }

        int positiveInt(String key) {
            int v = integer(key);
            if (v <= 0) {
                throw bad(key, "must be greater than 0, was " + v);
            }
            return v;
        }

        int nonNegativeInt(String key) {
            int v = integer(key);
            if (v < 0) {
                throw bad(key, "must not be negative, was " + v);
            }
            return v;
        }

        long bytes(String key) {
            try {
                return c.getBytes(key);
            } catch (BadValue | com.typesafe.config.ConfigException.WrongType e) {
                throw bad(key, "must be a size such as 512 MiB");
            }
        }

        int bytesAtLeast(String key, int min) {
            long v = bytes(key);
            if (v < min || v > MAX_SEND_QUEUE_BYTES) {
                throw bad(key, "must be between " + min + " bytes and 1 GiB, was " + v);
            }
            return (int) v;
        }

        Duration duration(String key) {
            try {
                Duration d = c.getDuration(key);
                if (d.isNegative()) {
                    throw bad(key, "must not be negative");
                }
                return d;
            } catch (BadValue | com.typesafe.config.ConfigException.WrongType e) {
                throw bad(key, "must be a duration such as 30s or 5m");
            }
        }

        Duration positiveDuration(String key) {
            Duration d = duration(key);
            if (d.isZero()) {
                throw bad(key, "must be longer than 0");
            }
            return d;
        }

        RelayConfig.TlsEngine tlsEngine(String key) {
            String s = string(key);
            try {
                return RelayConfig.TlsEngine.valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw bad(key, "'" + s + "' is not one of auto, openssl, jdk");
            }
        }

        RelayConfig.AdmissionMode admissionMode(String key) {
            String s = string(key);
            try {
                return RelayConfig.AdmissionMode.valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw bad(key, "'" + s + "' is not one of token, allow-list, open");
            }
        }

        java.util.List<dev.junction.relay.turn.PeerPolicy.Cidr> cidrs(String key) {
            java.util.List<dev.junction.relay.turn.PeerPolicy.Cidr> out = new java.util.ArrayList<>();
            try {
                for (String s : c.getStringList(key)) {
                    out.add(dev.junction.relay.turn.PeerPolicy.Cidr.parse(s));
                }
            } catch (IllegalArgumentException e) {
                throw bad(key, e.getMessage());
            } catch (com.typesafe.config.ConfigException e) {
                throw bad(key, "must be a list of address blocks such as [\"192.0.2.0/24\"]");
            }
            return out;
        }

        Set<PeerId> peerIds(String key) {
            Set<PeerId> ids = new LinkedHashSet<>();
            try {
                for (String s : c.getStringList(key)) {
                    ids.add(PeerId.parse(s));
                }
            } catch (WireFormatException e) {
                throw bad(key, e.getMessage());
            } catch (com.typesafe.config.ConfigException e) {
                throw bad(key, "must be a list of PeerIds");
            }
            return Set.copyOf(ids);
        }
    }
}
