package dev.junction.relay.turn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.TestRelay;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RelayedCandidate;
import org.ice4j.ice.harvest.TurnCandidateHarvester;
import org.ice4j.security.LongTermCredential;
import org.ice4j.socket.IceSocketWrapper;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ice4j's own TURN client (an independent implementation) against the relay's TURN server over UDP on loopback:
 * a relayed candidate is harvested with a long-term credential (realm and nonce learnt from the 401), then one
 * datagram goes ice4j -> relay -> peer and one goes peer -> relay -> ice4j.
 *
 * <p>Written against ice4j 3.2-15-g6da2b08: the test builds its own loopback host candidate (ice4j's
 * gathering skips loopback), registers its STUN socket with the agent's stack, and harvests with
 * {@code TurnCandidateHarvester} directly; ice4j's success responses need a valid MESSAGE-INTEGRITY or
 * the harvest silently ends with no candidate.
 */
class Ice4jTurnTest {
    static final InetAddress LOOPBACK = loopbackV4();

    /** ice4j gives up on its own after ~2.2 s (Allocate, then a Binding fallback, 1.1 s each); first use adds config init. */
    static final Duration HARVEST_TIMEOUT = Duration.ofSeconds(15);
    /** Each direction of the exchange: ice4j's first send waits for CreatePermission (one round trip on loopback). */
    static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(5);

    static {
        keepIce4jOffTheNetwork();
    }

    /**
     * ice4j's mapping harvesters must never contact anything but 127.0.0.1. Runs before any ice4j class is touched
     * by this class. Of the harvesters ice4j 3.2 enables by default only the AWS one can reach the network: with
     * {@code ice4j.harvest.mapping.aws.enabled = true} (the default) HarvestConfig#forceAwsHarvester() returns the
     * "enabled" flag (a bug), so the Agent constructor adds it unconditionally and then asks it for its addresses,
     * which sends an HTTP PUT to 169.254.169.254. STUN mapping harvesters only run when
     * {@code ice4j.harvest.mapping.stun.addresses} is non-empty (default []); static mappings contact nobody.
     */
    static void keepIce4jOffTheNetwork() {
        System.setProperty("org.ice4j.ice.harvest.DISABLE_AWS_HARVESTER", "true"); // legacy key, read first
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        // No such key in ice4j 3.2 (only ice4j.harvest.mapping.stun.addresses); harmless, kept for symmetry.
        System.setProperty("ice4j.harvest.mapping.stun.enabled", "false");
        // STUN mapping stays off while the address list is empty, which is the default: make sure it is.
        System.clearProperty("ice4j.harvest.mapping.stun.addresses");
        System.clearProperty("org.ice4j.ice.harvest.STUN_MAPPING_HARVESTER_ADDRESSES");
        // NOT "" (StunEndpointTest sets that): HarvestConfig reads this key as a List<Config>; a string makes its
        // constructor throw (Typesafe WrongType), so the first `new Agent()` would die in HarvestConfig.<clinit>.
        // The default in ice4j's reference.conf is [] already.
        System.clearProperty("ice4j.harvest.mapping.static-mappings");
        System.clearProperty("org.ice4j.ice.harvest.NAT_HARVESTER_LOCAL_ADDRESS");
        System.clearProperty("org.ice4j.ice.harvest.NAT_HARVESTER_PUBLIC_ADDRESS");
        // ice4j reads Typesafe config through jicoco's JitsiConfig, which is loaded once per JVM from
        // ConfigFactory.defaultReference() (system properties are cached there too). If another test in this
        // surefire JVM already loaded it (the relay's own config loader, any ice4j code reading AgentConfig such
        // as address redaction in its log messages, ...) the properties above would be ignored: reload it. (Invalidates Typesafe's caches first.)
        org.jitsi.config.JitsiConfig.Companion.reloadNewConfig();
    }

    @TempDir
    Path dir;

    @AutoClose
    TestRelay relay;

