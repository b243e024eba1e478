package dev.junction.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * examples/ is source run with {@code java File.java}, never compiled by Maven, so ArchitectureTest
 * cannot see it; this reads its imports instead. An example is what users copy: it uses the public
 * API only.
 */
class ExamplesUseThePublicApiTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("user.dir")).resolveSibling("examples");

    @Test
    void examplesImportNeitherClientInternalsNorTheRelay() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        assertThat(sources).as("examples to check in " + EXAMPLES).isNotEmpty();
        for (Path f : sources) {
            assertThat(Files.readString(f)).as(f.toString())
                    .doesNotContain("dev.junction.client.internal")
                    .doesNotContain("dev.junction.relay");
        }
    }
}
