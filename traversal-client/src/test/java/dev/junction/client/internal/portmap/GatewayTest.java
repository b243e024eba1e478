package dev.junction.client.internal.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default gateway read from the kernel's routing table, as /proc/net/route shows it. */
class GatewayTest {
    static final String HEADER = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT";

    @Test
    void theDefaultRoutesGatewayInHostByteOrder() throws Exception {
        List<String> routes = List.of(HEADER,
                "eth0\t00034064\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
                "eth0\t00000000\t01034064\t0003\t0\t0\t0\t00000000\t0\t0\t0");
        assertThat(Gateway.parse(routes)).contains((java.net.Inet4Address) InetAddress.getByName("100.64.3.1"));
    }

    @Test
    void noDefaultRouteNoGateway() {
        assertThat(Gateway.parse(List.of(HEADER, "eth0\t00034064\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0"))).isEmpty();
        assertThat(Gateway.parse(List.of())).isEmpty();
        assertThat(Gateway.parse(List.of(HEADER, "garbage line"))).isEmpty();
    }
}
