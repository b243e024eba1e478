package dev.junction.relay.circuit;

import java.time.Duration;

/**
 * Limits one circuit lives under; zero means unlimited. Crossing bytes or duration closes the
 * circuit; packets beyond the rate are dropped, and a circuit that sends more than twice its rate in
 * one second is closed (a sender ignoring drops is abusive, not congested).
 */
public record CircuitLimits(long maxBytes, Duration maxDuration, int packetsPerSecond) {
    public static final CircuitLimits UNLIMITED = new CircuitLimits(0, Duration.ZERO, 0);
}
