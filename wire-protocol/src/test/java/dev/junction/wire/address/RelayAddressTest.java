package dev.junction.wire.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.wire.WireFormatException;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import org.junit.jupiter.api.Test;

class RelayAddressTest {
    static final PeerId RELAY = Identity.generate().peerId();

    @Test
    void printsAndParsesIpv4Ipv6AndDns() {
        for (String host : new String[] {"203.0.113.10", "2001:db8::10", "relay.example.net"}) {
            RelayAddress a = new RelayAddress(host, 5349, RELAY);
            assertThat(RelayAddress.parse(a.toString())).isEqualTo(a);
        }
        assertThat(new RelayAddress("127.0.0.1", 5349, RELAY).toString())
                .isEqualTo("/ip4/127.0.0.1/tcp/5349/tls/p2p/" + RELAY);
    }

    @Test
    void badAddressesSayWhatIsExpected() {
        assertThatThrownBy(() -> RelayAddress.parse("127.0.0.1:5349")).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("/ip4/IP/tcp/PORT/tls/p2p/PEERID");
        assertThatThrownBy(() -> RelayAddress.parse("/ip4/127.0.0.1/tcp/99999/tls/p2p/" + RELAY))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> RelayAddress.parse("/ip4/127.0.0.1/tcp/x/tls/p2p/" + RELAY))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("not a port");
        for (String host : new String[] {"\u001d", " ", "relay example.net", "relay\u0000.example.net"}) {
            assertThatThrownBy(() -> RelayAddress.parse("/dns/" + host + "/tcp/443/tls/p2p/" + RELAY))
                    .as("host %s", host).isInstanceOf(WireFormatException.class).hasMessageContaining("bad host");
        }
    }
}
