package dev.junction.relay.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.Closer;
import dev.junction.relay.TestClient;
import dev.junction.relay.TestRelay;
import dev.junction.relay.UdpPeer;
import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.relay.reservation.Reservation;
import dev.junction.wire.Bytes;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.IdentityFile;
import dev.junction.wire.identity.PeerId;
import dev.junction.wire.udp.UdpFrame;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Relays of one fleet act as one (issue 16): real redis-server, real relays on loopback, the
 * protocol spoken by raw test clients so each frame across the two relays is checked.
 */
class FleetTest {
    /** Heartbeats in these tests: short, so relays find each other within a second or two. */
    static final String HEARTBEAT = "500ms";

    @TempDir
    Path dir;
    @AutoClose
    final Closer open = new Closer();

    record Peer(Identity id, TestClient control, LoginFrames.LoginOk login, TestRelay relay) {
        PeerId peerId() {
            return id.peerId();
        }
    }

    RedisProcess redis() throws Exception {
        return open.keep(RedisProcess.start(dir.resolve("redis")));
    }

    /** A relay of the fleet on {@code redis}; all share the admission secret and the fleet secret in {@code dir}. */
    TestRelay relay(RedisProcess redis, String name, String fleetSecretFile) throws Exception {
        return relay(redis.uri(), false, name, fleetSecretFile);
    }

    TestRelay relay(RedisProcess redis, String name) throws Exception {
        return relay(redis.uri(), false, name, dir.resolve("fleet.secret").toString());
    }

    /** A relay of a fleet whose directory is a Redis Cluster. */
    TestRelay relay(RedisCluster cluster, String name) throws Exception {
        return relay(cluster.uri(), true, name, dir.resolve("fleet.secret").toString());
    }

    TestRelay relay(String directory, boolean cluster, String name, String fleetSecretFile) throws Exception {
        return relay(directory, cluster, name, fleetSecretFile, Map.of());
    }

    TestRelay relay(String directory, boolean cluster, String name, String fleetSecretFile, Map<String, Object> more) throws Exception {
        Map<String, Object> o = new HashMap<>(more);
        o.put("data-dir", dir.resolve(name).toString());
        o.put("admission.secret-file", dir.resolve("admission.secret").toString());
        o.put("fleet.directory", directory);
        o.put("fleet.cluster", cluster);
        o.put("fleet.secret-file", fleetSecretFile);
        o.put("fleet.heartbeat", HEARTBEAT);
        o.put("fleet.region", name);
        return open.keep(TestRelay.start(dir.resolve(name), o));
    }

    Peer peer(TestRelay relay) throws Exception {
        Identity id = Identity.generate();
        TestClient c = open.keep(relay.client());
        return new Peer(id, c, c.loginOk(id, relay.token(id.peerId())), relay);
    }

    UdpPeer udp(Peer p) throws Exception {
        UdpPeer u = open.keep(new UdpPeer(p.relay().server.stunAddress()));
        assertThat(u.bind(p.login().reservation(), p.login().udpBindKey()).observed()).isEqualTo(u.address());
        return u;
    }

    static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within.toMillis() + " ms: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Two relays of one fleet on one Redis, meshed. */
    record TwoRelays(RedisProcess redis, TestRelay a, TestRelay b) {
    }

    TwoRelays twoRelays() throws Exception {
        RedisProcess redis = redis();
        TestRelay a = relay(redis, "a");
        TestRelay b = relay(redis, "b");
        meshed(a, b);
        return new TwoRelays(redis, a, b);
    }

    /** Waits until {@code a} and {@code b} hold a mesh link to each other, bound on UDP at both ends, and list each other. */
    static void meshed(TestRelay a, TestRelay b) throws InterruptedException {
        PeerId ia = a.server.identity().peerId();
        PeerId ib = b.server.identity().peerId();
        await("a mesh link between the relays, UDP bound at both ends", Duration.ofSeconds(15), () -> {
            Reservation ab = a.server.mesh().links().get(ib);
            Reservation ba = b.server.mesh().links().get(ia);
            return ab != null && ba != null && ab.udpAddress() != null && ba.udpAddress() != null
                    && a.server.mesh().directory().relays().containsKey(ib) && b.server.mesh().directory().relays().containsKey(ia);
        });
    }

