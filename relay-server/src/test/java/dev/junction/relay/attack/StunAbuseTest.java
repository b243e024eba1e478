package dev.junction.relay.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.TestRelay;
import dev.junction.wire.stun.StunAttribute;
import dev.junction.wire.stun.StunClass;
import dev.junction.wire.stun.StunDecoder;
import dev.junction.wire.stun.StunEncoder;
import dev.junction.wire.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 6: the relay as a reflection amplifier. Unauthenticated answers must stay within twice
 * their request on the wire (IP and UDP headers included), and RESPONSE-PORT must not send answers
 * to ports that never asked. The relay runs with RFC 5780 on two loopback addresses, the largest
 * answers it gives.
 */
class StunAbuseTest {
    static final int PORT = 34791;
    static final int ALT_PORT = 34792;
    /** IPv4 + UDP headers. */
    static final int HEADERS = 28;

    @TempDir
    Path dir;
    @AutoClose
    TestRelay relay;

    void start(Map<String, Object> more) throws Exception {
        Map<String, Object> o = new java.util.HashMap<>(Map.of("bind", "127.0.0.1", "alt-ip", "127.0.0.2", "stun-port", PORT,
                "stun-alt-port", ALT_PORT));
        o.putAll(more);
        relay = TestRelay.start(dir, o);
    }

    static byte[] encode(StunMessage m, StunEncoder encoder) {
        ByteBuf b = Unpooled.buffer();
        encoder.encode(m, b);
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        return bytes;
    }

    static byte[] send(DatagramSocket s, byte[] request) throws Exception {
        s.send(new DatagramPacket(request, request.length, new InetSocketAddress("127.0.0.1", PORT)));
        DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
        s.receive(p);
        return java.util.Arrays.copyOf(p.getData(), p.getLength());
    }

    static StunMessage decode(byte[] b) {
        return StunDecoder.decode(Unpooled.wrappedBuffer(b));
    }

    @Test
    void noUnauthenticatedAnswerExceedsTwiceItsRequestOnTheWire() throws Exception {
        start(Map.of());
        List<byte[]> requests = List.of(
                encode(StunMessage.bindingRequest(), StunEncoder.PLAIN),                       // 20 bytes, the smallest
                encode(StunMessage.bindingRequest(), StunEncoder.FINGERPRINT),                 // 28 bytes
                encode(StunMessage.bindingRequest(new StunAttribute.ChangeRequest(false, true)), StunEncoder.PLAIN),
                encode(StunMessage.bindingRequest(new StunAttribute.Unknown(0x7F01, dev.junction.wire.Bytes.of(new byte[0]))),
                        StunEncoder.PLAIN),                                                    // 420 with UNKNOWN-ATTRIBUTES
                encode(new StunMessage(StunClass.REQUEST, 0x003, StunMessage.newTransactionId(), List.of()), StunEncoder.PLAIN)); // Allocate: 400
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(2000);
            for (byte[] request : requests) {
                byte[] answer = send(s, request);
                double ratio = (answer.length + HEADERS) / (double) (request.length + HEADERS);
                System.out.printf("STUN request %d bytes -> answer %d bytes: %.2fx on the wire%n", request.length, answer.length, ratio);
                assertThat(ratio).as("amplification of a %d-byte request", request.length).isLessThanOrEqualTo(2.0);
                assertThat(decode(answer).attribute(StunAttribute.Software.class)).as("SOFTWARE is off by default").isEmpty();
            }
            StunMessage plain = decode(send(s, requests.get(0)));
            assertThat(plain.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address()).isEqualTo(s.getLocalSocketAddress());
            assertThat(plain.attribute(StunAttribute.OtherAddress.class)).as("RFC 5780 clients still learn the other address").isPresent();
        }
    }

    @Test
    void aPaddedRequestGetsTheFullAnswer() throws Exception {
        start(Map.of("stun.software", true));
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(2000);
            byte[] padded = encode(StunMessage.bindingRequest(new StunAttribute.Padding(100)), StunEncoder.FINGERPRINT);
            StunMessage answer = decode(send(s, padded));
            assertThat(answer.attribute(StunAttribute.MappedAddress.class)).isPresent();
            assertThat(answer.attribute(StunAttribute.ResponseOrigin.class)).isPresent();
            assertThat(answer.attribute(StunAttribute.Software.class)).as("stun.software = true").isPresent();
        }
    }

    @Test
    void responsePortOnlyReachesAPortThatAskedItself() throws Exception {
        start(Map.of());
        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket victim = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            attacker.setSoTimeout(2000);
            victim.setSoTimeout(500);
            for (int port : new int[] {victim.getLocalPort(), 0, 22}) {
                byte[] request = encode(StunMessage.bindingRequest(new StunAttribute.ResponsePort(port)), StunEncoder.FINGERPRINT);
                StunMessage answer = decode(send(attacker, request));
                assertThat(answer.messageClass()).as("RESPONSE-PORT %d is refused to the requester", port).isEqualTo(StunClass.ERROR_RESPONSE);
                assertThat(answer.attribute(StunAttribute.ErrorCode.class).orElseThrow().code()).isEqualTo(400);
            }
            try {
                victim.receive(new DatagramPacket(new byte[100], 100));
                throw new AssertionError("the relay sent an answer to a port that never asked");
            } catch (SocketTimeoutException expected) {
                // nothing arrived
            }
            // Once the victim's port has asked itself, it is a fair target (RFC 5780 mapping-lifetime test).
            byte[] own = encode(StunMessage.bindingRequest(), StunEncoder.FINGERPRINT);
            send(victim, own);
            int allowed = 0;
            long t0 = System.nanoTime();
            long lastAnswer = t0;
            for (int i = 0; i < 15; i++) {
                byte[] request = encode(StunMessage.bindingRequest(new StunAttribute.ResponsePort(victim.getLocalPort())), StunEncoder.FINGERPRINT);
                attacker.send(new DatagramPacket(request, request.length, new InetSocketAddress("127.0.0.1", PORT)));
            }
            try {
                while (true) {
                    DatagramPacket p = new DatagramPacket(new byte[200], 200);
                    victim.receive(p);
                    lastAnswer = System.nanoTime();
                    allowed++;
                }
            } catch (SocketTimeoutException done) {
                // counted them all
            }
            // A bucket of 10 that refills 10 per second: at most 10, plus what refilled while the burst was answered.
            int refilled = (int) ((lastAnswer - t0) * 10 / 1_000_000_000L);
            assertThat(allowed).as("RESPONSE-PORT answers to a 15-request burst answered within %d ms", (lastAnswer - t0) / 1_000_000)
                    .isBetween(1, 10 + refilled);
        }
    }
}
