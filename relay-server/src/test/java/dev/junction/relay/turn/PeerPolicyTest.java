package dev.junction.relay.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which peers a TURN allocation may reach. */
class PeerPolicyTest {
    private static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    private static InetSocketAddress mapped(int a, int b, int c, int d) throws Exception {
        return new InetSocketAddress(java.net.Inet6Address.getByAddress(null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff,
                (byte) a, (byte) b, (byte) c, (byte) d}, -1), 80);
    }

    @Test
    void internalAddressesAreRefusedByDefaultAndOrdinaryOnesAllowed() throws Exception {
        PeerPolicy p = new PeerPolicy(List.of(), List.of(), Set.of(), a -> false);
        for (String ip : List.of("127.0.0.1", "10.0.0.1", "172.16.5.5", "192.168.1.1", "100.64.0.1", "169.254.169.254", "0.0.0.0",
                "224.0.0.1", "255.255.255.255", "240.0.0.1", "::1", "::", "fe80::1", "fd00::1", "ff02::1", "64:ff9b::a00:1")) {
            assertThat(p.permits(at(ip, 80))).as(ip).isFalse();
        }
        assertThat(p.permits(mapped(127, 0, 0, 1))).as("::ffff:127.0.0.1").isFalse();
        assertThat(p.permits(mapped(203, 0, 113, 1))).as("::ffff:203.0.113.1: mapped forms are refused whatever they map").isFalse();
        for (String ip : List.of("203.0.113.9", "198.51.100.20", "2001:db8::9")) {
            assertThat(p.permits(at(ip, 5000))).as(ip).isTrue();
        }
        assertThat(p.permits(at("203.0.113.9", 0))).as("port 0").isFalse();
    }

    @Test
    void operatorListsAndTheRelaysOwnEndpoints() throws Exception {
        PeerPolicy p = new PeerPolicy(List.of(PeerPolicy.Cidr.parse("10.1.0.0/16")), List.of(PeerPolicy.Cidr.parse("203.0.113.0/28")),
                Set.of(at("10.1.2.3", 3478), at("0.0.0.0", 9478)), a -> a.getPort() == 50000);
        assertThat(p.permits(at("10.1.9.9", 80))).as("allowed block").isTrue();
        assertThat(p.permits(at("10.2.0.1", 80))).as("outside it").isFalse();
        assertThat(p.permits(at("203.0.113.5", 80))).as("denied block").isFalse();
        assertThat(p.permits(at("203.0.113.20", 80))).as("beside it").isTrue();
        assertThat(p.permits(at("10.1.2.3", 3478))).as("the relay's own STUN port, though its block is allowed").isFalse();
        assertThat(p.permits(at("203.0.113.99", 9478))).as("a wildcard service port on any address").isFalse();
        assertThat(p.permits(at("127.0.0.1", 50000))).as("a relayed address of this relay").isTrue();
    }

    @Test
    void blocksParseOrSayWhy() {
        assertThat(PeerPolicy.Cidr.parse("192.0.2.0/24").contains(InetAddress.getLoopbackAddress())).isFalse();
        assertThatThrownBy(() -> PeerPolicy.Cidr.parse("192.0.2.0/40")).hasMessageContaining("192.0.2.0/40");
        assertThatThrownBy(() -> PeerPolicy.Cidr.parse("host.example/8")).hasMessageContaining("not an address block");
    }
}
