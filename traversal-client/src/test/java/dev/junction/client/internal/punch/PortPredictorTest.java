package dev.junction.client.internal.punch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.wire.session.NatHint;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PortPredictorTest {
    static final InetSocketAddress HARD = new InetSocketAddress("203.0.113.7", 40000);

    private static List<Integer> ports(PortPredictor p) {
        List<Integer> out = new ArrayList<>();
        while (p.hasNext()) {
            InetSocketAddress a = p.next();
            assertThat(a.getAddress()).isEqualTo(HARD.getAddress());
            out.add(a.getPort());
        }
        return out;
    }

    @Test
    void aSequentialNatIsProbedAlongItsStepFirstThenAtRandom() {
        List<Integer> ports = ports(new PortPredictor(HARD, 2, 100, new Random(1)));
        assertThat(ports).hasSize(100);
        assertThat(ports.subList(0, 50)).isEqualTo(java.util.stream.IntStream.rangeClosed(1, 50).map(k -> 40000 + 2 * k).boxed().toList());
        assertThat(new HashSet<>(ports)).hasSize(100).doesNotContain(40000);
        assertThat(ports).allMatch(p -> p >= PortPredictor.LOW && p <= PortPredictor.HIGH);
    }

    @Test
    void theSequentialGuessStopsAtTheEndOfThePortRange() {
        List<Integer> ports = ports(new PortPredictor(new InetSocketAddress("203.0.113.7", 65530), 1, 40, new Random(2)));
        assertThat(ports.subList(0, 5)).containsExactly(65531, 65532, 65533, 65534, 65535);
        assertThat(new HashSet<>(ports)).hasSize(40);
        assertThat(ports).allMatch(p -> p >= PortPredictor.LOW && p <= PortPredictor.HIGH);
    }

    @Test
    void aRandomNatGetsDistinctRandomPortsAndNoMoreThanTheBudget() {
        List<Integer> ports = ports(new PortPredictor(HARD, 0, 1024, new Random(3)));
        assertThat(ports).hasSize(1024);
        assertThat(new HashSet<>(ports)).hasSize(1024);
        // Spread over the range, not clustered near the base port.
        assertThat(ports.stream().filter(p -> p < 20000).count()).isBetween(200L, 420L);
    }

    @Test
    void hintsRoundTripAndAnOlderPeerWithoutOneIsUnknown() {
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
        new NatHint(NatHint.Mapping.DEPENDENT, -3).encode(b);
        assertThat(NatHint.decode(b)).isEqualTo(new NatHint(NatHint.Mapping.DEPENDENT, -3));
        assertThat(NatHint.decode(io.netty.buffer.Unpooled.buffer())).isEqualTo(NatHint.UNKNOWN);
        assertThat(new NatHint(NatHint.Mapping.DEPENDENT, 500).step()).as("a wide step is random").isZero();
        b.clear().writeByte(9).writeShort(1);
        assertThat(NatHint.decode(b)).as("a mapping kind from a newer version").isEqualTo(NatHint.UNKNOWN);
    }
}
