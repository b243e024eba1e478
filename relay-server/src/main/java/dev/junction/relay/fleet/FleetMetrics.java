package dev.junction.relay.fleet;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The fleet's meters (docs/OPERATIONS.md "Fleet metrics"): directory requests by operation and
 * outcome with their latency, mesh links by state, mesh dials and cross-relay circuits. Labels come
 * from the enums below; no relay or peer identity is ever a label value.
 */
public final class FleetMetrics {
    /** The {@code op} label of directory requests. */
    public enum Op {
        PUBLISH,
        WITHDRAW,
        LOOKUP,
        HEARTBEAT
    }

    /** The {@code outcome} label: done; done and found nothing; failed (Redis unreachable, timed out, refused). */
    public enum Outcome {
        OK,
        ABSENT,
        FAILED
    }

    private final Map<Op, Map<Outcome, Counter>> requests = new EnumMap<>(Op.class);
    private final Map<Op, Timer> latency = new EnumMap<>(Op.class);
    private final Counter dialsOk;
    private final Counter dialsFailed;
    private final Counter linksLost;
    private final Counter forged;
    private final MeterRegistry registry;

    public FleetMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Op op : Op.values()) {
            Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
            for (Outcome o : Outcome.values()) {
                byOutcome.put(o, Counter.builder("junction.directory.requests").description("Fleet directory requests, by operation and outcome")
                        .tags("op", label(op), "outcome", label(o)).register(registry));
            }
            requests.put(op, byOutcome);
            latency.put(op, Timer.builder("junction.directory.request").description("Fleet directory request latency")
                    .tag("op", label(op)).publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000))
                    .maximumExpectedValue(Duration.ofSeconds(5)).register(registry));
        }
        dialsOk = Counter.builder("junction.mesh.dials").description("Mesh link dials to other relays, by outcome")
                .tag("outcome", "ok").register(registry);
        dialsFailed = Counter.builder("junction.mesh.dials").description("Mesh link dials to other relays, by outcome")
                .tag("outcome", "failed").register(registry);
        linksLost = Counter.builder("junction.mesh.links.lost").description("Mesh links that went down").register(registry);
        forged = Counter.builder("junction.directory.forged").description("Directory entries or mesh statements whose seal or signature did not verify")
                .register(registry);
    }

    /** Gauges: mesh links up, relays in the fleet (this one included), circuits spanning two relays. */
    void gauges(Supplier<Number> linksUp, Supplier<Number> relaysKnown, Supplier<Number> crossCircuits) {
        Gauge.builder("junction.mesh.links", linksUp).description("Mesh links to other relays, by state").tag("state", "up").register(registry);
        Gauge.builder("junction.fleet.relays", relaysKnown).description("Relays of the fleet in the directory, this one included").register(registry);
        Gauge.builder("junction.mesh.circuits", crossCircuits).description("Circuits open or pending that span two relays").register(registry);
    }

    void request(Op op, Outcome outcome, long startedNanos) {
        requests.get(op).get(outcome).increment();
        latency.get(op).record(System.nanoTime() - startedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void dialled(boolean ok) {
        (ok ? dialsOk : dialsFailed).increment();
    }

    void linkLost() {
        linksLost.increment();
    }

    void forged() {
        forged.increment();
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
