package dev.junction.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.lab.Topology.Kind;
import dev.junction.lab.Topology.Site;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 50 MB through real NATs with the real CLI: `junction connect` streams a file to `junction listen
 * --echo` and writes what comes back. The session starts on the relay and moves to the direct path
 * while the bytes flow; what comes back must hash the same. Once over UDP (eim × cgnat), once over
 * TCP simultaneous open (public × udpblock).
 */
class LabTransferTest {
    static final int MEGABYTES = 50;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void fiftyMegabytesSurviveTheMoveFromRelayToDirect() throws Exception {
        Path data = dir.resolve("data.bin");
        Lab.randomFile(data, MEGABYTES, 5);
        String want = Lab.sha256(data);
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site[][] pairs = {
                {net.site("eiml", Kind.EIM), net.site("cgnc", Kind.CGNAT)},
                {net.site("publ", Kind.PUBLIC), net.site("udpc", Kind.UDPBLOCK)}};
            String[] direct = {"direct-udp", "direct-tcp"};
            List<Process> processes = new ArrayList<>();
            try {
                LabRelay relay = LabRelay.start(lab, net, dir, processes);
                String address = relay.address();
                for (int i = 0; i < pairs.length; i++) {
                    String[] listener = relay.peer("l" + i);
                    String[] connector = relay.peer("c" + i);
                    Path llog = dir.resolve("l" + i + ".log");
                    processes.add(lab.startJava(pairs[i][0].host(), llog, "dev.junction.cli.Main", "listen", "--echo",
                            "--relay", address, "--identity", listener[0], "--token", listener[1]));
                    Lab.awaitLine(llog, "peer id: ", 30);
                    Path back = dir.resolve("back" + i + ".bin");
                    Path events = dir.resolve("c" + i + ".err");
                    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", pairs[i][1].host()));
                    cmd.addAll(List.of(Lab.javaCommand("dev.junction.cli.Main", "connect", "--json", "--relay", address,
                            "--identity", connector[0], "--token", connector[1], listener[2])));
                    long t0 = System.nanoTime();
                    Process c = new ProcessBuilder(cmd).redirectInput(data.toFile()).redirectOutput(back.toFile())
                            .redirectError(events.toFile()).start();
                    processes.add(c);
                    assertThat(c.waitFor(120, TimeUnit.SECONDS)).as("connect finished").isTrue();
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    String log = Files.readString(events);
                    System.out.printf("%s x %s: %d MB echoed in %d ms%n", pairs[i][0].kind().label(), pairs[i][1].kind().label(), MEGABYTES, ms);
                    assertThat(Lab.sha256(back)).as("echoed bytes, " + log).isEqualTo(want);
                    if (Lab.nio()) {
                        assertThat(log).as("the connector ran on NIO").contains("I/O transport: NIO (-Djunction.nio=true)");
                    }
                    int relayed = log.indexOf("\"kind\":\"relay-");
                    int moved = log.indexOf("\"kind\":\"" + direct[i] + "\"");
                    assertThat(relayed).as(log).isNotNegative();
                    assertThat(moved).as("moved to " + direct[i] + " after starting relayed: " + log).isGreaterThan(relayed);
                }
            } finally {
                LabRelay.stopAll(processes);
            }
        }
    }
}
