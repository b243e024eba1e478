package dev.junction.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lab's foundations on this machine: namespaces, veth links and an nftables masquerade rule
 * load and are cleaned up. The NAT matrix (issue: hole punching) builds on exactly these.
 */
class LabSmokeTest {
    @Test
    void namespacesLinksAndMasqueradeLoadAndAreCleanedUp() throws Exception {
        String router;
        try (Lab lab = Lab.open()) {
            router = lab.namespace("r1");
            String host = lab.namespace("h1");
            Lab.exec(List.of("ip", "link", "add", "veth-" + router.substring(4), "netns", router, "type", "veth",
                    "peer", "name", "lan0", "netns", host));
            lab.inNs(router, "ip", "addr", "add", "100.64.1.1/24", "dev", "veth-" + router.substring(4));
            lab.inNs(router, "ip", "link", "set", "veth-" + router.substring(4), "up");
            lab.inNs(host, "ip", "addr", "add", "100.64.1.2/24", "dev", "lan0");
            lab.inNs(host, "ip", "link", "set", "lan0", "up");
            lab.inNs(router, "nft", "add table ip nat; add chain ip nat post { type nat hook postrouting priority 100 ; }; "
                    + "add rule ip nat post oifname \"wan0\" masquerade");
            assertThat(lab.inNs(router, "nft", "list", "ruleset")).contains("masquerade");
            assertThat(lab.inNs(host, "ip", "-o", "addr")).contains("100.64.1.2/24");
        }
        assertThat(Lab.exec(List.of("ip", "netns", "list"))).doesNotContain(router);
    }
}
