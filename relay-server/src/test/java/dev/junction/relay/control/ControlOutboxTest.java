package dev.junction.relay.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.junction.relay.metrics.RelayMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ControlOutboxTest {
    /**
     * A stall check left waiting after the close would keep the closed channel and its pipeline
     * reachable for the whole write timeout (RelaySoakTest saw every connection of the last 10 s
     * held so). A real event loop: EmbeddedChannel cancels every scheduled task on close itself.
     */
    @Test
    void closingTheConnectionCancelsThePendingStallCheck() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        try (RelayMetrics metrics = new RelayMetrics()) {
            LocalAddress address = new LocalAddress("control-outbox-test");
            Channel server = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter()).bind(address).sync().channel();
            Channel client = new Bootstrap().group(group).channel(LocalChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
            ControlOutbox outbox = new ControlOutbox(client, 4, Duration.ofSeconds(10), metrics);
            assertThat(outbox.offer(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), false, null)).isTrue();
            assertThat(outbox.stallCheckPending()).as("a stall check waits for the write timeout").isTrue();
            client.close().sync();
            for (int i = 0; i < 100 && outbox.stallCheckPending(); i++) {
                Thread.sleep(10); // the close listener runs on the event loop
            }
            assertThat(outbox.stallCheckPending()).as("the close cancelled it").isFalse();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void framesOfferedAfterCloseAreReleasedNotQueued() {
        try (RelayMetrics metrics = new RelayMetrics()) {
            EmbeddedChannel ch = new EmbeddedChannel();
            ControlOutbox outbox = new ControlOutbox(ch, 4, Duration.ofSeconds(10), metrics);
            ch.close();
            ByteBuf frame = Unpooled.wrappedBuffer(new byte[] {1});
            assertThat(outbox.offer(frame, false, null)).isFalse();
            assertThat(frame.refCnt()).isZero();
            assertThat(outbox.stallCheckPending()).isFalse();
            assertFalse(ch.finish());
        }
    }
}