    /** {@code a} calls {@code b} (on another relay); {@code b} accepts. Returns the circuit ID both know. */
    static int circuit(Peer a, Peer b) throws Exception {
        a.control().send(new CircuitFrames.Connect(9, b.peerId()));
        CircuitFrames.Incoming in;
        try {
            in = b.control().expect(CircuitFrames.Incoming.class);
        } catch (AssertionError noIncoming) {
            throw new AssertionError("no INCOMING; the caller got " + a.control().next(), noIncoming);
        }
        assertThat(in.from()).isEqualTo(a.peerId());
        b.control().send(new CircuitFrames.Accept(in.circuit()));
        CircuitFrames.CircuitOpen openA = a.control().expect(CircuitFrames.CircuitOpen.class);
        CircuitFrames.CircuitOpen openB = b.control().expect(CircuitFrames.CircuitOpen.class);
        assertThat(openA.request()).isEqualTo(9);
        assertThat(openA.peer()).isEqualTo(b.peerId());
        assertThat(openB.peer()).isEqualTo(a.peerId());
        assertThat(openA.circuit()).isEqualTo(in.circuit()).isEqualTo(openB.circuit());
        return in.circuit();
    }

    @Test
    void aCircuitSpansTwoRelaysOverTlsAndUdpAndClosesOnBoth() throws Exception {
        TwoRelays two = twoRelays();
        TestRelay a = two.a();
        TestRelay b = two.b();
        Peer alice = peer(a);
        Peer bob = peer(b);
        int id = circuit(alice, bob);

        alice.control().send(new CircuitFrames.Data(id, Bytes.fromHex("0102")));
        assertThat(bob.control().expect(CircuitFrames.Data.class)).isEqualTo(new CircuitFrames.Data(id, Bytes.fromHex("0102")));
        bob.control().send(new CircuitFrames.Data(id, Bytes.fromHex("0304")));
        assertThat(alice.control().expect(CircuitFrames.Data.class).payload()).isEqualTo(Bytes.fromHex("0304"));

        // Relays answer each side on the transport it last used; a circuit opened once both are bound
        // to UDP runs on UDP end to end, the hop between the relays included.
        UdpPeer au = udp(alice);
        UdpPeer bu = udp(bob);
        int onUdp = circuit(alice, bob);
        au.send(new UdpFrame.RelayData(onUdp, Bytes.fromHex("aa")));
        assertThat(bu.receive()).isEqualTo(new UdpFrame.RelayData(onUdp, Bytes.fromHex("aa")));
        bu.send(new UdpFrame.RelayData(onUdp, Bytes.fromHex("bb")));
        assertThat(au.receive()).isEqualTo(new UdpFrame.RelayData(onUdp, Bytes.fromHex("bb")));
        // Into A on UDP: alice's datagram, and from B both of bob's (0304 was sent over TLS, yet the
        // hop between the relays takes UDP once the link is bound: no head-of-line blocking there).
        assertThat(a.server.metrics().scrape()).contains("junction_relayed_packets_total{direction=\"in\",transport=\"udp\"} 3.0");
        alice.control().send(new CircuitFrames.CircuitClose(onUdp, CloseReason.NORMAL, 0));
        assertThat(bob.control().expect(CircuitFrames.CircuitClose.class).circuit()).isEqualTo(onUdp);
        String scrape = a.server.metrics().scrape();
        assertThat(scrape).contains("junction_mesh_circuits 1.0").contains("junction_mesh_links{state=\"up\"} 1.0")
                .contains("junction_fleet_relays 2.0")
                // Two datagrams each way crossed the link from A's side: one per circuit.
                .contains("junction_mesh_forwarded_packets_total{direction=\"in\"} 2.0")
                .contains("junction_mesh_forwarded_packets_total{direction=\"out\"} 2.0")
                // The same per link, the link labelled by B's PeerId's last characters.
                .contains("junction_mesh_link_forwarded_packets_total{direction=\"in\",relay=\""
                        + RelayMetrics.linkLabel(b.server.identity().peerId()) + "\"} 2.0")
                .contains("junction_mesh_link_forwarded_packets_total{direction=\"out\",relay=\""
                        + RelayMetrics.linkLabel(b.server.identity().peerId()) + "\"} 2.0")
                .contains("junction_mesh_link_forwarded_bytes_total{direction=\"out\",relay=\""
                        + RelayMetrics.linkLabel(b.server.identity().peerId()) + "\"}");

        alice.control().send(new CircuitFrames.CircuitClose(id, CloseReason.NORMAL, 0));
        CircuitFrames.CircuitClose closed = bob.control().expect(CircuitFrames.CircuitClose.class);
        assertThat(closed.circuit()).isEqualTo(id);
        assertThat(closed.reason()).isEqualTo(CloseReason.PEER_CLOSED);
        await("the circuit gone from both relays", Duration.ofSeconds(5),
                () -> a.server.circuitCount() == 0 && b.server.circuitCount() == 0);
    }

