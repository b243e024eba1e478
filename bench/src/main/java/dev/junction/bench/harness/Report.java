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

    void write(Path file) throws IOException {
        Files.writeString(file, md.toString());
    }
}
