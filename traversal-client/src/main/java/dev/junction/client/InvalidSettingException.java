package dev.junction.client;

import java.time.Duration;

/**
 * A client setting out of its range, thrown by the constructors of {@link ClientOptions} and its
 * parts ({@link PortPrediction}, {@link IncomingStreamLimits}, {@link PunchLimits}), the one place
 * each setting is checked. It names the setting twice: as the Java API spells it
 * ({@code PunchLimits.probes}) and by its config key under {@code junction.client}
 * ({@code punch-limits.probes}), so that a programmer finds the builder method and
 * {@link ClientConfig} can report the full key of the value in the file:
 * {@code PunchLimits.probes (junction.client.punch-limits.probes): must be 64-65536, was 3}.
 */
final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The config key relative to {@code junction.client}, e.g. {@code punch-limits.probes}. */
    private final String key;
    /** What is wrong, e.g. {@code must be 64-65536, was 3}. */
    private final String reason;

    private InvalidSettingException(String option, String key, String reason) {
        super(option + " (" + ClientConfig.ROOT + "." + key + "): " + reason);
        this.key = key;
        this.reason = reason;
    }

    /**
     * A setting that is wrong for a reason of its own (one that depends on another setting, say).
     *
     * @param option the setting as the Java API names it, e.g. {@code IncomingStreamLimits.handlerThreads}
     * @param key its config key relative to {@code junction.client}, e.g. {@code incoming-streams.handler-threads}
     * @param reason what is wrong, starting with "must"
     * @return the exception, to throw
     */
    static InvalidSettingException of(String option, String key, String reason) {
        return new InvalidSettingException(option, key, reason);
    }

    /**
     * Checks that {@code value} is within {@code min} and {@code max}, both included.
     *
     * @param value the value given
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @param option the setting as the Java API names it
     * @param key its config key relative to {@code junction.client}
     * @return {@code value}
     * @throws InvalidSettingException naming the setting if the value is out of range
     */
    static int checkRange(int value, int min, int max, String option, String key) {
        if (value < min || value > max) {
            throw of(option, key, "must be " + min + "-" + max + ", was " + value);
        }
        return value;
    }

    /**
     * Checks that {@code value} is within {@code min} and {@code max}, both included.
     *
     * @param value the value given; not null
     * @param min the shortest duration allowed
     * @param max the longest duration allowed
     * @param option the setting as the Java API names it
     * @param key its config key relative to {@code junction.client}
     * @return {@code value}
     * @throws InvalidSettingException naming the setting if the value is out of range
     */
    static Duration checkRange(Duration value, Duration min, Duration max, String option, String key) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw of(option, key, "must be " + format(min) + "-" + format(max) + ", was " + format(value));
        }
        return value;
    }

    /**
     * A duration as HOCON would write it ({@code 20s}, {@code 1ms}, {@code 1h}), for messages.
     *
     * @param d any duration
     * @return whole hours, else whole seconds, else milliseconds
     */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (!d.equals(Duration.ofMillis(ms))) {
            return d.toNanos() + "ns";
        }
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /**
     * The setting's config key relative to {@code junction.client}.
     *
     * @return e.g. {@code punch-limits.probes}
     */
    String key() {
        return key;
    }

    /**
     * What is wrong with the value, without the setting's names.
     *
     * @return e.g. {@code must be 64-65536, was 3}
     */
    String reason() {
        return reason;
    }
}
