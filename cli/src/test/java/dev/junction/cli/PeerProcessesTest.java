package dev.junction.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.IdentityFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The tour in the README, as real processes: a relay, `listen`, `connect` and `nat-check`. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeerProcessesTest {
    @TempDir
    static Path dir;
    private final List<Process> processes = new ArrayList<>();
    private String relayAddress;
    private int stunPort;
    private byte[] secret;

    private Process start(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        if (args.length > 0 && args[0].equals("--source-example")) {
            cmd.addAll(List.of(args).subList(1, args.length)); // java runs a single source file directly
        } else {
            cmd.add(Main.class.getName());
            cmd.addAll(List.of(args));
        }
        Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile()).start();
        processes.add(p);
        return p;
    }

    private String await(String file, Pattern pattern) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Path f = dir.resolve(file);
            if (Files.exists(f)) {
                Matcher m = pattern.matcher(Files.readString(f));
                if (m.find()) {
                    return m.groupCount() > 0 ? m.group(1) : m.group();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError(file + " never matched " + pattern + "; it holds:\n"
                + (Files.exists(dir.resolve(file)) ? Files.readString(dir.resolve(file)) : "(nothing)"));
    }

    private String[] peer(String name) throws IOException {
        Identity id = Identity.generate();
        IdentityFile.write(id, dir.resolve(name + ".key"));
        String token = AdmissionToken.mint(secret, id.peerId(), Instant.now().plusSeconds(600));
        return new String[] {"--relay", relayAddress, "--identity", name + ".key", "--token", token, id.peerId().toString()};
    }

    @BeforeAll
    void relay() throws Exception {
        Files.writeString(dir.resolve("relay.conf"), "junction.relay { stun-port = 0, control-port = 0, admin.port = 0, turn.tls-port = 0 }\n");
        start("relay", "relay", "--config", "relay.conf");
        relayAddress = await("relay.out", Pattern.compile("relay address: (\\S+)"));
        stunPort = Integer.parseInt(await("relay.out", Pattern.compile("stun: udp 127\\.0\\.0\\.1:(\\d+)")));
        secret = AdmissionSecret.read(dir.resolve(await("relay.out", Pattern.compile("admission: token; secret in (\\S+)"))));
    }

    @AfterAll
    void stop() {
        processes.forEach(Process::destroyForcibly);
    }

    private Process connect(String name, String[] who, String target, String input, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("connect", "--json", who[0], who[1], who[2], who[3], who[4], who[5]));
        args.addAll(List.of(extra));
        args.add(target);
        Process p = start(name, args.toArray(String[]::new));
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(name + " exits").isTrue();
        return p;
    }

    @Test
    void connectPipesStdinToAnEchoingListenerAndBack() throws Exception {
        String[] alice = peer("alice");
        start("alice", "listen", "--echo", "--json", alice[0], alice[1], alice[2], alice[3], alice[4], alice[5]);
        assertThat(await("alice.out", Pattern.compile("peer id: (\\S+)"))).isEqualTo(alice[6]);

        String[] bob = peer("bob");
        Process p = connect("bob", bob, alice[6], "hello through the relay\n");
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("bob.err"))).isZero();
        assertThat(Files.readString(dir.resolve("bob.out"))).isEqualTo("hello through the relay\n");
        assertThat(Files.readString(dir.resolve("bob.err")))
                .containsPattern("\\{\"event\":\"path\",\"peer\":\"" + alice[6] + "\",\"kind\":\"relay-udp\",\"remote\":\"127\\.0\\.0\\.1:\\d+\",\"ms\":\\d+,\"family\":\"ipv4\"}");

        Process q = connect("bob-tcp", bob, alice[6], "over TLS\n", "--relay-tcp");
        assertThat(q.exitValue()).isZero();
        assertThat(Files.readString(dir.resolve("bob-tcp.out"))).isEqualTo("over TLS\n");
        assertThat(Files.readString(dir.resolve("bob-tcp.err"))).contains("\"kind\":\"relay-tcp\"");
    }

    @Test
    void listenPrintsTheFirstStreamAndExits() throws Exception {
        String[] carol = peer("carol");
        Process listener = start("carol", "listen", carol[0], carol[1], carol[2], carol[3], carol[4], carol[5]);
        await("carol.out", Pattern.compile("peer id: (\\S+)"));
        Process p = connect("dave", peer("dave"), carol[6], "a note for carol\n");
        assertThat(p.exitValue()).isZero();
        assertThat(listener.waitFor(20, TimeUnit.SECONDS)).as("listen exits after its stream").isTrue();
        assertThat(listener.exitValue()).isZero();
        assertThat(Files.readString(dir.resolve("carol.out"))).endsWith("a note for carol\n");
        assertThat(Files.readString(dir.resolve("carol.err"))).contains("junction: session from " + dave());
    }

    private String dave() throws IOException {
        return IdentityFile.read(dir.resolve("dave.key")).peerId().toString();
    }

    @Test
    void connectingToAnAbsentPeerFailsWithWhatToDo() throws Exception {
        Process p = connect("erin", peer("erin"), Identity.generate().peerId().toString(), "");
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("erin.err")))
                .contains("junction: error: the peer holds no reservation on this relay; check the PeerId and that the peer is listening");
    }

    /** listen and connect run from one directory share junction.key: connecting to yourself fails before any login. */
    @Test
    void connectingToYourOwnIdentityFailsBeforeLoggingIn() throws Exception {
        String[] hana = peer("hana");
        Process p = connect("hana-self", hana, hana[6], "");
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("hana-self.err"))).contains("is the PeerId of this identity (hana.key)")
                .contains("--identity").doesNotContain("\"state\":\"connected\"");
    }

    @Test
    void theExampleInExamplesRunsAsWritten() throws Exception {
        Path example = Path.of(System.getProperty("user.dir")).resolveSibling("examples").resolve("HelloJunction.java");
        assertThat(example).exists();
        String[] frank = peer("frank");
        start("example-listen", "--source-example", example.toString(), "listen", relayAddress, frank[5], "frank.key");
        assertThat(await("example-listen.out", Pattern.compile("listening as (\\S+)"))).isEqualTo(frank[6]);
        String[] gina = peer("gina");
        Process p = start("example-connect", "--source-example", example.toString(), "connect", relayAddress, gina[5], "gina.key", frank[6]);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(dir.resolve("example-connect.out"))).as(Files.readString(dir.resolve("example-connect.err")))
                .matches("hello, junction\npath: (relay-udp|direct-udp)\n");
    }

    @Test
    void natCheckReportsAsJson() throws Exception {
        Process p = start("natcheck", "nat-check", "--json", "--relay", relayAddress, "--stun-port", Integer.toString(stunPort));
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("natcheck.err"))).isZero();
        String out = Files.readString(dir.resolve("natcheck.out"));
        assertThat(out).startsWith("{\"relay\":\"127.0.0.1:" + stunPort + "\",\"udp\":true,\"rtt_ms\":")
                .contains("\"behind_nat\":false").contains("\"mapping\":\"none\"").contains("\"rfc5780\":false")
                .contains("\"verdict\":\"open\"").containsPattern("\"mapped_tcp\":\"127\\.0\\.0\\.1:\\d+\"");

        Process h = start("natcheck-human", "nat-check", "--relay", relayAddress, "--stun-port", Integer.toString(stunPort));
        assertThat(h.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(dir.resolve("natcheck-human.out"))).contains("UDP:").contains("round trip")
                .containsPattern("verdict: +open");
    }
}