    @Test
    void ice4jAllocatesAndRelaysBothWays() throws Exception {
        // The peer is on loopback, which the peer policy refuses unless allowed.
        relay = TestRelay.start(dir, Map.of("turn.allowed-peer-ips", List.of("127.0.0.0/8")));
        String secret = TurnSecrets.current(relay.server.config().turn().orElseThrow().secretFile());
        TurnCredentials.Minted m = TurnCredentials.mint(secret, "ice4j", Duration.ofMinutes(10), Instant.now());
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            harvestAndExchange(relay.server.stunAddress(), m.username(), m.password(), peer);
        }
        // Closing the relayed socket sent a Refresh with LIFETIME 0: the allocation is gone (asynchronously).
        long until = System.currentTimeMillis() + 3000;
        while (relay.server.turn().allocationCount() > 0 && System.currentTimeMillis() < until) {
            Thread.sleep(20);
        }
        assertThat(relay.server.turn().allocationCount()).as("ice4j's Refresh(0) deleted its allocation").isZero();
    }

    /**
     * Harvests a relayed candidate from the TURN server at {@code turnServer} (UDP) with ice4j's TurnCandidateHarvester
     * and exchanges one datagram each way with {@code peer} through it. {@code peer} must be reachable on 127.0.0.1 at
     * its local port; its SO_TIMEOUT is restored afterwards.
     */
    static void harvestAndExchange(InetSocketAddress turnServer, String username, String password, DatagramSocket peer)
            throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "Ice4jTurnTest");
            t.setDaemon(true); // a thread stuck in an ice4j wait without timeout must not keep the JVM alive
            return t;
        });
        int peerTimeout = peer.getSoTimeout();
        Agent agent = new Agent();
        IceSocketWrapper relayedSocket = null;
        try {
            // A component without ice4j gathering host candidates: with dynamic ports off and no host harvesters,
            // createComponent gathers nothing (it logs "No host harvesters available!" and "Failed to gather any
            // host candidates!"). useComponentSocket=false: no merging socket reading the relayed socket behind our back.
            agent.setUseDynamicPorts(false);
            IceMediaStream stream = agent.createMediaStream("turn");
            Component component = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, false);
            assertThat(component.getLocalCandidates()).as("host candidates gathered by ice4j").isEmpty();

            // Our own host candidate on 127.0.0.1 (ice4j's host harvester skips loopback). It must be a
            // MultiplexingDatagramSocket: ice4j takes its STUN socket and, for TURN channels, a ChannelData socket from it.
            IceUdpSocketWrapper hostSocket = new IceUdpSocketWrapper(new MultiplexingDatagramSocket(0, LOOPBACK));
            HostCandidate host = new HostCandidate(hostSocket, component, Transport.UDP);
            assertThat(component.addLocalCandidate(host)).isTrue();
            agent.getStunStack().addSocket(host.getStunSocket(null)); // what HostCandidateHarvester does: responses are read

            TransportAddress server = new TransportAddress(turnServer.getAddress(), turnServer.getPort(), Transport.UDP);
            TurnCandidateHarvester harvester = new TurnCandidateHarvester(server, new LongTermCredential(username, password));
            // harvest() blocks until every harvest completes, without a timeout of its own: bound it here.
            Future<Collection<LocalCandidate>> harvest = threads.submit(() -> harvester.harvest(component));
            Collection<LocalCandidate> harvested;
            try {
                harvested = harvest.get(HARVEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("ice4j's TURN harvest did not complete within " + HARVEST_TIMEOUT, e);
            } catch (ExecutionException e) {
                throw new AssertionError("ice4j's TURN harvest failed", e.getCause());
            }

            List<LocalCandidate> locals = component.getLocalCandidates();
            RelayedCandidate relayed = locals.stream()
                    .filter(RelayedCandidate.class::isInstance)
                    .map(RelayedCandidate.class::cast)
                    .findFirst()
                    .orElse(null);
            assertThat(relayed)
                    .as("a RelayedCandidate among the component's candidates %s (harvest returned %s); a wrong password or a "
                            + "success response without a valid MESSAGE-INTEGRITY ends the harvest with none", locals, harvested)
                    .isNotNull();
            assertThat(harvested).contains(relayed);
            assertThat(relayed.getType()).isEqualTo(CandidateType.RELAYED_CANDIDATE);
            assertThat(relayed.getRelayServerAddress()).isEqualTo(server);
            TransportAddress relayedAddress = relayed.getTransportAddress(); // XOR-RELAYED-ADDRESS
            assertThat(relayedAddress.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(relayedAddress.getPort()).isPositive();
            InetSocketAddress relayedSocketAddress = new InetSocketAddress(relayedAddress.getAddress(), relayedAddress.getPort());

            // The relayed candidate's socket: a MultiplexingDatagramSocket over ice4j's RelayedCandidateDatagramSocket.
            // Use this one, not the inner socket: ice4j's StunStack reads the inner socket through it (for STUN on the
            // relayed address) and hands non-STUN datagrams to this socket's receive().
            relayedSocket = relayed.getCandidateIceSocketWrapper();
            DatagramSocket relayedUdp = relayedSocket.getUDPSocket();
            assertThat(relayedUdp).isInstanceOf(MultiplexingDatagramSocket.class);

            InetSocketAddress peerAddress = new InetSocketAddress(LOOPBACK, peer.getLocalPort());

            // ice4j -> peer. The first datagram to a new peer makes ice4j send CreatePermission and ChannelBind; it is
            // sent once CreatePermission succeeds (as a Send indication, or ChannelData if ChannelBind was confirmed first).
            // Payloads start with a letter (top bits 01) so that no demultiplexer takes them for STUN.
            byte[] toPeer = "ice4j to peer through the relay".getBytes(StandardCharsets.US_ASCII);
            relayedUdp.send(new DatagramPacket(toPeer, toPeer.length, peerAddress));
            peer.setSoTimeout((int) EXCHANGE_TIMEOUT.toMillis());
            DatagramPacket atPeer = new DatagramPacket(new byte[1500], 1500);
            try {
                peer.receive(atPeer);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the peer received nothing from ice4j's relayed socket within " + EXCHANGE_TIMEOUT
                        + " (a refused peer shows as CreatePermission errors, which ice4j retries without end)", e);
            }
            assertThat(bytes(atPeer)).as("what the peer received").isEqualTo(toPeer);
            assertThat(atPeer.getSocketAddress()).as("where it came from").isEqualTo(relayedSocketAddress);

            // peer -> ice4j: the permission for 127.0.0.1 exists now; the relay forwards as ChannelData or a Data
            // indication. The relayed socket's receive() ignores SO_TIMEOUT when it ends up waiting inside
            // RelayedCandidateDatagramSocket, so receive on a thread and bound the wait; closing the socket wakes it.
            Future<DatagramPacket> atIce4j = threads.submit(() -> {
                DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
                relayedUdp.receive(p);
                return p;
            });
            byte[] toIce4j = "peer to ice4j through the relay".getBytes(StandardCharsets.US_ASCII);
            peer.send(new DatagramPacket(toIce4j, toIce4j.length, relayedSocketAddress));
            DatagramPacket received;
            try {
                received = atIce4j.get(EXCHANGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("ice4j's relayed socket received nothing from the peer within " + EXCHANGE_TIMEOUT, e);
            } catch (ExecutionException e) {
                throw new AssertionError("ice4j's relayed socket failed to receive", e.getCause());
            }
            assertThat(bytes(received)).as("what ice4j's relayed socket received").isEqualTo(toIce4j);
            assertThat(received.getSocketAddress()).as("the peer it came from (XOR-PEER-ADDRESS or the channel's peer)")
                    .isEqualTo(peerAddress);
        } finally {
            try {
                if (relayedSocket != null) {
                    // RelayedCandidateDatagramSocket.close(): stops the Refresh keep-alive and sends a Refresh with
                    // LIFETIME 0 (deletes the allocation) while the StunStack still runs; agent.free() shuts it down first.
                    relayedSocket.close();
                }
            } finally {
                agent.free(); // StunStack shut down, candidates freed: relayed and host sockets closed, ice4j's threads end
                threads.shutdownNow();
                peer.setSoTimeout(peerTimeout);
            }
        }
    }

    private static byte[] bytes(DatagramPacket p) {
        return Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
    }

    private static InetAddress loopbackV4() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
