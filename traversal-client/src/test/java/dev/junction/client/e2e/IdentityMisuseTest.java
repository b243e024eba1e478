package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.client.ClientListener;
import dev.junction.client.JunctionException;
import dev.junction.client.TraversalClient;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user hits when two sides share one identity (`junction listen` and `junction connect`
 * from one directory both use junction.key): connecting to yourself fails at once and says what to
 * do, and two running clients with one identity do not take the reservation from each other back
 * and forth without end (issue #14).
 */
class IdentityMisuseTest {
    @TempDir
    Path dir;

    @Test
    void connectingToYourOwnPeerIdFailsAtOnceAndSaysWhatToDo() throws Exception {
        try (LoopbackRelay relay = LoopbackRelay.start(dir, Map.of())) {
            Identity me = Identity.generate();
            try (TraversalClient client = relay.builder(me).onSession(s -> { }).start()) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> client.connect(me.peerId()).get(5, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(JunctionException.class)
                        .hasMessageContaining("own PeerId").hasMessageContaining("--identity");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("fails at once, not at the connect timeout")
                        .isLessThan(2000);
                assertThat(relay.server.reservationCount()).as("the client keeps its reservation").isEqualTo(1);
            }
        }
    }

    @Test
    void twoClientsWithOneIdentityBackOffInsteadOfTakingTheReservationBackAndForth() throws Exception {
        try (LoopbackRelay relay = LoopbackRelay.start(dir, Map.of())) {
            Identity shared = Identity.generate();
            List<String> firstSaw = new CopyOnWriteArrayList<>();
            ClientListener first = new ClientListener() {
                @Override
                public void relayDisconnected(String reason) {
                    firstSaw.add(reason);
                }
            };
            try (TraversalClient a = relay.builder(shared).listener(first).start()) {
                double before = logins(relay, shared.peerId());
                try (TraversalClient b = relay.builder(shared).start()) {
                    // Without a back-off the replaced client logs in again within a quarter of a
                    // second, replacing the other, which does the same: a dozen logins in three seconds.
                    Thread.sleep(3000);
                    double during = logins(relay, shared.peerId()) - before;
                    assertThat(during).as("logins with the shared identity in 3 s after the second client started").isLessThanOrEqualTo(2);
                    assertThat(firstSaw).as("the replaced client is told why").anyMatch(r -> r.contains("this identity"));
                    assertThat(relay.server.reservationCount()).isEqualTo(1);
                }
            }
        }
    }

    /** Successful logins so far (the relay's counter; one identity logs in here). */
    private static double logins(LoopbackRelay relay, PeerId peer) {
        Matcher m = Pattern.compile("junction_logins_total\\{outcome=\"success\"} ([0-9.]+)").matcher(relay.server.metrics().scrape());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
