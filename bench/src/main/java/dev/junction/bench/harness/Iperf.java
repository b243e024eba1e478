package dev.junction.bench.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * iperf3 on loopback: a one-shot server ({@code -s -1}) on 127.0.0.1 and a client of fixed
 * duration, both child processes stopped by PID; the received rate read from the client's JSON.
 */
final class Iperf {
    private Iperf() {
    }

    /** Received Mbit/s of one run on loopback. */
    static double run(Path work, boolean udp, int seconds) throws Exception {
        return run(work, udp, seconds, List.of(), List.of(), "127.0.0.1", "");
    }

    /**
     * Received Mbit/s of one run of TCP from a client started with {@code clientPrefix} (e.g. {@code ip
     * netns exec A}) to a server started with {@code serverPrefix} on {@code address}; {@code extra}
     * goes to the client's command line.
     */
    static double tcp(Path work, int seconds, List<String> serverPrefix, List<String> clientPrefix, String address, String extra)
            throws Exception {
        return run(work, false, seconds, serverPrefix, clientPrefix, address, extra);
    }

    private static double run(Path work, boolean udp, int seconds, List<String> serverPrefix, List<String> clientPrefix,
                              String address, String extra) throws Exception {
        int port = Ports.free();
        Path dir = Files.createDirectories(work.resolve("iperf3"));
        Path out = dir.resolve("client-" + port + ".json");
        List<String> serverCmd = new java.util.ArrayList<>(serverPrefix);
        serverCmd.addAll(List.of("iperf3", "-s", "-1", "-B", address, "-p", String.valueOf(port)));
        try (ChildProcess server = ChildProcess.start("iperf3-server", serverCmd, dir.resolve("server.log"))) {
            Thread.sleep(300);
            List<String> cmd = new java.util.ArrayList<>(clientPrefix);
            cmd.addAll(List.of("iperf3", "-c", address, "-p", String.valueOf(port), "-t", String.valueOf(seconds), "-J"));
            if (!extra.isBlank()) {
                cmd.addAll(List.of(extra.trim().split("\\s+")));
            }
            if (udp) {
                cmd.addAll(List.of("-u", "-b", "0", "-l", "1200"));
            }
            try (ChildProcess client = ChildProcess.start("iperf3-client", cmd, out)) {
                if (!client.waitFor(seconds + 15)) {
                    return Double.NaN;
                }
            }
            server.waitFor(5);
        }
        String json = Files.readString(out);
        // The summary is the top-level "end" object (intervals have "end" too, as numbers).
        Matcher endObject = Pattern.compile("\"end\":\\s*\\{").matcher(json);
        int end = -1;
        while (endObject.find()) {
            end = endObject.start();
        }
        json = end >= 0 ? json.substring(end) : "";
        // The receiver's figure: end.sum_received (TCP, and UDP in newer iperf3), else end.sum.
        double mbit = Double.NaN;
        for (String key : List.of("sum_received", "sum")) {
            Matcher m = Pattern.compile("\"" + key + "\":\\s*\\{[^}]*?\"bits_per_second\":\\s*([0-9.eE+]+)").matcher(json);
            if (m.find()) {
                mbit = Double.parseDouble(m.group(1)) / 1e6;
                break;
            }
        }
        System.err.printf("  iperf3 %s: %.0f Mbit/s%n", udp ? "UDP" : "TCP", mbit);
        return mbit;
    }
}
