package dev.junction.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;

/**
 * An admission token read from a file, and read again whenever the file changes, so a long-running
 * {@code listen} picks up the token an operator (or a cron job asking the app backend) renews, and
 * the client sends it to the relay before the old one expires. The token never appears on the
 * command line, where every local user could read it in {@code /proc/PID/cmdline}.
 */
final class TokenSource implements Supplier<String> {
    private final Path file;
    private FileTime modified;
    private String token;

    TokenSource(Path file) {
        this.file = file;
    }

    @Override
    public synchronized String get() {
        try {
            FileTime m = Files.getLastModifiedTime(file);
            if (!m.equals(modified)) {
                String t = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (t.isEmpty()) {
                    throw new IOException("the file is empty");
                }
                token = t;
                modified = m;
            }
            return token;
        } catch (IOException e) {
            if (token != null) {
                return token; // a renewal in progress (file being rewritten): keep the last good token
            }
            throw new UncheckedIOException("cannot read the admission token from --token-file " + file + ": " + e.getMessage(), e);
        }
    }
}
