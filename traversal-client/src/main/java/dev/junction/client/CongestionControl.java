package dev.junction.client;

import java.util.Locale;

/**
 * How a session's QUIC connection paces what it sends ({@link ClientOptions#congestionControl()},
 * config key {@code junction.client.congestion-control}). Each peer chooses for what it sends.
 *
 * <p>Measured (BENCHMARKS.md section 12, one stream over a 40 ms round trip with 0.5 % random loss
 * each way): CUBIC backs off at every loss and moves tens of Mbit/s; BBR paces by the bandwidth and
 * round trip it measures and moves several times more; on loopback the two are alike.
 */
public enum CongestionControl {
    /** CUBIC (RFC 9438), the default: QUIC's and most TCP stacks' usual choice; shares fairly with loss-based flows. */
    CUBIC,
    /** NewReno (RFC 9002's reference algorithm): backs off the most at each loss. */
    RENO,
    /**
     * BBR: sends at the bottleneck rate it measures, so random loss (Wi-Fi, cellular, long lossy
     * paths) costs it little; it can take more than its share from CUBIC flows on a congested link.
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
