package dev.junction.relay;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Outside programs some tests drive (coturn's tools): present, or a clear failure under CI=true, or a skip elsewhere. */
public final class Tools {
    private Tools() {
    }

    /** CI set to a usual truthy spelling ({@code true}, {@code 1}, {@code yes}, any case). */
    public static boolean ci() {
        String v = System.getenv("CI");
        return v != null && java.util.Set.of("true", "1", "yes").contains(v.strip().toLowerCase(java.util.Locale.ROOT));
    }

    /** {@code tool} is executable; if not, fails (CI=true) or aborts the test, saying which package installs it. */
    public static void require(Path tool, String aptPackage) {
        if (!Files.isExecutable(tool)) {
            if (ci()) {
                throw new AssertionError(tool + " is missing: apt-get install " + aptPackage + " (CI=true, so this is a failure, not a skip)");
            }
            Assumptions.abort(tool + " is missing: apt-get install " + aptPackage);
        }
    }
}
