package dev.junction.wire.udp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.wire.Bytes;
import dev.junction.wire.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** The RELAY_DATA header senders write in front of a payload they hold, byte for byte. */
class RelayDataHeaderTest {
    @Test
    void writesTypeThenCircuit() {
        ByteBuf out = RelayDataHeader.write(Unpooled.buffer(), 0x01020304);
        // 82: RELAY_DATA | 01 02 03 04: circuit
        assertThat(Hex.of(out)).isEqualTo("82" + "01020304");
        assertThat(out.readableBytes()).isEqualTo(RelayDataHeader.LENGTH);
    }

    @Test
    void headerAndPayloadAreTheFrameTheCodecWrites() {
        ByteBuf byHand = RelayDataHeader.write(Unpooled.buffer(), -2).writeBytes(Hex.bytes("68656c6c6f"));
        ByteBuf byCodec = Unpooled.buffer();
        UdpCodec.encode(new UdpFrame.RelayData(-2, Bytes.fromHex("68656c6c6f")), byCodec);
        // 82 | ff ff ff fe: circuit 0xfffffffe (u32) | "hello"
        assertThat(Hex.of(byHand)).isEqualTo("82" + "fffffffe" + "68656c6c6f").isEqualTo(Hex.of(byCodec));
        assertThat(UdpCodec.relayDataCircuit(byHand)).isEqualTo(0xfffffffeL);
    }
}
