package dev.junction.relay.stun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.TestRelay;
import dev.junction.wire.stun.StunAttribute;
import dev.junction.wire.stun.StunClass;
import dev.junction.wire.stun.StunDecoder;
import dev.junction.wire.stun.StunEncoder;
import dev.junction.wire.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.Map;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.stunclient.SimpleAddressDetector;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The STUN endpoint over real sockets: an independent client, UDP and TCP, RFC 5780 on two loopback IPs. */
class StunEndpointTest {
    static final int PORT = 34781;
    static final int ALT_PORT = 34782;

    @TempDir
    Path dir;
    @AutoClose
    TestRelay relay;

    @BeforeAll
    static void keepIce4jOffTheNetwork() {
        // ice4j's mapping harvesters would contact cloud metadata and public STUN servers: never.
        System.setProperty("org.ice4j.ice.harvest.DISABLE_AWS_HARVESTER", "true");
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        // (Static mappings contact nobody and default to none; ice4j reads the key as a list, so it is left alone:
        // a string there would make the next Agent in this JVM fail, see Ice4jTurnTest.)
    }

    @Test
    void ice4jGetsItsMappedAddressFromTheRelay() throws Exception {
        relay = TestRelay.start(dir);
        InetSocketAddress stun = relay.server.stunAddress();
        SimpleAddressDetector detector = new SimpleAddressDetector(new TransportAddress(stun.getAddress(), stun.getPort(), Transport.UDP));
        detector.start();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            int localPort = socket.getLocalPort(); // ice4j closes the socket when it is done with it
            TransportAddress mapped = detector.getMappingFor(new IceUdpSocketWrapper(socket));
            assertThat(mapped).isNotNull();
            assertThat(mapped.getPort()).isEqualTo(localPort);
            assertThat(mapped.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        } finally {
            detector.shutDown();
        }
        assertThat(relay.server.metrics().scrape()).contains("junction_stun_requests_total{outcome=\"success\"} 1.0");
    }

    @Test
    void bindingOverTcpAnswersWithTheConnectionsSource() throws Exception {
        relay = TestRelay.start(dir);
        try (Socket s = new Socket()) {
            s.connect(relay.server.stunTcpAddress(), 3000);
            s.setSoTimeout(3000);
            ByteBuf req = Unpooled.buffer();
            StunMessage request = StunMessage.bindingRequest();
            StunEncoder.FINGERPRINT.encode(request, req);
            s.getOutputStream().write(req.array(), 0, req.readableBytes());
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] header = new byte[20];
            in.readFully(header);
            byte[] body = new byte[((header[2] & 0xff) << 8) | (header[3] & 0xff)];
            in.readFully(body);
            StunMessage response = StunDecoder.decode(Unpooled.wrappedBuffer(header, body));
            assertThat(response.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(response.transactionId()).isEqualTo(request.transactionId());
            assertThat(response.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address())
                    .isEqualTo(s.getLocalSocketAddress());
        }
    }

