package dev.junction.client.internal.punch;

import dev.junction.client.PortPrediction;
import dev.junction.client.internal.net.UdpPort;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Port prediction for one session's punching ({@link PortPrediction}): on the hard side the extra
 * sockets, opened once and probing the easy side's reflexive candidate every
 * {@value #EXTRA_EVERY_ROUNDS} rounds; on the easy side each round's share of predicted ports on
 * the hard side's address. The {@link Puncher} decides which side this is and when; I/O thread only.
 */
final class Prediction {
    /** How a probe goes out (signed for the current round, counted). */
    interface Prober {
        void probe(InetSocketAddress to, UdpPort via);
    }

    /** The hard side's extra sockets probe again every this many rounds (their mappings stay fresh). */
    static final int EXTRA_EVERY_ROUNDS = 10;

    private final Puncher.Host host;
    private final PortPrediction limits;
    private final Prober prober;
    private final Random random;
    private final List<UdpPort> extra = new ArrayList<>();
    private boolean opened;
    private PortPredictor predictor;

    Prediction(Puncher.Host host, PortPrediction limits, Prober prober, Random random) {
        this.host = host;
        this.limits = limits;
        this.prober = prober;
        this.random = random;
    }

    boolean enabled() {
        return limits.enabled();
    }

    /**
     * The hard side's {@code n}-th prediction round: opens the sockets the first time, each probing
     * {@code target} as soon as it is bound (unless {@code looking} says punching is over by then).
     */
    void hardRound(int n, InetSocketAddress target, BooleanSupplier looking) {
        if (!opened) {
            opened = true;
            host.openExtraSockets(limits.sockets(), port -> {
                if (!looking.getAsBoolean()) {
                    port.close();
                    return;
                }
                extra.add(port);
                prober.probe(target, port);
            });
        } else if (n % EXTRA_EVERY_ROUNDS == 0) {
            extra.forEach(port -> prober.probe(target, port));
        }
    }

    /** The easy side's round: up to a tenth of a second's worth of predicted ports around {@code peer}. */
    void easyRound(InetSocketAddress peer, int step, long roundMillis) {
        if (predictor == null) {
            predictor = new PortPredictor(peer, step, limits.probes(), random);
        }
        long perRound = Math.max(1, limits.rate() * roundMillis / 1000);
        for (int i = 0; i < perRound && predictor.hasNext(); i++) {
            prober.probe(predictor.next(), host.main());
        }
    }

    /** A new attempt predicts afresh (new random ports, a new budget); extra sockets stay. */
    void newAttempt() {
        predictor = null;
    }

    /** Closes the extra sockets but {@code keep} (the direct path's, or null). */
    void close(UdpPort keep) {
        host.closeExtraSockets(keep);
        extra.clear();
    }
}
