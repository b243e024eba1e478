package dev.junction.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Port mapping talks to the host's gateway, so no test may turn it on where that gateway is this
 * machine's own: only the lab's tests, whose clients run inside namespaces the lab creates (issue 19).
 * Every test source of the repository that turns it on must be a lab test that opens a {@link Lab}.
 */
class PortMappingGuardTest {
    /** How a test turns port mapping on: the CLI flag, the builder, the with-method, the config key. */
    static final Pattern TURNS_ON = Pattern.compile("\"--port-mapping\"|portMapping\\(true\\)|withPortMapping\\(true\\)|port-mapping\\s*=\\s*(true|on)");

    @Test
    void onlyLabTestsTurnPortMappingOn() throws IOException {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        List<Path> offenders;
        List<Path> users;
        try (Stream<Path> files = Files.walk(repo)) {
            users = files.filter(p -> p.toString().contains("/src/test/") && !p.toString().contains("/target/"))
                    .filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".conf"))
                    .filter(p -> !p.getFileName().toString().equals("PortMappingGuardTest.java"))
                    .filter(p -> TURNS_ON.matcher(read(p)).find()).toList();
        }
        offenders = users.stream().filter(p -> !p.startsWith(repo.resolve("nat-lab/src/test")) || !read(p).contains("Lab.open()")).toList();
        assertThat(users).as("the lab's port mapping test is found, so this guard looks in the right place")
                .anyMatch(p -> p.endsWith("PortMappingLabTest.java"));
        assertThat(offenders).as("tests that turn port mapping on outside the lab's namespaces").isEmpty();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
