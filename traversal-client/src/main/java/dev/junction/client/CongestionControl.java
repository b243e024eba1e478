package dev.junction.client;

import java.util.Locale;

/**
 * How a session's QUIC connection paces what it sends ({@link ClientOptions#congestionControl()},
 * config key {@code junction.client.congestion-control}). Each peer chooses for what it sends.
 *
 * <p>Measured (BENCHMARKS.md section 12, one stream over a 40 ms round trip): with 0.5 % random loss
 * each way CUBIC and BBR both move tens of Mbit/s, several times TCP CUBIC but a fraction of the
 * kernel's TCP BBR; on the clean path CUBIC moves as much as TCP and BBR less than half. quiche's
 * BBR needs packets to leave at the times it paces them for, which Netty's QUIC codec does not do
 * (and offers no switch to turn quiche's pacing off), so its estimates run low. CUBIC stays the default.
 */
public enum CongestionControl {
    /** CUBIC (RFC 9438), the default: QUIC's and most TCP stacks' usual choice; shares fairly with loss-based flows. */
    CUBIC,
    /** NewReno (RFC 9002's reference algorithm): backs off the most at each loss. */
    RENO,
    /**
     * BBR: sends at the bottleneck rate it measures rather than backing off at each loss; it can take
     * more than its share from CUBIC flows on a congested link. See above for what it measured here.
     */
    BBR;

    /** The config value: the name in lower case ({@code cubic}, {@code reno}, {@code bbr}). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The algorithm a config value names, in any case.
     *
     * @param name {@code cubic}, {@code reno} or {@code bbr}
     * @return the algorithm
     * @throws IllegalArgumentException if {@code name} is none of them; the message lists them
     */
    public static CongestionControl ofConfigName(String name) {
        for (CongestionControl c : values()) {
            if (c.configName().equalsIgnoreCase(name.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("must be one of cubic, reno, bbr, was \"" + name + "\"");
    }
}
