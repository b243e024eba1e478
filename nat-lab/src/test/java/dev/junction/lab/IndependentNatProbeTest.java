package dev.junction.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.lab.Topology.Kind;
import dev.junction.lab.Topology.Site;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's NAT kinds are what the matrix says they are, checked with a probe that is not Junction's:
 * coturn's turnutils_natdiscovery (RFC 5780) from each kind of site against the lab relay, from a
 * fixed local port. eim, cgnat and fullcone map endpoint-independently and keep the port; sym maps
 * per destination; a public host is seen as itself; no router hairpins (none has NAT loopback rules),
 * while a public host reaches its own address; udpblock gets no answer.
 */
class IndependentNatProbeTest {
    static final Path TOOL = Path.of("/usr/bin/turnutils_natdiscovery");
    static final int LOCAL_PORT = 40001;
    static final Pattern REFLEXIVE = Pattern.compile("UDP reflexive addr: ([0-9.]+):(\\d+)");

    @TempDir
    Path dir;

    /** The probe's output, whatever its exit status (with UDP blocked it gets no answer and fails). */
    private static String probe(String ns, String hostIp) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "timeout", "40", TOOL.toString(), "-m", "-H", "-L", hostIp, "-l",
                String.valueOf(LOCAL_PORT), "-p", "3478", Topology.RELAY_IP).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor(45, TimeUnit.SECONDS);
        return out;
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void eachKindOfNatBehavesAsNamed() throws Exception {
        if (!Files.isExecutable(TOOL)) {
            String why = TOOL + " is missing: apt-get install coturn";
            if (Lab.ci()) {
                throw new AssertionError(why + " (CI=true, so this is a failure, not a skip)");
            }
            org.junit.jupiter.api.Assumptions.abort(why);
        }
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            List<Process> processes = new ArrayList<>();
            try {
                LabRelay.start(lab, net, dir, processes);
                for (Kind k : Kind.values()) {
                    Site s = net.site(k.label().substring(0, 3) + "p", k);
                    String out = probe(s.host(), s.hostIp());
                    String why = k.label() + ":\n" + out;
                    Matcher m = REFLEXIVE.matcher(out);
                    if (k == Kind.UDPBLOCK) {
                        assertThat(m.find()).as(why).isFalse();
                        continue;
                    }
                    assertThat(m.find()).as(why).isTrue();
                    String ip = m.group(1);
                    int port = Integer.parseInt(m.group(2));
                    boolean hairpin = out.contains("Received a request (maybe a successful hairpinning)");
                    switch (k) {
                        case PUBLIC -> {
                            assertThat(ip + ":" + port).as(why).isEqualTo(s.hostIp() + ":" + LOCAL_PORT);
                            assertThat(hairpin).as("a public host reaches its own address: " + why).isTrue();
                        }
                        case EIM, CGNAT, FULLCONE -> {
                            assertThat(ip + ":" + port).as("mapped to the public address, port kept: " + why).isEqualTo(s.publicIp() + ":" + LOCAL_PORT);
                            assertThat(out).as(why).contains("NAT with Endpoint Independent Mapping!");
                            assertThat(hairpin).as("no hairpinning: " + why).isFalse();
                        }
                        case SYM -> {
                            assertThat(ip).as(why).isEqualTo(s.publicIp());
                            assertThat(out).as("a new mapping per destination: " + why).doesNotContain("NAT with Endpoint Independent Mapping!")
                                    .containsPattern("NAT with Address (and Port )?Dependent Mapping!");
                            assertThat(hairpin).as("no hairpinning: " + why).isFalse();
                        }
                        default -> throw new AssertionError(k);
                    }
                }
            } finally {
                LabRelay.stopAll(processes);
            }
        }
    }
}
