package dev.junction.relay.reservation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.net.SourceKey;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.identity.Identity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Finding 8: per-source limits count an IPv6 subscriber by its /64, not by each of its 2^64 addresses. */
class PerSourceLimitTest {
    static InetSocketAddress at(String ip) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), 40000);
    }

    @Test
    void reservationsFromOneIpv6SlashSixtyFourShareOneLimit() throws Exception {
        LocalReservationRegistry r = new LocalReservationRegistry(100, 2, Duration.ofHours(1), Clock.systemUTC());
        ClientLink link = new ClientLink() {
            public boolean send(dev.junction.wire.control.ControlFrame frame) {
                return true;
            }

            public boolean sendRelayed(io.netty.buffer.ByteBuf frame, Runnable beforeWrite) {
                frame.release();
                return false;
            }

            public void sendAndClose(dev.junction.wire.control.ControlFrame frame) {
            }

            public void close() {
            }
        };
        assertThat(r.reserve(Identity.generate().peerId(), at("2001:db8:1:2::1"), link, null).ok()).isTrue();
        assertThat(r.reserve(Identity.generate().peerId(), at("2001:db8:1:2:ffff::9"), link, null).ok()).isTrue();
        ReservationRegistry.Outcome third = r.reserve(Identity.generate().peerId(), at("2001:db8:1:2:abcd:1:2:3"), link, null);
        assertThat(third.ok()).as("a third address in the same /64").isFalse();
        assertThat(third.error()).isEqualTo(ErrorCode.RESERVATION_LIMIT);
        assertThat(r.reserve(Identity.generate().peerId(), at("2001:db8:1:3::1"), link, null).ok()).as("the next /64").isTrue();
        assertThat(r.reserve(Identity.generate().peerId(), at("198.51.100.7"), link, null).ok()).isTrue();
    }

    @Test
    void keysAreTheIpv4AddressOrTheIpv6Prefix() throws Exception {
        assertThat(SourceKey.of(InetAddress.getByName("2001:db8::1"))).isEqualTo(SourceKey.of(InetAddress.getByName("2001:db8::ffff:1")));
        assertThat(SourceKey.of(InetAddress.getByName("2001:db8:0:1::1"))).isNotEqualTo(SourceKey.of(InetAddress.getByName("2001:db8::1")));
        assertThat(SourceKey.of(InetAddress.getByName("::ffff:198.51.100.7"))).isEqualTo(SourceKey.of(InetAddress.getByName("198.51.100.7")));
        assertThat(SourceKey.of(InetAddress.getByName("198.51.100.7"))).isNotEqualTo(SourceKey.of(InetAddress.getByName("198.51.100.8")));
    }
}
