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

    /** Every YAML document in the {@code *.yaml} files of the repository folder {@code relative}. */
    @SuppressWarnings("unchecked")
    static java.util.List<java.util.Map<String, Object>> yamlDocs(String relative) throws java.io.IOException {
        java.util.List<java.util.Map<String, Object>> docs = new java.util.ArrayList<>();
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(file(relative), "*.yaml")) {
            for (Path f : files) {
                try (java.io.Reader r = Files.newBufferedReader(f)) {
                    for (Object doc : new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
                            new org.yaml.snakeyaml.LoaderOptions())).loadAll(r)) {
                        if (doc != null) {
                            docs.add((java.util.Map<String, Object>) doc);
                        }
                    }
                }
            }
        }
        return docs;
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
