package dev.junction.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacketKindTest {
    @Test
    void everyFirstByteHasExactlyTheDocumentedKind() {
        for (int b = 0; b < 256; b++) {
            PacketKind expected = b <= 3 ? PacketKind.STUN
                    : (b >= 0x40 && b <= 0x7F) || b >= 0xC0 ? PacketKind.QUIC
                    : b >= 0x80 ? PacketKind.JUNCTION : PacketKind.UNKNOWN;
            assertThat(PacketKind.classify(b)).as("byte 0x%02x", b).isEqualTo(expected);
        }
    }

    @Test
    void junctionUdpFrameTypesFallInTheJunctionRange() {
        for (var t : dev.junction.wire.udp.UdpFrameType.values()) {
            assertThat(PacketKind.classify(t.byteValue())).as(t.name()).isEqualTo(PacketKind.JUNCTION);
        }
    }
}
