package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.Closer;
import dev.junction.client.ClientOptions;
import dev.junction.client.PathKind;
import dev.junction.client.Session;
import dev.junction.client.Stream;
import dev.junction.client.TraversalClient;
import dev.junction.relay.fleet.RedisProcess;
import dev.junction.wire.identity.Identity;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client library against a fleet of real relays sharing a real Redis (issue 16): peers homed
 * on different relays reach each other, and a peer whose home relay dies is reachable again through
 * another relay of the fleet with the session resumed and its bytes intact.
 */
class FleetEndToEndTest {
    /** The relays' heartbeat: short, so they find each other within a second. */
    static final String HEARTBEAT = "500ms";
    /** The bound: a peer whose home relay dies is reachable again through another within this. */
    static final long RECOVERY_BOUND_MS = 30_000;

    @TempDir
    Path dir;
    @AutoClose
    final Closer open = new Closer();

    LoopbackRelay relay(RedisProcess redis, String name) throws Exception {
        Map<String, Object> o = new HashMap<>();
        o.put("data-dir", dir.resolve(name).toString());
        o.put("admission.secret-file", dir.resolve("admission.secret").toString());
        o.put("fleet.directory", redis.uri());
        o.put("fleet.secret-file", dir.resolve("fleet.secret").toString());
        o.put("fleet.heartbeat", HEARTBEAT);
        return open.keep(LoopbackRelay.start(dir.resolve(name), o));
    }

    /** Waits until every relay lists all of them in its fleet (each has heartbeated at least once after the last started). */
    static void fleetOf(LoopbackRelay... relays) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (LoopbackRelay r : relays) {
            while (r.server.mesh().directory().relays().size() < relays.length) {
                assertThat(System.nanoTime()).as("the fleet assembles within 15 s").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    @Test
    void peersOnDifferentRelaysStartRelayedAcrossBothAndThenGoDirect() throws Exception {
        RedisProcess redis = open.keep(RedisProcess.start(dir.resolve("redis")));
        LoopbackRelay a = relay(redis, "a");
        LoopbackRelay b = relay(redis, "b");
        fleetOf(a, b);
        TraversalClient bob = open.keep(b.builder(Identity.generate()).onSession(SessionEndToEndTest::digestEveryStream).start());
        TraversalClient alice = open.keep(a.builder(Identity.generate()).start());
        Session session = alice.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
        assertThat(session.activePath().kind()).as("the first path is the circuit across both relays").isEqualTo(PathKind.RELAY_UDP);
        assertThat(a.server.metrics().scrape()).contains("junction_circuits_opened_total 1.0");
        assertThat(b.server.metrics().scrape()).contains("junction_circuits_opened_total 1.0");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (session.activePath().kind() != PathKind.DIRECT_UDP) {
            assertThat(System.nanoTime()).as("punching finds the direct path").isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(send(session, 50, 0)).as("50 MB echoed as their digest").isTrue();
    }

    @Test
    void whenTheCalleesOnlyConfiguredRelayDiesItReHomesOnAnotherOfTheFleetAndTheSessionResumesIntact() throws Exception {
        RedisProcess redis = open.keep(RedisProcess.start(dir.resolve("redis")));
        LoopbackRelay a = relay(redis, "a");
        LoopbackRelay b = relay(redis, "b");
        LoopbackRelay c = relay(redis, "c");
        fleetOf(a, b, c);
        ClientOptions relayed = ClientOptions.DEFAULTS.withPunch(false);
        // bob is given b alone: he learns the fleet's other relays from b (RELAY_MAP) and moves to one.
        TraversalClient bob = open.keep(b.builder(Identity.generate()).options(relayed)
                .onSession(SessionEndToEndTest::digestEveryStream).start());
        TraversalClient alice = open.keep(a.builder(Identity.generate()).options(relayed).start());
        Session session = alice.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
        List<PathKind> paths = new CopyOnWriteArrayList<>();
        session.onPathChange(p -> paths.add(p.kind()));
        long[] killedAt = new long[1];
        assertThat(send(session, 24, 6, () -> {
            killedAt[0] = System.nanoTime();
            b.server.close(); // bob's home relay is gone for good, a quarter through
        })).as("24 MB arrived intact across the move").isTrue();
        long recoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt[0]);
        assertThat(session.closeFuture()).isNotDone();
        assertThat(a.server.reservationCount() + c.server.reservationCount()).as("bob re-homed on a relay he was never given")
                .isEqualTo(2);
        assertThat(recoveredMs).as("transfer finished within the recovery bound after the kill").isLessThan(RECOVERY_BOUND_MS);
        System.out.println("callee's home relay killed: session resumed through another relay, transfer done " + recoveredMs
                + " ms after the kill");
    }

    private static boolean send(Session session, int megabytes, int killAtMegabyte) throws Exception {
        return send(session, megabytes, killAtMegabyte, () -> { });
    }

    /** Sends {@code megabytes} of random bytes on one stream, running {@code midway} after {@code atMegabyte}; true when the peer's digest matches. */
    private static boolean send(Session session, int megabytes, int atMegabyte, Runnable midway) throws Exception {
        Stream stream = session.openStream().get(5, TimeUnit.SECONDS);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random random = new Random(16);
        byte[] chunk = new byte[64 << 10];
        try (OutputStream out = stream.output()) {
            for (int i = 0; i < megabytes * 16; i++) {
                random.nextBytes(chunk);
                sha.update(chunk);
                out.write(chunk);
                if (i == atMegabyte * 16 && atMegabyte > 0) {
                    midway.run();
                }
            }
        }
        return java.util.Arrays.equals(stream.input().readAllBytes(), sha.digest());
    }
}
