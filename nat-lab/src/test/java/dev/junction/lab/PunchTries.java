package dev.junction.lab;

import dev.junction.client.ClientListener;
import dev.junction.client.Session;
import dev.junction.client.TraversalClient;
import dev.junction.wire.identity.PeerId;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs in a lab host (its own JVM): one client connects to the same peer {@code tries} times in a
 * row, a new session each time, and prints one line per try: whether punching found a direct
 * path that still held {@value #HOLD_MS} ms later, how long it took and how many probes it sent.
 * Arguments: relay address, identity file, token, peer id, tries.
 */
public final class PunchTries {
    /** A try that has not gone direct this long after its session opened counts as relayed. */
    static final long WAIT_MS = 8000;
    /** A direct path must still carry the session this long after it was found. */
    static final long HOLD_MS = 3500;

    private PunchTries() {
    }

    public static void main(String[] args) throws Exception {
        int tries = Integer.parseInt(args[4]);
        CompletableFuture<?>[] finished = {new CompletableFuture<String>()};
        try (TraversalClient client = TraversalClient.builder().relay(args[0]).identityFile(Path.of(args[1])).token(args[2])
                .listener(new ClientListener() {
                    @Override
                    public void punchFinished(Session session, boolean direct, int probes, long millis) {
                        ((CompletableFuture<String>) finished[0]).complete((direct ? "direct" : "relayed") + " " + millis + " ms " + probes + " probes");
                    }
                }).start()) {
            PeerId peer = PeerId.parse(args[3]);
            int direct = 0;
            for (int i = 1; i <= tries; i++) {
                finished[0] = new CompletableFuture<String>();
                Session s = client.connect(peer).get(15, TimeUnit.SECONDS);
                String outcome;
                try {
                    outcome = (String) finished[0].get(WAIT_MS, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    outcome = "relayed (no outcome within " + WAIT_MS + " ms)";
                }
                if (outcome.startsWith("direct")) {
                    // Held, not just found: three missed keepalives (3 s) would have sent it back to the relay.
                    Thread.sleep(HOLD_MS);
                    if (s.activePath().kind().relayed()) {
                        outcome = "relayed (direct at " + outcome + ", lost within " + HOLD_MS + " ms)";
                    } else {
                        direct++;
                    }
                }
                System.out.println("try " + i + ": " + outcome);
                s.close();
                Thread.sleep(300);
            }
            System.out.println("direct " + direct + "/" + tries);
        }
    }
}
