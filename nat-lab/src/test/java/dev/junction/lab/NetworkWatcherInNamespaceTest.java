package dev.junction.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's change detection (NetworkWatcher) sees what roaming reacts to, on a real interface
 * in a namespace: an address added, an address replaced, the link going down.
 */
class NetworkWatcherInNamespaceTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void reportsAddressesAddedReplacedAndGone() throws Exception {
        try (Lab lab = Lab.open()) {
            String host = lab.namespace("watchh");
            String other = lab.namespace("watcho");
            lab.link(host, "eth0", other, "eth0");
            lab.up(host, "eth0");
            lab.up(other, "eth0");
            Path log = dir.resolve("watch.log");
            Process p = lab.startJava(host, log, "dev.junction.lab.WatchAddresses");
            try {
                Lab.awaitLine(log, "watching", 30);
                lab.inNs(host, "ip", "addr", "add", "100.64.9.2/24", "dev", "eth0");
                assertThat(Lab.awaitLine(log, "changed [100.64.9.2]", 5)).isNotNull();
                lab.inNs(host, "ip", "addr", "add", "100.64.10.3/24", "dev", "eth0"); // another subnet: deleting the primary drops its secondaries
                lab.inNs(host, "ip", "addr", "del", "100.64.9.2/24", "dev", "eth0");
                assertThat(Lab.awaitLine(log, "changed [100.64.10.3]", 5)).isNotNull();
                lab.inNs(host, "ip", "link", "set", "eth0", "down");
                assertThat(Lab.awaitLine(log, "changed []", 5)).isNotNull();
                java.util.List<String> reports = Files.readAllLines(log).stream().filter(l -> l.startsWith("changed ")).toList();
                for (int i = 1; i < reports.size(); i++) {
                    assertThat(reports.get(i)).as("a report only when the set changed: %s", reports).isNotEqualTo(reports.get(i - 1));
                }
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
