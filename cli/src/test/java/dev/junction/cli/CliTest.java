package dev.junction.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.identity.IdentityFile;
import dev.junction.wire.identity.PeerId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLI contract: names, flags, exit codes, one-line errors. */
class CliTest {
    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream savedOut;
    PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    @Test
    void keygenWritesAnOwnerOnlyIdentityAndPrintsItsPeerId() throws Exception {
        Path key = dir.resolve("alice.key");
        assertThat(Main.run("keygen", "--out", key.toString())).isZero();
        PeerId printed = PeerId.parse(out.toString().strip());
        assertThat(IdentityFile.read(key).peerId()).isEqualTo(printed);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }

    @Test
    void keygenRefusesToOverwriteWithOneLineAndExit1() throws Exception {
        Path key = dir.resolve("alice.key");
        Main.run("keygen", "--out", key.toString());
        err.reset();
        assertThat(Main.run("keygen", "--out", key.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith("junction: error: ").contains("already exists").doesNotContain("\tat ");
        assertThat(err.toString().strip().lines()).hasSize(1);
    }

    @Test
    void tokenIsValidForThePeerUntilItsTtl() throws Exception {
        Path secretFile = dir.resolve("secret");
        byte[] secret = AdmissionSecret.generate();
        AdmissionSecret.write(secret, secretFile);
        Path key = dir.resolve("a.key");
        Main.run("keygen", "--out", key.toString());
        PeerId peer = PeerId.parse(out.toString().strip());
        out.reset();
        assertThat(Main.run("token", "--secret-file", secretFile.toString(), "--peer", peer.toString(), "--ttl", "10m")).isZero();
        String token = out.toString().strip();
        assertThat(AdmissionToken.verify(secret, token, peer, Instant.now())).isEqualTo(AdmissionToken.Verdict.VALID);
        assertThat(AdmissionToken.verify(secret, token, peer, Instant.now().plusSeconds(601))).isEqualTo(AdmissionToken.Verdict.EXPIRED);
        out.reset();
        assertThat(Main.run("token", "--secret-file", secretFile.toString(), "--identity", key.toString())).isZero();
        assertThat(AdmissionToken.verify(secret, out.toString().strip(), peer, Instant.now().plusSeconds(23 * 3600)))
                .as("default ttl is 24h").isEqualTo(AdmissionToken.Verdict.VALID);
    }

    @Test
    void tokenWithBadTtlOrMissingSecretFailsWithOneLine() throws Exception {
        Path secretFile = dir.resolve("secret");
        AdmissionSecret.write(AdmissionSecret.generate(), secretFile);
        String peer = dev.junction.wire.identity.Identity.generate().peerId().toString();
        assertThat(Main.run("token", "--secret-file", secretFile.toString(), "--peer", peer, "--ttl", "soon")).isEqualTo(1);
        assertThat(err.toString()).contains("--ttl");
        assertThat(Main.run("token", "--secret-file", dir.resolve("none").toString(), "--peer", peer)).isEqualTo(1);
        assertThat(err.toString()).contains("does not exist");
    }

    @Test
    void rotateKeyReplacesTheKeyKeepsTheOldOneAndWritesItsEndorsement() throws Exception {
        Path key = dir.resolve("relay.key");
        Main.run("keygen", "--out", key.toString());
        PeerId old = PeerId.parse(out.toString().strip());
        out.reset();
        assertThat(Main.run("rotate-key", "--identity", key.toString(), "--overlap", "7d", "--json")).isZero();
        String json = out.toString().strip();
        PeerId next = IdentityFile.read(key).peerId();
        assertThat(next).isNotEqualTo(old);
        assertThat(json).contains("\"previous\":\"" + old + "\"").contains("\"next\":\"" + next + "\"");
        dev.junction.wire.control.KeyEndorsement e = dev.junction.relay.tls.KeyRotation.load(key, next);
        assertThat(e.vouches(old, next, Instant.now())).isTrue();
        assertThat(e.vouches(old, next, Instant.now().plus(java.time.Duration.ofDays(7)).plusSeconds(5))).as("for the overlap only").isFalse();
        err.reset();
        assertThat(Main.run("rotate-key", "--identity", key.toString(), "--overlap", "soon")).isEqualTo(1);
        assertThat(err.toString()).contains("--overlap");
        assertThat(IdentityFile.read(key).peerId()).as("a refused rotation changes nothing").isEqualTo(next);
    }

    @ParameterizedTest
    @ValueSource(strings = {"relay", "keygen", "token", "nat-check", "listen", "connect", "bench", "rotate-key"})
    void everyCommandHasHelp(String command) {
        assertThat(Main.run(command, "--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: junction " + command);
    }

    @Test
    void badUsageExits2() {
        assertThat(Main.run("relay", "--no-such-flag")).isEqualTo(2);
        assertThat(Main.run("token", "--peer", "x")).isEqualTo(2);
        assertThat(Main.run("connect", "--relay", "127.0.0.1:5349", "z12D3KooW")).isEqualTo(2);
        assertThat(Main.run("nat-check")).as("--relay is required").isEqualTo(2);
        assertThat(Main.run("frobnicate")).isEqualTo(2);
        assertThat(Main.run(new String[0])).isEqualTo(2);
    }
}
