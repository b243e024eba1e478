package dev.junction.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.control.ControlCodec;
import dev.junction.wire.identity.PeerId;
import dev.junction.wire.session.SessionCodec;
import dev.junction.wire.stun.StunDecoder;
import dev.junction.wire.stun.StunIntegrity;
import dev.junction.wire.udp.UdpCodec;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Fuzz tests for every decoder: the only exception allowed out of a decoder is
 * {@link WireFormatException}. Under {@code mvn verify} the stored inputs in
 * {@code DecoderFuzzTestInputs/} replay as regression tests; run with {@code JAZZER_FUZZ=1} to
 * fuzz (see README, "Fuzzing").
 */
class DecoderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void stun(byte[] data) {
        try {
            StunDecoder.decode(Unpooled.wrappedBuffer(data));
        } catch (WireFormatException expected) {
            // malformed input is dropped by callers
        }
        StunIntegrity.verify(Unpooled.wrappedBuffer(data), new byte[] {1});
    }

    @FuzzTest(maxDuration = "60s")
    void control(byte[] data) {
        try {
            ControlCodec.decode(Unpooled.wrappedBuffer(data));
        } catch (WireFormatException expected) {
            // the relay closes the connection
        }
        ControlCodec.dataCircuit(Unpooled.wrappedBuffer(data));
    }

    @FuzzTest(maxDuration = "60s")
    void udp(byte[] data) {
        try {
            UdpCodec.decode(Unpooled.wrappedBuffer(data));
        } catch (WireFormatException expected) {
            // dropped and counted
        }
        UdpCodec.relayDataCircuit(Unpooled.wrappedBuffer(data));
    }

    @FuzzTest(maxDuration = "60s")
    void session(byte[] data) {
        try {
            SessionCodec.decode(Unpooled.wrappedBuffer(data));
        } catch (WireFormatException expected) {
            // the session ignores it
        }
    }

    @FuzzTest(maxDuration = "60s")
    void text(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        try {
            PeerId.parse(s);
        } catch (WireFormatException expected) {
            // a user typo
        }
        try {
            RelayAddress.parse(s);
        } catch (WireFormatException expected) {
            // a user typo
        }
        AdmissionToken.verify(new byte[] {1, 2, 3}, s, PeerId.fromPublicKey(java.util.Arrays.copyOf(new byte[] {42}, 32)), Instant.EPOCH);
    }
}
