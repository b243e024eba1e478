package dev.junction.client;

import java.time.Duration;

/**
 * How much punching a peer can make this client do (security issue #13): a peer that keeps
 * offering new punch keys, or keeps opening sessions, would otherwise restart probing without
 * end. Starts are counted in two token buckets, one per session and one per peer PeerId (across
 * its sessions), each refilling one start per {@code startInterval}; a start beyond them waits (the
 * QUIC client's side) or is ignored (an OFFER to the QUIC server's side, which the client repeats).
 * Probes sent while looking for a path draw on a per-session bucket of {@code probes}, refilling
 * {@code probesPerSecond}.
 *
 * @param startsPerSession punch starts (new keys) a session may make in a burst (1 to 100)
 * @param startsPerPeer punch starts all sessions with one peer may make in a burst (1 to 1000)
 * @param startInterval one more start is allowed per this interval (100 ms to 1 h)
 * @param probes probes a session may send in a burst while looking for a direct path (64 to 65536)
 * @param probesPerSecond the probe budget's refill rate (1 to 10000)
 */
public record PunchLimits(int startsPerSession, int startsPerPeer, Duration startInterval, int probes, int probesPerSecond) {
    /**
     * Six starts per session and sixteen per peer cover a session's first punch, a few network
     * changes and lost paths in a row; one more every 20 s keeps a roaming session punching. 8192
     * probes hold three full attempts with port prediction (about 2,300 each); 100 per second
     * refill that in under a minute and a half.
     */
    public static final PunchLimits DEFAULTS = new PunchLimits(6, 16, Duration.ofSeconds(20), 8192, 100);

    /**
     * Checks the limits.
     *
     * @param startsPerSession see {@link #startsPerSession()}
     * @param startsPerPeer see {@link #startsPerPeer()}
     * @param startInterval see {@link #startInterval()}
     * @param probes see {@link #probes()}
     * @param probesPerSecond see {@link #probesPerSecond()}
     * @throws IllegalArgumentException if a setting is out of its range; the message names it and its
     *     config key: {@code PunchLimits.probes (junction.client.punch-limits.probes): must be
     *     64-65536, was 3}
     * @throws NullPointerException if {@code startInterval} is null
     */
    public PunchLimits {
        InvalidSettingException.checkRange(startsPerSession, 1, 100, "PunchLimits.startsPerSession", "punch-limits.starts-per-session");
        InvalidSettingException.checkRange(startsPerPeer, 1, 1000, "PunchLimits.startsPerPeer", "punch-limits.starts-per-peer");
        if (startInterval == null) {
            throw new NullPointerException("PunchLimits.startInterval");
        }
        InvalidSettingException.checkRange(startInterval, Duration.ofMillis(100), Duration.ofHours(1),
                "PunchLimits.startInterval", "punch-limits.start-interval");
        InvalidSettingException.checkRange(probes, 64, 65536, "PunchLimits.probes", "punch-limits.probes");
        InvalidSettingException.checkRange(probesPerSecond, 1, 10000, "PunchLimits.probesPerSecond", "punch-limits.probes-per-second");
    }
}
