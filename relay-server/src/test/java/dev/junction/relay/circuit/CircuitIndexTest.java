package dev.junction.relay.circuit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.reservation.LocalReservationRegistry;
import dev.junction.relay.reservation.Reservation;
import dev.junction.wire.identity.Identity;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The forwarding path's circuit index: lookups by int ID through growth, collisions, removal and concurrent change. */
class CircuitIndexTest {
    final LocalReservationRegistry registry = new LocalReservationRegistry(10, 10, Duration.ofHours(1), Clock.systemUTC());
    final Reservation a = reserve();
    final Reservation b = reserve();

    Reservation reserve() {
        return registry.reserve(Identity.generate().peerId(), new InetSocketAddress("198.51.100.7", 40000 + registry.size()),
                new UdpRelayHandlerTest.NoLink(), new EmbeddedChannel()).reservation();
    }

    Circuit circuit(int id) {
        return new Circuit(id, 0, a, b, CircuitLimits.UNLIMITED, Instant.now());
    }

    @Test
    void findsEveryCircuitThroughGrowthCollisionsAndRemoval() {
        CircuitIndex index = new CircuitIndex();
        List<Circuit> all = new ArrayList<>();
        // IDs a multiple of 4096 apart share a bucket at every table size up to 4096.
        for (int i = 0; i < 3000; i++) {
            int id = i % 3 == 0 ? i * 4096 + 1 : 0x2000_0000 + i;
            Circuit c = circuit(id);
            assertThat(index.putIfAbsent(id, c)).isNull();
            all.add(c);
        }
        assertThat(index.size()).isEqualTo(3000);
        assertThat(index.putIfAbsent(all.get(7).id(), circuit(all.get(7).id()))).isSameAs(all.get(7));
        for (Circuit c : all) {
            assertThat(index.get(c.id())).isSameAs(c);
        }
        assertThat(index.get(5)).isNull();
        assertThat(index.remove(all.get(3).id(), circuit(all.get(3).id()))).as("another circuit object under that ID").isFalse();
        for (int i = 0; i < all.size(); i += 2) {
            assertThat(index.remove(all.get(i).id(), all.get(i))).isTrue();
        }
        for (int i = 0; i < all.size(); i++) {
            assertThat(index.get(all.get(i).id())).isSameAs(i % 2 == 0 ? null : all.get(i));
        }
        assertThat(index.size()).isEqualTo(1500);
        assertThat(index.values()).hasSize(1500).containsExactlyInAnyOrderElementsOf(all.stream().filter(c -> all.indexOf(c) % 2 == 1).toList());
    }

    @Test
    void readersNeverSeeAnotherIdsCircuitWhileItChanges() throws Exception {
        CircuitIndex index = new CircuitIndex();
        Circuit stable = circuit(42);
        index.putIfAbsent(42, stable);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong wrong = new AtomicLong();
        AtomicLong missed = new AtomicLong();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                for (int id = 1000; id < 1100; id++) {
                    Circuit c = index.get(id);
                    if (c != null && c.id() != id) {
                        wrong.incrementAndGet();
                    }
                }
                if (index.get(42) != stable) {
                    missed.incrementAndGet();
                }
            }
        });
        reader.start();
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (int round = 0; round < 200 && System.nanoTime() < deadline; round++) {
            List<Circuit> added = new ArrayList<>();
            for (int id = 1000; id < 1100; id++) {
                Circuit c = circuit(id);
                index.putIfAbsent(id, c);
                added.add(c);
            }
            for (Circuit c : added) {
                index.remove(c.id(), c);
            }
        }
        stop.set(true);
        reader.join(5000);
        assertThat(wrong.get()).isZero();
        // 42 was there before the reader started and was never removed: the table grows, but only once the new one is complete.
        assertThat(missed.get()).isZero();
        assertThat(index.size()).isEqualTo(1);
    }
}
