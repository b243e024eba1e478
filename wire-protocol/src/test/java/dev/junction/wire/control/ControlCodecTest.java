package dev.junction.wire.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.wire.Bytes;
import dev.junction.wire.Hex;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.identity.PeerId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class ControlCodecTest {
    static final PeerId PEER = PeerId.fromPublicKey(java.util.Arrays.copyOf(new byte[] {42}, 32));
    static final String PEER_HEX = "26" + "002408011220" + "2a" + "00".repeat(31); // len 38, multihash prefix, key 2a 00 .. 00

    @Test
    void helloHasGoldenBytes() {
        assertGolden(new LoginFrames.Hello(1, 0), "01" + "0006" // HELLO, 6 payload bytes
                + "0001"       // version 1
                + "00000000"); // no capabilities
    }

    @Test
    void connectHasGoldenBytes() {
        assertGolden(new CircuitFrames.Connect(7, PEER), "10" + "002b" // CONNECT, 4 + 39 bytes
                + "00000007" // request 7
                + PEER_HEX);
    }

    @Test
    void circuitSetUpFramesCarryNoAddressOfEitherSide() {
        // Since version 2: a caller learns nothing about where the callee is (issue #13, finding 3).
        assertGolden(new CircuitFrames.CircuitOpen(1, 2, PEER), "13" + "002f" // CIRCUIT_OPEN, 4 + 4 + 39 bytes
                + "00000001" + "00000002" + PEER_HEX);
        assertGolden(new CircuitFrames.Incoming(1, PEER), "11" + "002b" // INCOMING, 4 + 39 bytes
                + "00000001" + PEER_HEX);
        assertThatThrownBy(() -> ControlCodec.decode(Hex.buf("11" + "002c" + "00000001" + PEER_HEX + "00")))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("trailing");
    }

    @Test
    void dataHasGoldenBytesAndItsCircuitReadsWithoutDecoding() {
        ByteBuf frame = assertGolden(new CircuitFrames.Data(0x01020304, Bytes.fromHex("cafe")),
                "15" + "0006" + "01020304" + "cafe");
        assertThat(ControlCodec.dataCircuit(frame)).isEqualTo(0x01020304L);
        assertThat(ControlCodec.dataCircuit(Hex.buf("30" + "0008" + "0000000000000001"))).isEqualTo(-1);
    }

    @Test
    void errorHasGoldenBytesAndUnknownCodesSurvive() {
        assertGolden(new LinkFrames.Error(0, ErrorCode.TOKEN_EXPIRED, "old"),
                "3f" + "000b" + "00000000" + "0004" + "0003" + "6f6c64");
        assertThat(ControlCodec.decode(Hex.buf("3f" + "0008" + "00000000" + "7777" + "0000")))
                .isEqualTo(new LinkFrames.Error(0, ErrorCode.UNKNOWN, ""));
    }

    @Test
    void loginSignatureCoversContextRelayNonceAndClient() {
        byte[] covered = LoginFrames.signedLoginBytes(PEER, Bytes.of(new byte[32]), PEER);
        assertThat(new String(covered, 0, 17)).isEqualTo("junction/login/v1");
        assertThat(covered).hasSize(17 + 38 + 32 + 38);
    }

    @Test
    void rejectsUnknownType() {
        assertRejected("7f0000", "unknown control frame type 0x7f");
    }

    @Test
    void rejectsReservedTypesAsUnknown() {
        // 0x20 CANDIDATES, 0x21 PUNCH_SYNC, 0x22 PUNCH_RESULT: removed, never to be reused.
        assertThat(ControlFrameType.RESERVED).containsExactlyInAnyOrder(0x20, 0x21, 0x22);
        assertRejected("20" + "0005" + "00000001" + "00", "unknown control frame type 0x20 (reserved"); // was CANDIDATES, none
        assertRejected("21" + "0005" + "00000001" + "01", "unknown control frame type 0x21 (reserved"); // was PUNCH_SYNC, attempt 1
        assertRejected("22" + "0006" + "00000001" + "01" + "01", "unknown control frame type 0x22 (reserved"); // was PUNCH_RESULT
    }

    @Test
    void noFrameTypeUsesAReservedCode() {
        for (ControlFrameType t : ControlFrameType.values()) {
            assertThat(ControlFrameType.RESERVED).as(t.name()).doesNotContain(t.byteValue() & 0xFF);
        }
    }

    @Test
    void rejectsShortHeader() {
        assertRejected("0100", "shorter than its header");
    }

    @Test
    void rejectsLengthMismatch() {
        assertRejected("30000900000000000000" + "01", "says 9 payload bytes but 8 follow");
    }

    @Test
    void rejectsTrailingBytes() {
        assertRejected("300009" + "0000000000000001" + "ff", "trailing");
    }

    @Test
    void rejectsTruncatedField() {
        assertRejected("010002" + "0001", "truncated capabilities");
    }

    @Test
    void rejectsPeerIdOfWrongKind() {
        assertRejected("10002b" + "00000007" + "26" + "1220" + "00".repeat(36), "Ed25519");
    }

    @Test
    void rejectsBadAddressFamily() {
        assertRejected("04" + "0023" // LOGIN_OK, 8 + 4 + 2 + 2 + 16 + 3 bytes
                + "0000000000000001" + "0000003c" + "0014" + "0d96" + "00".repeat(16) // reservation, lifetime, keepalive, udp port, bind key
                + "05" + "0000", "family"); // observed: family 5
    }

    @Test
    void encoderRefusesOversizedPayload() {
        assertThatThrownBy(() -> new CircuitFrames.Data(1, Bytes.of(new byte[70_000])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static ByteBuf assertGolden(ControlFrame frame, String hex) {
        ByteBuf out = Unpooled.buffer();
        ControlCodec.encode(frame, out);
        assertThat(Hex.of(out)).isEqualTo(hex);
        assertThat(ControlCodec.decode(Hex.buf(hex))).isEqualTo(frame);
        return out;
    }

    private static void assertRejected(String hex, String reason) {
        assertThatThrownBy(() -> ControlCodec.decode(Hex.buf(hex)))
                .isInstanceOf(WireFormatException.class).hasMessageContaining(reason);
    }
}
