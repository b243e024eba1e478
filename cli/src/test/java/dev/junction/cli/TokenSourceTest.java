package dev.junction.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding 11: --token-file keeps the token out of the process list and is re-read when it changes. */
class TokenSourceTest {
    @TempDir
    Path dir;

    @Test
    void readsTheFileAgainWhenItChangesAndKeepsTheLastGoodTokenWhileItIsRewritten() throws Exception {
        Path f = dir.resolve("token");
        Files.writeString(f, "first-token\n");
        TokenSource tokens = new TokenSource(f);
        assertThat(tokens.get()).isEqualTo("first-token");
        Files.writeString(f, "renewed-token\n");
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(tokens.get()).isEqualTo("renewed-token");
        Files.delete(f);
        assertThat(tokens.get()).as("a file being replaced").isEqualTo("renewed-token");
    }

    @Test
    void aMissingFileAtStartNamesTheOption() {
        assertThatThrownBy(() -> new TokenSource(dir.resolve("absent")).get()).hasMessageContaining("--token-file");
    }
}
