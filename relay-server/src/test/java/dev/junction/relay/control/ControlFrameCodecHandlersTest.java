package dev.junction.relay.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.wire.Bytes;
import dev.junction.wire.control.ControlCodec;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The control channel's frame decoder and encoder, without sockets. */
class ControlFrameCodecHandlersTest {
    final RelayMetrics metrics = new RelayMetrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void decodesFramesSplitAcrossReadsAndPassesDataFramesWhole() {
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder(metrics));
        ByteBuf wire = Unpooled.buffer();
        ControlCodec.encode(new LinkFrames.Ping(7), wire);
        wire.writeBytes(new byte[] {0x15, 0, 6, 0, 0, 0, 9, (byte) 0xca, (byte) 0xfe});
        ch.writeInbound(wire.readRetainedSlice(5));
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(wire.readRetainedSlice(wire.readableBytes()));
        wire.release();
        assertThat((ControlFrame) ch.readInbound()).isEqualTo(new LinkFrames.Ping(7));
        RelayedData data = ch.readInbound();
        assertThat(data.circuit()).isEqualTo(9);
        assertThat(data.frame().readableBytes()).as("the whole DATA frame, to be forwarded unchanged").isEqualTo(9);
        data.frame().release();
        assertFalse(ch.finish());
    }

    @Test
    void malformedFrameIsAnsweredWithErrorAndCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(ControlFrameEncoder.INSTANCE, new ControlFrameDecoder(metrics));
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x30, 0, 1, 0}));
        ByteBuf out = ch.readOutbound();
        LinkFrames.Error e = (LinkFrames.Error) ControlCodec.decode(out);
        out.release();
        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
        assertThat(ch.isOpen()).isFalse();
        assertThat(metrics.scrape()).contains("junction_drops_total{reason=\"malformed_frame\"} 1.0");
        assertFalse(ch.finish());
    }

    @Test
    void encoderWritesFramesAndPassesRawBuffers() {
        EmbeddedChannel ch = new EmbeddedChannel(ControlFrameEncoder.INSTANCE);
        ch.writeOutbound(new LinkFrames.Pong(1));
        ByteBuf frame = ch.readOutbound();
        assertThat(ControlCodec.decode(frame)).isEqualTo(new LinkFrames.Pong(1));
        frame.release();
        ch.writeOutbound(Unpooled.wrappedBuffer(Bytes.fromHex("15000400000001").toArray()));
        ByteBuf raw = ch.readOutbound();
        assertThat(raw.readableBytes()).isEqualTo(7);
        raw.release();
        assertFalse(ch.finish());
    }
}
