package dev.junction.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Keeps the lab's published tables true to the code: every complete run writes its document to
 * {@code target/docs/}, and the committed copy under {@code docs/} must match it in everything but
 * the figures (dates, times, counts, delays), so rows, columns and verdicts can never describe a test
 * that no longer exists. A mismatch fails the test that wrote the document and says how to
 * regenerate it.
 */
final class DocCheck {
    private DocCheck() {
    }

    /**
     * The document's shape: every figure replaced by {@code #}. A table cell with a time and the path
     * kind it led to ("812 ms (direct-udp)") or "-" (no such event) is a figure too: whether an event
     * came is the test's verdict to check, not the document's.
     */
    static String skeleton(String doc) {
        return doc.replaceAll("\\d{4}-\\d{2}-\\d{2}", "#")
                .replace("still probing", "#")
                .replaceAll("\\d+(\\.\\d+)?", "#")
                .replaceAll("(?<=\\| )(# ms( \\([a-z-]+\\))?|-)(?= \\|)", "#")
                .replaceAll("[ \\t]+\\n", "\n")
                .strip();
    }

    /** Writes a run's {@code doc} to {@code target/docs/NAME}. */
    static void write(String name, String doc) throws IOException {
        Path written = Path.of("target", "docs", name);
        Files.createDirectories(written.getParent());
        Files.writeString(written, doc);
    }

    /**
     * Checks the committed {@code docs/NAME} against the run's copy {@link #write} left; {@code
     * regenerate} is the command that rewrites the committed copy.
     */
    static void check(String name, String regenerate) throws IOException {
        Path written = Path.of("target", "docs", name);
        String doc = Files.readString(written);
        Path committed = Path.of("..", "docs", name);
        String problem = Files.exists(committed) ? firstDifference(skeleton(Files.readString(committed)), skeleton(doc)) : "it does not exist";
        if (problem != null) {
            throw new AssertionError("docs/" + name + " no longer matches what this test measures (" + problem + "); the run's copy is "
                    + written.toAbsolutePath() + ". Regenerate the committed one: " + regenerate);
        }
    }

    /** The first line where the two skeletons differ, or null when they are the same. */
    static String firstDifference(String committed, String measured) {
        List<String> a = committed.lines().toList();
        List<String> b = measured.lines().toList();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String x = i < a.size() ? a.get(i) : "(end of file)";
            String y = i < b.size() ? b.get(i) : "(end of file)";
            if (!x.equals(y)) {
                return "line " + (i + 1) + ": committed '" + x + "', measured '" + y + "'";
            }
        }
        return null;
    }
}
