package dev.junction.relay.fleet;

import dev.junction.relay.config.RelayConfig;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.identity.PeerId;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The fleet's shared peer directory in Redis, through Lettuce (asynchronous; nothing here blocks a
 * relay event loop). What it stores, every value sealed with the fleet secret for its key:
 * <pre>
 * junction:peer:PEERID    → home relay's PeerId             expires with the reservation (SET EX)
 * junction:relay:RELAYID  → RelayEntry text                 expires after 3 heartbeats
 * junction:relays         → set of relay PeerIds            members without an entry are pruned
 * channel junction:presence  "PEERID RELAYID" on each (re)publication, so relays learn moves at once
 * </pre>
 * Every key is a single-key operation, so the same code runs on a Redis Cluster. While Redis is
 * unreachable every request fails at once (no queue), lookups fall back to the homes learnt before,
 * and the first heartbeat that gets through re-publishes every reservation this relay holds.
 */
public final class RedisDirectory implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("junction.relay.fleet");
    /** A directory that stays unreachable is retried every heartbeat, but said so once a minute. */
    private static final dev.junction.relay.metrics.LogThrottle UNREACHABLE =
            new dev.junction.relay.metrics.LogThrottle(LOG, System.Logger.Level.WARNING);
    static final String PEER_KEY = "junction:peer:";
    static final String RELAY_KEY = "junction:relay:";
    static final String RELAYS = "junction:relays";
    static final String PRESENCE = "junction:presence";
    /** Deletes a peer's entry only if it still names this relay: the peer may have moved meanwhile. */
    private static final String COMPARE_AND_DELETE =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
    /** Commands a cluster client may hold while a master's connection is (re)opening. */
    static final int CLUSTER_QUEUE = 10_000;
    /** Homes remembered for lookups while Redis is down: enough for a big relay's active callees, bounded. */
    static final int HOME_CACHE_ENTRIES = 65_536;

    /** A lookup's answer: the peer's home relay, or why there is none. */
    public record Lookup(FleetMetrics.Outcome outcome, RelayEntry home) {
    }

    private final PeerId self;
    private final FleetSecret secret;
    private final Duration peerTtl;
    private final Duration heartbeat;
    private final FleetMetrics metrics;
    private final RedisURI uri;
    private final boolean cluster;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final Map<PeerId, PeerId> homes = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, PeerId> eldest) {
            return size() > HOME_CACHE_ENTRIES;
        }
    };
    private volatile RedisClusterAsyncCommands<String, String> commands;
    private volatile StatefulConnection<String, String> connection;
    private volatile StatefulRedisPubSubConnection<String, String> presence;
    private volatile Map<PeerId, RelayEntry> relays = Map.of();
    /** Unlisted relays logged by name, at most (the set that remembers them stays bounded). */
    static final int UNLISTED_LOGGED = 256;
    /** Relays seen holding the fleet secret but not on fleet.allow-list (logged once each). */
    private final java.util.Set<PeerId> unlisted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final RelayConfig.Fleet config;
    private volatile boolean connecting;
    private volatile boolean lastHeartbeatOk;
    /** A publication failed since the last heartbeat: the next one that gets through writes every reservation again. */
    private volatile boolean publishFailed;

    /** {@code peerTtl}: how long a published reservation stays without being published again. */
    public RedisDirectory(RelayConfig.Fleet config, PeerId self, FleetSecret secret, Duration peerTtl, FleetMetrics metrics) {
        this.self = self;
        this.secret = secret;
        this.peerTtl = peerTtl;
        this.config = config;
        this.heartbeat = config.heartbeat();
        this.metrics = metrics;
        this.uri = RedisURI.create(config.directory());
        this.uri.setTimeout(config.directoryTimeout());
        this.cluster = config.cluster();
        // Two threads each, Lettuce's minimum: the directory sees a few requests per login and connect.
        // Reconnects back off from 100 ms to at most a heartbeat (Lettuce's default reaches 30 s), so
        // the directory is whole again within about two heartbeats of Redis coming back.
        Duration upper = config.heartbeat().compareTo(Duration.ofMillis(100)) > 0 ? config.heartbeat() : Duration.ofMillis(100);
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(() -> io.lettuce.core.resource.Delay.exponential(Duration.ofMillis(100), upper, 2, TimeUnit.MILLISECONDS))
                .build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(config.directoryTimeout());
        if (cluster) {
            RedisClusterClient c = RedisClusterClient.create(resources, uri);
            // A cluster client opens its connection to each master lazily: commands must wait for it
            // (bounded: at most CLUSTER_QUEUE queued, each failing after the directory timeout)
            // instead of being rejected while it connects.
            c.setOptions(ClusterClientOptions.builder().autoReconnect(true).timeoutOptions(timeouts)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS).requestQueueSize(CLUSTER_QUEUE).build());
            this.client = c;
        } else {
            RedisClient c = RedisClient.create(resources);
            c.setOptions(ClientOptions.builder().autoReconnect(true).timeoutOptions(timeouts)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
            this.client = c;
        }
    }

    /** True once connected (Lettuce reconnects by itself after that) and while the last heartbeat got through. */
    public boolean reachable() {
        return commands != null && lastHeartbeatOk;
    }

    private volatile Runnable onConnected = () -> { };

    /** Opens the connections in the background, then runs {@code onConnected} (a heartbeat); until they are up every request fails fast. */
    public void connect(Runnable onConnected) {
        this.onConnected = onConnected;
        connect();
    }

    private void connect() {
        if (commands != null || connecting) {
            return;
        }
        connecting = true;
        CompletableFuture<? extends StatefulConnection<String, String>> main;
        CompletableFuture<? extends StatefulRedisPubSubConnection<String, String>> pubsub;
        if (cluster) {
            // A cluster client learns the slot map first (from the node in the URI), then connects.
            RedisClusterClient c = (RedisClusterClient) client;
            CompletableFuture<Void> partitions = c.refreshPartitionsAsync().toCompletableFuture();
            main = partitions.thenCompose(v -> c.connectAsync(StringCodec.UTF8));
            pubsub = partitions.thenCompose(v -> c.connectPubSubAsync(StringCodec.UTF8));
        } else {
            main = ((RedisClient) client).connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
            pubsub = ((RedisClient) client).connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture();
        }
        main.thenCombine(pubsub, (m, p) -> {
            p.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    onPresence(message);
                }
            });
            p.async().subscribe(PRESENCE);
            connection = m;
            presence = p;
            commands = commandsOf(m);
            LOG.log(System.Logger.Level.INFO, "fleet directory connected: {0}", redacted());
            onConnected.run();
            return null;
        }).whenComplete((v, e) -> {
            connecting = false;
            if (e != null) {
                UNREACHABLE.log(() -> "fleet directory " + redacted() + " unreachable (" + rootMessage(e) + "); retrying every "
                        + heartbeat.toMillis() + " ms");
                main.thenAccept(StatefulConnection::closeAsync);
                pubsub.thenAccept(StatefulConnection::closeAsync);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static RedisClusterAsyncCommands<String, String> commandsOf(StatefulConnection<String, String> c) {
        if (c instanceof io.lettuce.core.api.StatefulRedisConnection<String, String> s) {
            return s.async();
        }
        return ((io.lettuce.core.cluster.api.StatefulRedisClusterConnection<String, String>) c).async();
    }

    /** The directory URI without its password, for logs and the startup line. */
    public String redacted() {
        return uri.toString();
    }

    /**
     * Records that {@code peer} is homed here until {@code peerTtl} from now, and tells the other
     * relays. Completes (never exceptionally) once written, or once the write failed or timed out.
     */
    public CompletionStage<Void> publish(PeerId peer) {
        RedisClusterAsyncCommands<String, String> c = commands;
        long started = System.nanoTime();
        if (c == null) {
            publishFailed = true;
            metrics.request(FleetMetrics.Op.PUBLISH, FleetMetrics.Outcome.FAILED, started);
            return CompletableFuture.completedFuture(null);
        }
        String key = PEER_KEY + peer;
        return c.set(key, secret.seal(key, self.toString()), SetArgs.Builder.px(peerTtl.toMillis()))
                .thenCompose(ok -> c.publish(PRESENCE, secret.seal(PRESENCE, peer + " " + self)))
                .handle((n, e) -> {
                    if (e != null) {
                        publishFailed = true;
                    }
                    metrics.request(FleetMetrics.Op.PUBLISH, e == null ? FleetMetrics.Outcome.OK : FleetMetrics.Outcome.FAILED, started);
                    return (Void) null;
                });
    }

    /** Removes {@code peer}'s entry if it still names this relay. */
    public void withdraw(PeerId peer) {
        RedisClusterAsyncCommands<String, String> c = commands;
        long started = System.nanoTime();
        if (c == null) {
            metrics.request(FleetMetrics.Op.WITHDRAW, FleetMetrics.Outcome.FAILED, started);
            return;
        }
        String key = PEER_KEY + peer;
        c.<Long>eval(COMPARE_AND_DELETE, ScriptOutputType.INTEGER, new String[] {key}, secret.seal(key, self.toString()))
                .whenComplete((n, e) -> metrics.request(FleetMetrics.Op.WITHDRAW, e != null ? FleetMetrics.Outcome.FAILED
                        : n != null && n > 0 ? FleetMetrics.Outcome.OK : FleetMetrics.Outcome.ABSENT, started));
    }

    /**
     * Where {@code peer} is homed. Completes on a Lettuce thread: FOUND with the home relay's entry,
     * ABSENT when no relay holds it, FAILED when Redis cannot be asked and no home is remembered.
     */
    public CompletionStage<Lookup> lookup(PeerId peer) {
        RedisClusterAsyncCommands<String, String> c = commands;
        long started = System.nanoTime();
        if (c == null) {
            metrics.request(FleetMetrics.Op.LOOKUP, FleetMetrics.Outcome.FAILED, started);
            return CompletableFuture.completedFuture(remembered(peer));
        }
        String key = PEER_KEY + peer;
        return c.get(key).thenCompose(sealed -> {
            Optional<PeerId> home = sealed == null ? Optional.empty() : secret.open(key, sealed).flatMap(RedisDirectory::peerId);
            if (sealed != null && home.isEmpty()) {
                metrics.forged();
            }
            if (home.isEmpty()) {
                return CompletableFuture.completedFuture((RelayEntry) null);
            }
            RelayEntry known = relays.get(home.get());
            if (known != null) {
                return CompletableFuture.completedFuture(known);
            }
            String relayKey = RELAY_KEY + home.get(); // a relay that joined since the last heartbeat
            return c.get(relayKey).thenApply(s -> s == null ? null : secret.open(relayKey, s).flatMap(RelayEntry::decode)
                    .filter(r -> r.relay().equals(home.get()) && allowed(r.relay())).map(this::learn).orElse(null));
        }).handle((entry, e) -> {
            if (e != null) {
                metrics.request(FleetMetrics.Op.LOOKUP, FleetMetrics.Outcome.FAILED, started);
                return remembered(peer);
            }
            if (entry == null) {
                metrics.request(FleetMetrics.Op.LOOKUP, FleetMetrics.Outcome.ABSENT, started);
                return new Lookup(FleetMetrics.Outcome.ABSENT, null);
            }
            remember(peer, entry.relay());
            metrics.request(FleetMetrics.Op.LOOKUP, FleetMetrics.Outcome.OK, started);
            return new Lookup(FleetMetrics.Outcome.OK, entry);
        });
    }

    /** The home learnt before for {@code peer}, for when Redis cannot be asked: FAILED if none. */
    private Lookup remembered(PeerId peer) {
        PeerId home;
        synchronized (homes) {
            home = homes.get(peer);
        }
        RelayEntry entry = home == null ? null : relays.get(home);
        return entry != null ? new Lookup(FleetMetrics.Outcome.OK, entry) : new Lookup(FleetMetrics.Outcome.FAILED, null);
    }

    private void remember(PeerId peer, PeerId home) {
        synchronized (homes) {
            homes.put(peer, home);
        }
    }

    private void onPresence(String sealed) {
        Optional<String> text = secret.open(PRESENCE, sealed);
        if (text.isEmpty()) {
            metrics.forged();
            return;
        }
        String[] f = text.get().split(" ");
        if (f.length == 2) {
            peerId(f[0]).ifPresent(p -> peerId(f[1]).ifPresent(h -> remember(p, h)));
        }
    }

    /** Adds a relay read between heartbeats to the fleet's relays (the next heartbeat replaces them all). */
    private synchronized RelayEntry learn(RelayEntry entry) {
        Map<PeerId, RelayEntry> more = new HashMap<>(relays);
        more.put(entry.relay(), entry);
        relays = Map.copyOf(more);
        return entry;
    }

    /**
     * True when {@code relay} belongs to the fleet as far as this relay's {@code fleet.allow-list}
     * says (always, when it is empty); a relay that is not is logged once and otherwise ignored.
     */
    public boolean allowed(PeerId relay) {
        if (config.allows(relay)) {
            return true;
        }
        if (unlisted.size() < UNLISTED_LOGGED && unlisted.add(relay)) {
            LOG.log(System.Logger.Level.WARNING, "relay {0} holds the fleet secret but is not on fleet.allow-list: ignored", relay);
        }
        return false;
    }

    /** The fleet's relays as of the last heartbeat, this one included. */
    public Map<PeerId, RelayEntry> relays() {
        return relays;
    }

    /**
     * Registers {@code entry} (this relay) for three heartbeats, reads the fleet's relays, and when
     * this is the first heartbeat to get through after a failure (or ever), or a publication failed
     * since the last one, publishes every peer in {@code held} again: after a Redis outage or restart
     * the directory is whole within one heartbeat.
     */
    public CompletionStage<Void> heartbeat(RelayEntry entry, Collection<PeerId> held) {
        RedisClusterAsyncCommands<String, String> c = commands;
        long started = System.nanoTime();
        if (c == null) {
            connect();
            lastHeartbeatOk = false;
            metrics.request(FleetMetrics.Op.HEARTBEAT, FleetMetrics.Outcome.FAILED, started);
            return CompletableFuture.completedFuture(null);
        }
        String key = RELAY_KEY + self;
        return c.set(key, secret.seal(key, entry.encode()), SetArgs.Builder.px(heartbeat.multipliedBy(3).toMillis()))
                .thenCompose(ok -> c.sadd(RELAYS, self.toString()))
                .thenCompose(n -> c.smembers(RELAYS))
                .thenCompose(ids -> readRelays(c, ids))
                .handle((fleet, e) -> {
                    if (e != null) {
                        if (lastHeartbeatOk) {
                            LOG.log(System.Logger.Level.WARNING, "fleet directory unreachable: {0}", rootMessage(e));
                        }
                        lastHeartbeatOk = false;
                        metrics.request(FleetMetrics.Op.HEARTBEAT, FleetMetrics.Outcome.FAILED, started);
                        return null;
                    }
                    if (!fleet.keySet().equals(relays.keySet())) {
                        LOG.log(System.Logger.Level.INFO, "fleet: {0} relays in the directory", String.valueOf(fleet.size()));
                    }
                    relays = fleet;
                    if (!lastHeartbeatOk) {
                        LOG.log(System.Logger.Level.INFO, "fleet directory reachable: {0} relays; publishing {1} reservations",
                                String.valueOf(fleet.size()), String.valueOf(held.size()));
                        publishFailed = false;
                        held.forEach(this::publish);
                    } else if (publishFailed) {
                        // A write failed while Redis answered heartbeats (a cluster resharding, a timeout): write them all again.
                        publishFailed = false;
                        held.forEach(this::publish);
                    }
                    lastHeartbeatOk = true;
                    metrics.request(FleetMetrics.Op.HEARTBEAT, FleetMetrics.Outcome.OK, started);
                    return null;
                });
    }

    private CompletionStage<Map<PeerId, RelayEntry>> readRelays(RedisClusterAsyncCommands<String, String> c, Collection<String> ids) {
        Map<PeerId, RelayEntry> out = new HashMap<>();
        CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
        for (String id : ids) {
            String key = RELAY_KEY + id;
            all = all.thenCompose(v -> c.get(key).thenCompose(sealed -> {
                if (sealed == null) {
                    return c.srem(RELAYS, id).thenApply(n -> null); // that relay's entry expired: it left the fleet
                }
                Optional<RelayEntry> e = secret.open(key, sealed).flatMap(RelayEntry::decode);
                if (e.isPresent() && e.get().relay().toString().equals(id)) {
                    if (allowed(e.get().relay())) {
                        out.put(e.get().relay(), e.get());
                    }
                } else {
                    metrics.forged();
                }
                return CompletableFuture.completedFuture(null);
            }));
        }
        return all.thenApply(v -> Map.copyOf(out));
    }

    private static Optional<PeerId> peerId(String text) {
        try {
            return Optional.of(PeerId.parse(text));
        } catch (WireFormatException e) {
            return Optional.empty();
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Removes this relay's own entry (a clean stop leaves the fleet at once) and closes the connections. */
    @Override
    public void close() {
        RedisClusterAsyncCommands<String, String> c = commands;
        if (c != null) {
            try {
                c.del(RELAY_KEY + self).thenCompose(n -> c.srem(RELAYS, self.toString())).toCompletableFuture()
                        .get(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "could not remove this relay from the directory: {0}", e.toString());
            }
        }
        commands = null;
        for (StatefulConnection<?, ?> s : new StatefulConnection<?, ?>[] {connection, presence}) {
            if (s != null) {
                s.close();
            }
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