    @Test
    void onARedisClusterOfThreeMastersACircuitSpansTwoRelaysAndTheFleetStaysWhole() throws Exception {
        RedisCluster cluster = open.keep(RedisCluster.start(dir.resolve("cluster"), 3));
        TestRelay a = relay(cluster, "a");
        TestRelay b = relay(cluster, "b");
        meshed(a, b);
        // Enough peers that their keys land on every master's slots.
        java.util.List<Peer> bobs = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            bobs.add(peer(b));
        }
        Peer alice = peer(a);
        for (Peer bob : bobs) {
            int id = circuit(alice, bob);
            alice.control().send(new CircuitFrames.Data(id, Bytes.fromHex("c0ffee")));
            assertThat(bob.control().expect(CircuitFrames.Data.class).payload()).isEqualTo(Bytes.fromHex("c0ffee"));
            alice.control().send(new CircuitFrames.CircuitClose(id, CloseReason.NORMAL, 0));
            assertThat(bob.control().expect(CircuitFrames.CircuitClose.class).circuit()).isEqualTo(id);
        }
        assertThat(a.server.metrics().scrape()).contains("junction_directory_requests_total{op=\"lookup\",outcome=\"ok\"} 6.0");
    }

    @Test
    void clientsThatAskAreToldTheFleetsRelaysAndOthersAreNot() throws Exception {
        TwoRelays two = twoRelays();
        TestRelay a = two.a();
        TestRelay b = two.b();
        Identity id = Identity.generate();
        TestClient asks = open.keep(a.client());
        assertThat(asks.login(id, a.token(id.peerId()), LoginFrames.Hello.RELAY_MAP)).isInstanceOf(LoginFrames.LoginOk.class);
        LinkFrames.RelayMap map = asks.expect(LinkFrames.RelayMap.class);
        assertThat(map.relays()).extracting(e -> e.address().relayId())
                .containsExactlyInAnyOrder(a.server.identity().peerId(), b.server.identity().peerId());
        assertThat(map.relays()).extracting(LinkFrames.RelayMap.Entry::region).containsExactlyInAnyOrder("a", "b");
        assertThat(map.relays()).filteredOn(e -> e.region().equals("b")).singleElement()
                .satisfies(e -> assertThat(e.address().port()).isEqualTo(b.server.controlAddress().getPort()));

        Peer plain = peer(a); // HELLO without the capability: a version-3 client that knows no RELAY_MAP
        plain.control().send(new LinkFrames.Ping(1));
        assertThat(plain.control().expect(LinkFrames.Pong.class).nonce()).as("the next frame is the answer, no map").isEqualTo(1);
    }

    @Test
    void aCalleeThatRefusesOrIsUnknownIsReportedToTheCallerAcrossTheMesh() throws Exception {
        TwoRelays two = twoRelays();
        TestRelay a = two.a();
        TestRelay b = two.b();
        Peer alice = peer(a);
        Peer bob = peer(b);

        alice.control().send(new CircuitFrames.Connect(3, bob.peerId()));
        CircuitFrames.Incoming in = bob.control().expect(CircuitFrames.Incoming.class);
        bob.control().send(new CircuitFrames.CircuitClose(in.circuit(), CloseReason.REJECTED, 0));
        LinkFrames.Error refused = alice.control().expect(LinkFrames.Error.class);
        assertThat(refused.request()).isEqualTo(3);
        assertThat(refused.code()).isEqualTo(ErrorCode.REJECTED);

        alice.control().send(new CircuitFrames.Connect(4, Identity.generate().peerId()));
        LinkFrames.Error unknown = alice.control().expect(LinkFrames.Error.class);
        assertThat(unknown.request()).isEqualTo(4);
        assertThat(unknown.code()).isEqualTo(ErrorCode.PEER_NOT_FOUND);
        await("no circuit left on either relay", Duration.ofSeconds(5), () -> a.server.circuitCount() == 0 && b.server.circuitCount() == 0);
    }

    @Test
    void aCallToAPeerWhoseRelayDrainsIsUnreachableForNowNotADrainOfTheCallersRelay() throws Exception {
        TwoRelays two = twoRelays();
        Peer alice = peer(two.a());
        Peer bob = peer(two.b());
        Thread drain = new Thread(() -> {
            try {
                two.b().server.drain(Duration.ofSeconds(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        drain.start();
        await("b draining", Duration.ofSeconds(5), two.b().server::draining);
        bob.control().expect(LinkFrames.GoingAway.class);
        alice.control().send(new CircuitFrames.Connect(12, bob.peerId()));
        LinkFrames.Error e = alice.control().expect(LinkFrames.Error.class);
        assertThat(e.request()).isEqualTo(12);
        assertThat(e.code()).as("bob's relay drains; alice's does not").isEqualTo(ErrorCode.RELAY_UNREACHABLE);
        drain.join(10_000);
    }

    @Test
    void aRelayWithoutTheFleetSecretNeitherJoinsTheMeshNorIsBelieved() throws Exception {
        RedisProcess redis = redis();
        TestRelay a = relay(redis, "a");
        TestRelay b = relay(redis, "b");
        TestRelay outsider = relay(redis, "outsider", dir.resolve("other-fleet.secret").toString());
        meshed(a, b);
        Peer alice = peer(a);
        Peer mallory = peer(outsider);
        Thread.sleep(1500); // three heartbeats: the outsider has written its entries and tried to dial

        assertThat(a.server.mesh().links()).doesNotContainKey(outsider.server.identity().peerId());
        assertThat(b.server.mesh().links()).doesNotContainKey(outsider.server.identity().peerId());
        assertThat(outsider.server.mesh().links()).isEmpty();
        assertThat(a.server.metrics().scrape()).containsPattern("junction_directory_forged_total [1-9]");
        // Its peers' entries are not believed: to A they are nowhere.
        alice.control().send(new CircuitFrames.Connect(5, mallory.peerId()));
        assertThat(alice.control().expect(LinkFrames.Error.class).code()).isEqualTo(ErrorCode.PEER_NOT_FOUND);
    }

    @Test
    void withAnAllowListARelayHoldingTheFleetSecretButNotListedNeitherJoinsNorIsBelieved() throws Exception {
        RedisProcess redis = redis();
        Map<String, PeerId> ids = new HashMap<>();
        for (String name : new String[] {"a", "b", "c"}) {
            Identity id = Identity.generate();
            IdentityFile.write(id, dir.resolve(name).resolve("relay.key"));
            ids.put(name, id.peerId());
        }
        Map<String, Object> listAB = Map.of("fleet.allow-list", java.util.List.of(ids.get("a").toString(), ids.get("b").toString()));
        String secret = dir.resolve("fleet.secret").toString();
        TestRelay a = relay(redis.uri(), false, "a", secret, listAB);
        TestRelay b = relay(redis.uri(), false, "b", secret, listAB);
        // c holds the fleet secret (it leaked) and lists itself, but a and b do not list it.
        TestRelay c = relay(redis.uri(), false, "c", secret, Map.of("fleet.allow-list", java.util.List.of(ids.get("a").toString(),
                ids.get("b").toString(), ids.get("c").toString())));
        meshed(a, b);
        Peer alice = peer(a);
        Peer mallory = peer(c);
        Thread.sleep(1500); // three heartbeats: c has written its entries and tried to dial both

        assertThat(a.server.mesh().links()).doesNotContainKey(ids.get("c"));
        assertThat(b.server.mesh().links()).doesNotContainKey(ids.get("c"));
        assertThat(a.server.mesh().directory().relays()).as("not one of a's fleet").doesNotContainKey(ids.get("c"));
        alice.control().send(new CircuitFrames.Connect(5, mallory.peerId()));
        assertThat(alice.control().expect(LinkFrames.Error.class).code()).isEqualTo(ErrorCode.PEER_NOT_FOUND);
    }

    @Test
    void anAllowListThatDoesNotNameTheRelayItselfStopsItAtStart() throws Exception {
        RedisProcess redis = redis();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> relay(redis.uri(), false, "a", dir.resolve("fleet.secret").toString(),
                        Map.of("fleet.allow-list", java.util.List.of(Identity.generate().peerId().toString()))))
                .hasMessageContaining("fleet.allow-list").hasMessageContaining("this relay");
    }

    @Test
    void withRedisDownEstablishedAndLocalTrafficFlowsAndTheDirectoryHealsWhenItReturns() throws Exception {
        TwoRelays two = twoRelays();
        TestRelay a = two.a();
        TestRelay b = two.b();
        Peer alice = peer(a);
        Peer bob = peer(b);
        Peer carol = peer(b);
        int id = circuit(alice, bob);

        two.redis().kill();
        await("both relays notice", Duration.ofSeconds(10), () -> !a.server.mesh().directory().reachable()
                && !b.server.mesh().directory().reachable());
        alice.control().send(new CircuitFrames.Data(id, Bytes.fromHex("05")));
        assertThat(bob.control().expect(CircuitFrames.Data.class).payload()).as("established circuit keeps flowing").isEqualTo(Bytes.fromHex("05"));
        Peer dave = peer(a);
        dave.control().send(new CircuitFrames.Connect(1, alice.peerId()));
        assertThat(alice.control().expect(CircuitFrames.Incoming.class).from()).as("same-relay connect").isEqualTo(dave.peerId());
        Peer erin = peer(b); // logs in during the outage: no relay has heard of her
        long asked = System.nanoTime();
        alice.control().send(new CircuitFrames.Connect(2, erin.peerId()));
        LinkFrames.Error down = alice.control().expect(LinkFrames.Error.class);
        assertThat(down.code()).as("no home known for a peer that arrived during the outage").isEqualTo(ErrorCode.DIRECTORY_UNAVAILABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("fails fast").isLessThan(Duration.ofSeconds(3));
        // carol's home was streamed to every relay when she logged in (presence), bob's learnt by
        // a lookup: circuits to both still open, by the documented fallback.
        alice.control().send(new CircuitFrames.Connect(10, carol.peerId()));
        assertThat(carol.control().expect(CircuitFrames.Incoming.class).from()).isEqualTo(alice.peerId());
        // bob's home was learnt before the outage: a second circuit to him still opens.
        dave.control().send(new CircuitFrames.Connect(6, bob.peerId()));
        assertThat(bob.control().expect(CircuitFrames.Incoming.class).from()).isEqualTo(dave.peerId());

        two.redis().restart(); // empty: every entry is gone
        await("both relays reconnect", Duration.ofSeconds(30), () -> a.server.mesh().directory().reachable()
                && b.server.mesh().directory().reachable());
        Thread.sleep(500); // the heartbeat that found Redis back re-published every reservation; let the writes land
        alice.control().send(new CircuitFrames.Connect(8, erin.peerId()));
        assertThat(erin.control().expect(CircuitFrames.Incoming.class).from()).as("the directory is whole again").isEqualTo(alice.peerId());
    }
}