    @Test
    void rfc5780ChangeRequestsAnswerFromTheRequestedAddress() throws Exception {
        relay = TestRelay.start(dir, Map.of("bind", "127.0.0.1", "alt-ip", "127.0.0.2", "stun-port", PORT, "stun-alt-port", ALT_PORT));
        InetAddress primary = InetAddress.getByName("127.0.0.1");
        InetAddress alt = InetAddress.getByName("127.0.0.2");
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(primary, 0))) {
            s.setSoTimeout(2000);
            InetSocketAddress server = new InetSocketAddress(primary, PORT);
            StunMessage plain = exchange(s, server, StunMessage.bindingRequest());
            assertThat(plain.attribute(StunAttribute.ResponseOrigin.class).orElseThrow().address()).isEqualTo(server);
            assertThat(plain.attribute(StunAttribute.OtherAddress.class).orElseThrow().address())
                    .isEqualTo(new InetSocketAddress(alt, ALT_PORT));
            assertThat(plain.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address()).isEqualTo(s.getLocalSocketAddress());

            StunMessage both = exchange(s, server, StunMessage.bindingRequest(new StunAttribute.ChangeRequest(true, true)));
            assertThat(both.attribute(StunAttribute.ResponseOrigin.class).orElseThrow().address())
                    .isEqualTo(new InetSocketAddress(alt, ALT_PORT));
            StunMessage ip = exchange(s, server, StunMessage.bindingRequest(new StunAttribute.ChangeRequest(true, false)));
            assertThat(ip.attribute(StunAttribute.ResponseOrigin.class).orElseThrow().address())
                    .isEqualTo(new InetSocketAddress(alt, PORT));
            StunMessage port = exchange(s, server, StunMessage.bindingRequest(new StunAttribute.ChangeRequest(false, true)));
            assertThat(port.attribute(StunAttribute.ResponseOrigin.class).orElseThrow().address())
                    .isEqualTo(new InetSocketAddress(primary, ALT_PORT));
            StunMessage fromAlt = exchange(s, new InetSocketAddress(alt, ALT_PORT), StunMessage.bindingRequest());
            assertThat(fromAlt.attribute(StunAttribute.OtherAddress.class).orElseThrow().address()).isEqualTo(server);
        }
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(primary, 0));
             DatagramSocket other = new DatagramSocket(new InetSocketAddress(primary, 0))) {
            s.setSoTimeout(2000);
            other.setSoTimeout(2000);
            exchange(other, new InetSocketAddress(primary, PORT), StunMessage.bindingRequest()); // the target asked first
            send(s, new InetSocketAddress(primary, PORT), StunMessage.bindingRequest(new StunAttribute.ResponsePort(other.getLocalPort())));
            assertThat(receive(other).messageClass()).as("RESPONSE-PORT redirects the answer").isEqualTo(StunClass.SUCCESS_RESPONSE);
        }
    }

    @Test
    void changeRequestWithoutAlternateAddressIsAnswered420() throws Exception {
        relay = TestRelay.start(dir);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(2000);
            StunMessage r = exchange(s, relay.server.stunAddress(), StunMessage.bindingRequest(new StunAttribute.ChangeRequest(true, false)));
            assertThat(r.messageClass()).isEqualTo(StunClass.ERROR_RESPONSE);
            assertThat(r.attribute(StunAttribute.ErrorCode.class).orElseThrow().code()).isEqualTo(420);
            assertThat(r.attribute(StunAttribute.UnknownAttributes.class).orElseThrow().types()).containsExactly(0x0003);
        }
    }

    @Test
    void malformedAndForeignDatagramsAreDroppedUnansweredAndCounted() throws Exception {
        relay = TestRelay.start(dir);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(500);
            InetSocketAddress server = relay.server.stunAddress();
            byte[] badCookie = {0, 1, 0, 0, 0x21, 0x12, (byte) 0xa4, 0x43, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
            s.send(new DatagramPacket(badCookie, badCookie.length, server));
            byte[] junk = {0x10, 1, 2};
            s.send(new DatagramPacket(junk, junk.length, server));
            byte[] response = new byte[20];
            ByteBuf resp = Unpooled.buffer();
            new StunEncoder(null, false, false, (byte) 0).encode(new StunMessage(StunClass.SUCCESS_RESPONSE, 1,
                    StunMessage.newTransactionId(), java.util.List.of()), resp);
            resp.readBytes(response);
            s.send(new DatagramPacket(response, response.length, server));
            try {
                s.receive(new DatagramPacket(new byte[100], 100));
                throw new AssertionError("the relay answered a malformed or unexpected datagram");
            } catch (SocketTimeoutException expected) {
                // dropped
            }
        }
        String metrics = relay.server.metrics().scrape();
        assertThat(metrics).contains("junction_drops_total{reason=\"malformed_stun\"} 1.0")
                .contains("junction_drops_total{reason=\"unknown_protocol\"} 1.0")
                .contains("junction_drops_total{reason=\"unexpected_stun\"} 1.0");
    }

    private static StunMessage exchange(DatagramSocket s, InetSocketAddress server, StunMessage request) throws Exception {
        send(s, server, request);
        StunMessage response = receive(s);
        assertThat(response.transactionId()).isEqualTo(request.transactionId());
        return response;
    }

    private static void send(DatagramSocket s, InetSocketAddress server, StunMessage request) throws Exception {
        ByteBuf b = Unpooled.buffer();
        StunEncoder.PLAIN.encode(request, b);
        s.send(new DatagramPacket(b.array(), b.readableBytes(), server));
    }

    private static StunMessage receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[1500];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return StunDecoder.decode(Unpooled.wrappedBuffer(buf, 0, p.getLength()));
    }
}
