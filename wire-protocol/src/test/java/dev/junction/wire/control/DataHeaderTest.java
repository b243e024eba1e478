package dev.junction.wire.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.wire.Bytes;
import dev.junction.wire.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** The DATA header senders write in front of a payload they hold, byte for byte. */
class DataHeaderTest {
    @Test
    void writesTypeLengthThenCircuit() {
        ByteBuf out = DataHeader.write(Unpooled.buffer(), 9, 1200);
        // 15: DATA | 04 b4: length 4 + 1200 (the circuit counts) | 00 00 00 09: circuit
        assertThat(Hex.of(out)).isEqualTo("15" + "04b4" + "00000009");
        assertThat(out.readableBytes()).isEqualTo(DataHeader.LENGTH);
    }

    @Test
    void headerAndPayloadAreTheFrameTheCodecWrites() {
        ByteBuf byHand = DataHeader.write(Unpooled.buffer(), 7, 5).writeBytes(Hex.bytes("68656c6c6f"));
        ByteBuf byCodec = Unpooled.buffer();
        ControlCodec.encode(new CircuitFrames.Data(7, Bytes.fromHex("68656c6c6f")), byCodec);
        // 15 | 00 09: length 4 + 5 | 00 00 00 07: circuit | "hello"
        assertThat(Hex.of(byHand)).isEqualTo("15" + "0009" + "00000007" + "68656c6c6f").isEqualTo(Hex.of(byCodec));
        assertThat(ControlCodec.dataCircuit(byHand)).isEqualTo(7);
    }

    @Test
    void refusesAPayloadTheLengthFieldCannotCount() {
        assertThat(DataHeader.write(Unpooled.buffer(), 1, DataHeader.MAX_PAYLOAD).getUnsignedShort(1)).isEqualTo(0xFFFF);
        assertThatThrownBy(() -> DataHeader.write(Unpooled.buffer(), 1, DataHeader.MAX_PAYLOAD + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
