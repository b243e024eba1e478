package dev.junction.client.e2e;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test opened, closed in reverse order when the test ends: declare it
 * {@code @AutoClose final Closer open = new Closer();} and pass what is opened through {@link #keep}.
 */
final class Closer implements AutoCloseable {
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** Closes {@code c} when the test ends; returns it. */
    <T extends AutoCloseable> T keep(T c) {
        opened.add(c);
        return c;
    }

    @Override
    public void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }
}
