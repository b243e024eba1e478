package dev.junction.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** BENCHMARKS.md as it is built: sections of prose and Markdown tables, also echoed to stdout. */
final class Report {
    private final StringBuilder md = new StringBuilder();

    void line(String s) {
        md.append(s).append('\n');
        System.out.println(s);
        System.out.flush();
    }

    void blank() {
        line("");
    }

    void heading(String s) {
        blank();
        line("## " + s);
        blank();
    }

    void table(List<String> header, List<List<String>> rows) {
        line("| " + String.join(" | ", header) + " |");
        line("|" + " --- |".repeat(header.size()));
        for (List<String> r : rows) {
            line("| " + String.join(" | ", r) + " |");
        }
        blank();
    }

    /**
     * Everything after this line in an existing BENCHMARKS.md is hand-written analysis (what
     * profiling showed, what was changed): the harness keeps it when it rewrites the figures above.
     */
    static final String NOTES_MARKER = "<!-- Hand-written notes below this line are kept when bench/run.sh rewrites the figures above. -->";

    void write(Path file) throws IOException {
        String notes = "";
        if (Files.isRegularFile(file)) {
            String old = Files.readString(file);
            int at = old.indexOf(NOTES_MARKER);
            if (at >= 0) {
                notes = old.substring(at);
            }
        }
        Files.writeString(file, md + (notes.isEmpty() ? "\n" + NOTES_MARKER + "\n" : "\n" + notes));
    }
}
