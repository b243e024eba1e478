package dev.junction.relay.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.wire.stun.StunAttribute;
import dev.junction.wire.stun.StunClass;
import dev.junction.wire.stun.StunDecoder;
import dev.junction.wire.stun.StunEncoder;
import dev.junction.wire.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StunUdpHandlerTest {
    static final InetSocketAddress CLIENT = new InetSocketAddress("198.51.100.7", 40000);
    final RelayMetrics metrics = new RelayMetrics();
    final StunResponder responder = new StunResponder(CLIENT.getAddress(), Optional.empty(), 3478, 3479, StunResponder.Options.DEFAULTS);
    final EmbeddedChannel ch = new EmbeddedChannel(new StunUdpHandler(responder, Map.of(), metrics, null));

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void answersABindingRequestWithTheSendersAddress() {
        StunMessage request = StunMessage.bindingRequest();
        ByteBuf b = Unpooled.buffer();
        StunEncoder.PLAIN.encode(request, b);
        ch.writeInbound(new DatagramPacket(b, new InetSocketAddress(CLIENT.getAddress(), 3478), CLIENT));
        DatagramPacket out = ch.readOutbound();
        assertThat(out.recipient()).isEqualTo(CLIENT);
        StunMessage response = StunDecoder.decode(out.content());
        out.release();
        assertThat(response.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(response.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address()).isEqualTo(CLIENT);
        assertThat(response.attribute(StunAttribute.Fingerprint.class)).isPresent();
        assertFalse(ch.finish());
    }

    @Test
    void passesJunctionFramesOnAndDropsMalformedStun() {
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {(byte) 0x83, 0, 0, 0, 0, 0, 0, 0, 1}), null, CLIENT));
        DatagramPacket passed = ch.readInbound();
        assertThat(passed.content().getByte(0)).isEqualTo((byte) 0x83);
        passed.release();
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {0, 1, 0, 0}), null, CLIENT));
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {0x10}), null, CLIENT));
        ch.writeInbound(new DatagramPacket(Unpooled.EMPTY_BUFFER, null, CLIENT));
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(metrics.scrape()).contains("junction_drops_total{reason=\"malformed_stun\"} 1.0")
                .contains("junction_drops_total{reason=\"unknown_protocol\"} 2.0");
        assertFalse(ch.finish());
    }
}
