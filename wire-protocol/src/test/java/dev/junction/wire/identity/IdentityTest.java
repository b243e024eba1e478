package dev.junction.wire.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.wire.WireFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityTest {
    @TempDir
    Path dir;

    @Test
    void peerIdBytesAreTheLibp2pIdentityMultihashOfTheKey() {
        byte[] key = new byte[32];
        key[31] = 1;
        PeerId id = PeerId.fromPublicKey(key);
        assertThat(id.toBytes()).startsWith(0x00, 0x24, 0x08, 0x01, 0x12, 0x20).hasSize(38);
        assertThat(id.publicKey()).isEqualTo(key);
        assertThat(id.toString()).startsWith("z12D3KooW");
        assertThat(PeerId.parse(id.toString().substring(1))).as("libp2p's bare form").isEqualTo(id);
    }

    @Test
    void parseNamesWhatIsWrong() {
        assertThatThrownBy(() -> PeerId.parse("hello")).isInstanceOf(WireFormatException.class).hasMessageContaining("z12D3KooW");
        assertThatThrownBy(() -> PeerId.parse("z12D3KooW0")).isInstanceOf(WireFormatException.class).hasMessageContaining("base58");
        assertThatThrownBy(() -> PeerId.parse("z12D3KooWA")).isInstanceOf(WireFormatException.class).hasMessageContaining("38 bytes");
    }

    @Test
    void signaturesVerifyOnlyForTheSignerAndTheData() {
        Identity a = Identity.generate();
        Identity b = Identity.generate();
        byte[] sig = a.sign("data".getBytes());
        assertThat(Identity.verify(a.peerId(), "data".getBytes(), sig)).isTrue();
        assertThat(Identity.verify(b.peerId(), "data".getBytes(), sig)).isFalse();
        assertThat(Identity.verify(a.peerId(), "datb".getBytes(), sig)).isFalse();
        assertThat(Identity.verify(a.peerId(), "data".getBytes(), new byte[3])).isFalse();
    }

    @Test
    void identityFileIsOwnerOnlyAndRoundTrips() throws Exception {
        Identity id = Identity.generate();
        Path file = dir.resolve("sub/id.key");
        IdentityFile.write(id, file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains("# peer id: " + id.peerId()).contains("BEGIN PRIVATE KEY");
        assertThat(IdentityFile.read(file).peerId()).isEqualTo(id.peerId());
    }

    @Test
    void refusesToOverwriteAnIdentity() throws Exception {
        Path file = dir.resolve("id.key");
        IdentityFile.write(Identity.generate(), file);
        assertThatThrownBy(() -> IdentityFile.write(Identity.generate(), file)).hasMessageContaining("already exists");
    }

    @Test
    void refusesAFileOthersCanRead() throws Exception {
        Path file = dir.resolve("id.key");
        IdentityFile.write(Identity.generate(), file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> IdentityFile.read(file)).hasMessageContaining("chmod 600");
    }

    @Test
    void refusesMismatchedKeys() throws Exception {
        Path a = dir.resolve("a.key");
        Path b = dir.resolve("b.key");
        IdentityFile.write(Identity.generate(), a);
        IdentityFile.write(Identity.generate(), b);
        String privA = Files.readString(a).replaceAll("(?s).*(-----BEGIN PRIVATE KEY-----.*-----END PRIVATE KEY-----).*", "$1");
        String pubB = Files.readString(b).replaceAll("(?s).*(-----BEGIN PUBLIC KEY-----.*-----END PUBLIC KEY-----).*", "$1");
        Files.writeString(a, privA + "\n" + pubB + "\n");
        assertThatThrownBy(() -> IdentityFile.read(a)).hasMessageContaining("does not match");
    }

    @Test
    void missingFileSaysHowToCreateOne() {
        assertThatThrownBy(() -> IdentityFile.read(dir.resolve("none"))).hasMessageContaining("junction keygen");
    }
}
