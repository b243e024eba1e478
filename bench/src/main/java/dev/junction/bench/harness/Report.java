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

    /**
     * Writes the figures of this run; numbered sections ("## 4. ...") it did not run are kept from
     * the existing file (a {@code --sections} run replaces only its own), as are the hand-written notes.
     */
    void write(Path file) throws IOException {
        String notes = "";
        String figures = md.toString();
        if (Files.isRegularFile(file)) {
            String old = Files.readString(file);
            int at = old.indexOf(NOTES_MARKER);
            if (at >= 0) {
                notes = old.substring(at);
            }
            figures = merge(figures, at >= 0 ? old.substring(0, at) : old);
        }
        Files.writeString(file, figures + (notes.isEmpty() ? "\n" + NOTES_MARKER + "\n" : "\n" + notes));
    }

    /** {@code fresh}, with the numbered sections of {@code old} that it lacks put back in number order. */
    static String merge(String fresh, String old) {
        java.util.TreeMap<Integer, String> numbered = new java.util.TreeMap<>();
        java.util.Map<Integer, String> kept = new java.util.LinkedHashMap<>();
        sections(old).forEach((n, text) -> {
            if (n >= 0) {
                kept.put(n, text);
            }
        });
        StringBuilder head = new StringBuilder();
        sections(fresh).forEach((n, text) -> {
            if (n >= 0) {
                numbered.put(n, text);
                kept.remove(n);
            } else {
                head.append(text);
            }
        });
        if (kept.isEmpty()) {
            return fresh;
        }
        numbered.putAll(kept);
        String note = "\nSections " + kept.keySet().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))
                + " were not part of this run: they are kept from the run that wrote them before.\n";
        StringBuilder out = new StringBuilder(head.toString().stripTrailing()).append("\n").append(note);
        numbered.values().forEach(t -> out.append("\n").append(t.strip()).append("\n\n"));
        return out.toString();
    }

    /** The file's parts keyed by section number ("## 5. ..." is 5); the preamble and unnumbered sections get negative keys, in order. */
    private static java.util.Map<Integer, String> sections(String text) {
        java.util.Map<Integer, String> out = new java.util.LinkedHashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^## (?:(\\d+)\\. )?").matcher(text);
        int start = 0;
        Integer key = -1;
        int unnumbered = -1;
        while (m.find()) {
            if (m.start() > start || start == 0) {
                out.put(key, text.substring(start, m.start()));
            }
            start = m.start();
            key = m.group(1) == null ? --unnumbered : Integer.parseInt(m.group(1));
        }
        out.put(key, text.substring(start));
        return out;
    }
}
