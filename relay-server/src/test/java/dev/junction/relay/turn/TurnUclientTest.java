package dev.junction.relay.turn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.TestRelay;
import dev.junction.relay.Tools;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * coturn's own TURN client, {@code turnutils_uclient}, relays through Junction to coturn's {@code
 * turnutils_peer} (an echo peer) over UDP, TCP and TLS, with channels and with Send indications,
 * client to peer and client to client, authenticated with the TURN REST secret: every message must
 * come back (loopback loses nothing). {@code .ci/run} installs coturn; under CI=true a missing tool
 * fails this test instead of skipping it.
 */
class TurnUclientTest {
    static final Path UCLIENT = Path.of("/usr/bin/turnutils_uclient");
    static final Path PEER = Path.of("/usr/bin/turnutils_peer");
    static final Pattern TOTALS = Pattern.compile("tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)");
    static final Pattern LOST = Pattern.compile("Total lost packets (\\d+)");

    @TempDir
    Path dir;
    TestRelay relay;
    Process peer;
    int peerPort;
    String secret;

    @BeforeEach
    void start() throws Exception {
        Tools.require(UCLIENT, "coturn");
        Tools.require(PEER, "coturn");
        relay = TestRelay.start(dir, Map.of("turn.tls-port", 0, "turn.allowed-peer-ips", List.of("127.0.0.0/8")));
        secret = TurnSecrets.current(relay.server.config().turn().orElseThrow().secretFile());
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            peerPort = s.getLocalPort();
        }
        peer = new ProcessBuilder(PEER.toString(), "-p", Integer.toString(peerPort), "-L", "127.0.0.1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("peer.log").toFile()).start();
        Thread.sleep(300);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (peer != null) {
            peer.destroy();
            peer.waitFor(5, TimeUnit.SECONDS);
        }
        if (relay != null) {
            relay.close();
        }
    }

    /** Runs uclient with {@code flags} against the relay; returns its output. */
    private String uclient(int port, String... flags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(UCLIENT.toString(), "-p", Integer.toString(port), "-e", "127.0.0.1",
                "-r", Integer.toString(peerPort), "-n", "200", "-l", "1200", "-m", "4", "-z", "5"));
        cmd.addAll(List.of(flags));
        cmd.add("127.0.0.1");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("uclient " + String.join(" ", flags) + " did not finish within 90 s\n" + out);
        }
        return out;
    }

    /**
     * Every message sent came back, but for UDP's own loss: the last totals line says at least 99 % of
     * what was sent came back (on loopback it is all of it nearly always; a scheduling hiccup of the
     * machine may drop a datagram from a full socket buffer, which no relay can help).
     */
    private static void allEchoed(String what, String out) {
        Matcher m = TOTALS.matcher(out);
        String sent = null;
        String received = null;
        while (m.find()) {
            sent = m.group(1);
            received = m.group(2);
        }
        assertThat(sent).as(what + ": uclient's totals\n" + out).isNotNull();
        int n = Integer.parseInt(sent);
        assertThat(n).as(what + ": messages sent\n" + out).isGreaterThanOrEqualTo(800);
        assertThat(Integer.parseInt(received)).as(what + ": messages echoed back\n" + out).isGreaterThanOrEqualTo(n - n / 100);
        Matcher lost = LOST.matcher(out);
        assertThat(lost.find()).as(what + ": uclient's loss line\n" + out).isTrue();
        assertThat(Integer.parseInt(lost.group(1))).as(what + ": lost packets\n" + out).isLessThanOrEqualTo(n / 100);
    }

    private double allocationsMade() {
        Matcher m = Pattern.compile("(?m)^junction_turn_allocations_made_total ([0-9.E]+)$").matcher(relay.server.metrics().scrape());
        assertThat(m.find()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private int stunPort() {
        return relay.server.stunAddress().getPort();
    }

    @Test
    void overUdpWithChannelsAndWithSendIndications() throws Exception {
        allEchoed("UDP, channels", uclient(stunPort(), "-W", secret, "-u", "alice"));
        allEchoed("UDP, Send and Data indications", uclient(stunPort(), "-s", "-W", secret, "-u", "alice"));
        allEchoed("UDP, client to client (both ends allocated)", uclient(stunPort(), "-y", "-W", secret, "-u", "alice"));
        assertThat(relay.server.metrics().scrape())
                .containsPattern("junction_turn_relayed_packets_total\\{direction=\"from_peer\",transport=\"udp\"} [1-9]");
    }

    @Test
    void overTcpAndTls() throws Exception {
        allEchoed("TCP", uclient(stunPort(), "-t", "-W", secret, "-u", "alice"));
        allEchoed("TLS", uclient(relay.server.turnTlsAddress().getPort(), "-t", "-S", "-W", secret, "-u", "alice"));
        String metrics = relay.server.metrics().scrape();
        assertThat(metrics).containsPattern("junction_turn_relayed_packets_total\\{direction=\"to_peer\",transport=\"tcp\"} [1-9]")
                .containsPattern("junction_turn_relayed_packets_total\\{direction=\"to_peer\",transport=\"tls\"} [1-9]");
    }

    @Test
    void withMintedLongTermCredentialsAndNotWithAWrongSecret() throws Exception {
        TurnCredentials.Minted m = TurnCredentials.mint(secret, "bob", java.time.Duration.ofMinutes(10), java.time.Instant.now());
        allEchoed("UDP, user name and password as an app server hands them out", uclient(stunPort(), "-u", m.username(), "-w", m.password()));
        // The count of allocations made, not those held: uclient leaves its allocations to expire, and their
        // number may change while the refused run goes on.
        double made = allocationsMade();
        String refused = uclient(stunPort(), "-W", "not-the-relays-secret-at-all", "-u", "mallory");
        assertThat(refused).as("a wrong secret").contains("Cannot complete Allocation");
        assertThat(allocationsMade()).as("no allocation for a wrong secret").isEqualTo(made);
        assertThat(relay.server.metrics().scrape()).containsPattern("junction_turn_auth_total\\{outcome=\"refused\"} [1-9]");
    }
}
