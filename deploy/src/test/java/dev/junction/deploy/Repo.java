package dev.junction.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the repository, from the deploy module's directory (Maven's working directory for its tests). */
final class Repo {
    private Repo() {
    }

    static Path root() {
        Path here = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path root = here.getFileName().toString().equals("deploy") ? here.getParent() : here;
        if (!Files.exists(root.resolve("deploy/docker/Dockerfile"))) {
            throw new IllegalStateException("cannot find the repository root from " + here);
        }
        return root;
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }

    /**
     * True under CI, where a missing prerequisite must fail a test instead of skipping it: {@code CI}
     * set to a usual truthy spelling ({@code true}, {@code 1}, {@code yes}, any case).
     */
    static boolean ci() {
        String v = System.getenv("CI");
        return v != null && java.util.Set.of("true", "1", "yes").contains(v.strip().toLowerCase(java.util.Locale.ROOT));
    }
}
