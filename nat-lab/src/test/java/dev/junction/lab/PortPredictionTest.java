package dev.junction.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.lab.Topology.Kind;
import dev.junction.lab.Topology.Site;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Port prediction against a "symmetric" NAT (masquerade random), {@value #TRIES} tries per pair:
 * a sym host connects to an eim listener, and a cgnat host to a
 * sym listener, each try a new session. Most tries must end direct; the rate is printed and, with
 * {@code -Djunction.prediction.out=docs/NAT-PREDICTION.md}, written there.
 */
class PortPredictionTest {
    static final int TRIES = 10;
    /**
     * Tries per pair that must end direct; the doc prints it beside the measured rate. The birthday
     * odds with the default 256 sockets and 1024 probes are about 98 % per try.
     */
    static final int MIN_DIRECT = 9;
    static final Pattern TRY = Pattern.compile("try (\\d+): (direct|relayed)(?: (\\d+) ms (\\d+) probes)?.*");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES) // two pairs of ten tries: about a minute
    void eimAndCgnatReachSymDirectlyInMostTries() throws Exception {
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site eim = net.site("eiml", Kind.EIM);
            Site symConnector = net.site("symc", Kind.SYM);
            Site symListener = net.site("syml", Kind.SYM);
            Site cgnat = net.site("cgnc", Kind.CGNAT);
            List<Process> processes = new ArrayList<>();
            List<String> rows = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            try {
                LabRelay relay = LabRelay.start(lab, net, dir, processes);
                String address = relay.address();
                Site[][] pairs = {{eim, symConnector}, {symListener, cgnat}};
                for (Site[] pair : pairs) {
                    String tag = pair[0].name() + "-" + pair[1].name();
                    String[] listener = relay.peer("l-" + tag);
                    String[] connector = relay.peer("c-" + tag);
                    Path llog = dir.resolve("l-" + tag + ".log");
                    Process l = lab.startJava(pair[0].host(), llog, "dev.junction.cli.Main", "listen", "--echo",
                            "--relay", address, "--identity", listener[0], "--token", listener[1]);
                    processes.add(l);
                    Lab.awaitLine(llog, "peer id: ", 30);
                    Path clog = dir.resolve("c-" + tag + ".log");
                    Process c = lab.startJava(pair[1].host(), clog, "dev.junction.lab.PunchTries", address, connector[0], connector[1],
                            listener[2], String.valueOf(TRIES));
                    processes.add(c);
                    boolean exited = c.waitFor(150, TimeUnit.SECONDS);
                    String out = Files.readString(clog);
                    List<Long> times = new ArrayList<>();
                    List<Long> probes = new ArrayList<>();
                    int direct = 0;
                    for (String line : out.split("\n")) {
                        Matcher m = TRY.matcher(line.strip());
                        if (m.matches() && m.group(2).equals("direct")) {
                            direct++;
                            times.add(Long.parseLong(m.group(3)));
                            probes.add(Long.parseLong(m.group(4)));
                        }
                    }
                    times.sort(null);
                    probes.sort(null);
                    rows.add(String.format("| %s | %s | %d/%d | %s | %s |", pair[0].kind().label(), pair[1].kind().label(), direct, TRIES,
                            spread(times, " ms") + (net.peerRttMs() == 0 || times.isEmpty() ? ""
                                    : String.format(java.util.Locale.ROOT, " (median %.1f RTT)", (double) times.get(times.size() / 2) / net.peerRttMs())),
                            spread(probes, "")));
                    if (!exited || direct < MIN_DIRECT) {
                        failures.add(tag + ": " + direct + "/" + TRIES + " direct, exited " + exited + "\n" + out);
                    }
                    l.destroy();
                    l.waitFor(10, TimeUnit.SECONDS);
                }
            } finally {
                LabRelay.stopAll(processes);
            }
            String table = Lab.publish("| listener behind | connector behind | direct | time to direct (min / median / max) | probes sent (min / median / max) |\n"
                    + "| --- | --- | --- | --- | --- |\n", rows, "junction.prediction.out", "NAT-PREDICTION.md", t -> doc(t, net));
            assertThat(failures).as(table).isEmpty();
            DocCheck.check("NAT-PREDICTION.md", "mvn -q -pl nat-lab test -Dtest=PortPredictionTest -Djunction.prediction.out=$PWD/docs/NAT-PREDICTION.md");
        }
    }

    private static String spread(List<Long> sorted, String unit) {
        if (sorted.isEmpty()) {
            return "-";
        }
        return sorted.get(0) + " / " + sorted.get(sorted.size() / 2) + " / " + sorted.get(sorted.size() - 1) + unit;
    }

    private static String doc(String table, Topology net) {
        return "# Port prediction against symmetric NATs\n\n"
                + "Measured by the NAT lab on " + LocalDate.now() + " (links: " + net.linkSummary() + "), " + TRIES
                + " tries per pair, each a new session\n"
                + "from one client JVM, default limits (256 extra sockets on the hard side, 1024 probes at 1000/s from\n"
                + "the easy side, from the fourth probe round on). `sym` is nftables `masquerade random`: a random\n"
                + "public port per destination, so only the birthday search can meet it. Times count from the start of\n"
                + "each session's connect. A try counts as direct when its session was still on the direct path 3.5 s\n"
                + "after punching found it (longer than three missed keepalives). The test that writes this table fails\n"
                + "when a pair ends direct in fewer than " + MIN_DIRECT + " of its " + TRIES + " tries.\n\n"
                + "Regenerate:\n\n"
                + "    mvn -q -pl nat-lab -am -DskipTests install && \\\n"
                + "    mvn -q -pl nat-lab test -Dtest=PortPredictionTest -Djunction.prediction.out=$PWD/docs/NAT-PREDICTION.md\n\n"
                + table;
    }
}
