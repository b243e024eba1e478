package dev.junction.client;

/**
 * Port prediction for hole punching when one peer's NAT maps each destination to a new port
 * ("symmetric", endpoint-dependent mapping) and the other's does not: the hard side opens
 * {@code sockets} extra sockets toward the easy side, each getting its own public port, while the
 * easy side probes up to {@code probes} ports on the hard side's public address, at most
 * {@code rate} per second: sequential ports first when the hard NAT's mappings step predictably,
 * then random ones (the birthday paradox: 256 sockets and 1024 probes meet with 98 % likelihood
 * over a 64 k port range). Both counts are per session and bounded.
 *
 * @param sockets extra sockets the hard side opens (0 turns prediction off; at most 1024)
 * @param probes ports the easy side probes per punch attempt (at most 8192)
 * @param rate probes per second the easy side sends at most (1 to 10000)
 */
public record PortPrediction(int sockets, int probes, int rate) {
    /** 256 sockets and 1024 probes at 1000 per second: about a 98 % chance to meet, in about a second. */
    public static final PortPrediction DEFAULTS = new PortPrediction(256, 1024, 1000);
    /** No port prediction: punching tries only the addresses the peers observed. */
    public static final PortPrediction OFF = new PortPrediction(0, 0, 1);

    /**
     * Checks the limits.
     *
     * @param sockets see {@link #sockets()}
     * @param probes see {@link #probes()}
     * @param rate see {@link #rate()}
     * @throws IllegalArgumentException if a setting is out of its range; the message names it and its
     *     config key: {@code PortPrediction.sockets (junction.client.port-prediction.sockets): must be
     *     0-1024, was 5000}
     */
    public PortPrediction {
        InvalidSettingException.checkRange(sockets, 0, 1024, "PortPrediction.sockets", "port-prediction.sockets");
        InvalidSettingException.checkRange(probes, 0, 8192, "PortPrediction.probes", "port-prediction.probes");
        InvalidSettingException.checkRange(rate, 1, 10000, "PortPrediction.rate", "port-prediction.rate");
    }

    /**
     * Whether port prediction runs at all.
     *
     * @return true when both {@code sockets} and {@code probes} are above 0
     */
    public boolean enabled() {
        return sockets > 0 && probes > 0;
    }
}
