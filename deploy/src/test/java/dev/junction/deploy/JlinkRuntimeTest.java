package dev.junction.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.client.TraversalClient;
import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.identity.Identity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container's runtime, built here with jlink from deploy/docker/jlink-modules exactly as the
 * Dockerfile builds it, runs the relay: it starts, a client logs in over TLS 1.3 with Ed25519
 * (which needs jdk.crypto.ec), and `junction health` (java.net.http) answers.
 */
class JlinkRuntimeTest {
    @TempDir
    Path dir;

    @Test
    void theJlinkRuntimeRunsTheRelay() throws Exception {
        Path jar = Repo.file("cli/target/junction.jar");
        assertThat(jar).as("the shaded jar; mvn verify builds it before this module's tests").exists();
        String modules = Files.readString(Repo.file("deploy/docker/jlink-modules")).strip();
        assertThat(Files.readString(Repo.file("deploy/docker/Dockerfile"))).contains("deploy/docker/jlink-modules")
                .contains("--add-modules \"$(cat /tmp/jlink-modules)\"");

        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        Path runtime = dir.resolve("jre");
        Process build = new ProcessBuilder(jlink.toString(), "--add-modules", modules, "--strip-debug", "--no-header-files",
                "--no-man-pages", "--compress=2", "--output", runtime.toString()).redirectErrorStream(true).start();
        assertThat(build.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(build.exitValue()).as(new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        Path java = runtime.resolve("bin/java");

        Files.writeString(dir.resolve("relay.conf"), "junction.relay { stun-port = 0, control-port = 0, admin.port = 0 }\n");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-jar", jar.toString(), "relay", "--config", "relay.conf"));
        Process relay = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("relay.out").toFile()).start();
        try {
            String out = awaitOutput(dir.resolve("relay.out"), relay);
            String address = find(out, "relay address: (\\S+)");
            String metrics = find(out, "metrics: (\\S+)");

            Identity me = Identity.generate();
            byte[] secret = AdmissionSecret.read(dir.resolve(".junction/relay/admission.secret"));
            try (TraversalClient client = TraversalClient.builder().identity(me).relay(address)
                    .token(AdmissionToken.mint(secret, me.peerId(), Instant.now().plusSeconds(60))).start()) {
                assertThat(client.publicUdpAddress()).isNotNull();
            }

            Process health = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "health", "--url",
                    metrics.replace("/metrics", "/healthz")).redirectErrorStream(true).start();
            assertThat(health.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String said = new String(health.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(health.exitValue()).as(said).isZero();
            assertThat(said).contains("200 ok");
        } finally {
            relay.destroy();
            relay.waitFor(20, TimeUnit.SECONDS);
            relay.destroyForcibly();
        }
    }

    private static String awaitOutput(Path file, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && p.isAlive()) {
            String s = Files.readString(file);
            if (s.contains("\ntry: ")) {
                return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the relay on the jlink runtime did not come up:\n" + Files.readString(file));
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex).isTrue();
        return m.group(1);
    }
}
