package dev.junction.client.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.client.internal.session.QuicEndpoint;
import dev.junction.wire.ProtocolVersion;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * QUIC with Ed25519 identities, mutually authenticated, between two anchors wired back to back; and
 * the session version each side offers in ALPN (N-1: a peer one version back still connects).
 */
class QuicOverAnchorsTest {
    /** Two anchors wired back to back, a server codec echoing streams on one; closed with the group. */
    private static final class BackToBack implements AutoCloseable {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final InetSocketAddress virtualClient = new InetSocketAddress("127.77.0.1", 1);
        final InetSocketAddress virtualServer = new InetSocketAddress("127.77.0.2", 1);
        final AtomicReference<QuicAnchor> serverAnchor = new AtomicReference<>();
        final AtomicReference<QuicAnchor> clientAnchor = new AtomicReference<>();
        final CompletableFuture<PeerId> serverSawClient = new CompletableFuture<>();

        BackToBack(QuicSslContext serverTls, QuicSslContext clientTls) throws Exception {
            var serverCodec = new QuicServerCodecBuilder().sslContext(serverTls)
                    .maxIdleTimeout(10, TimeUnit.SECONDS).initialMaxData(1 << 20).initialMaxStreamDataBidirectionalRemote(1 << 20)
                    .initialMaxStreamsBidirectional(10).maxSendUdpPayloadSize(1200).maxRecvUdpPayloadSize(1200)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) throws Exception {
                            QuicChannel q = (QuicChannel) ctx.channel();
                            serverSawClient.complete(PeerId.fromPublicKey(
                                    ((X509Certificate) q.sslEngine().getSession().getPeerCertificates()[0]).getPublicKey()));
                        }
                    })
                    .streamHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg);
                        }
                    }).build();
            serverAnchor.set(QuicAnchor.bind(group, NioDatagramChannel.class, serverCodec,
                    p -> {
                        clientAnchor.get().inject(p.content(), virtualServer);
                        clientAnchor.get().readComplete();
                    }));
            var clientCodec = new QuicClientCodecBuilder().sslContext(clientTls).maxIdleTimeout(10, TimeUnit.SECONDS)
                    .initialMaxData(1 << 20).initialMaxStreamDataBidirectionalLocal(1 << 20)
                    .maxSendUdpPayloadSize(1200).maxRecvUdpPayloadSize(1200).build();
            clientAnchor.set(QuicAnchor.bind(group, NioDatagramChannel.class, clientCodec,
                    p -> {
                        serverAnchor.get().inject(p.content(), virtualClient);
                        serverAnchor.get().readComplete();
                    }));
        }

        QuicChannel connect() throws Exception {
            return QuicChannel.newBootstrap(clientAnchor.get().channel()).handler(new ChannelInboundHandlerAdapter())
                    .remoteAddress(virtualServer).connect().get(5, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void quicWithEd25519CertificatesRunsBetweenAnchors() throws Exception {
        Identity server = Identity.generate();
        Identity client = Identity.generate();
        try (BackToBack b = new BackToBack(QuicEndpoint.serverTls(server, QuicEndpoint.ALPNS), QuicEndpoint.clientTls(client, QuicEndpoint.ALPNS))) {
            CompletableFuture<String> echoed = new CompletableFuture<>();
            QuicChannel quic = b.connect();
            QuicStreamChannel stream = quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf buf = (ByteBuf) msg;
                    echoed.complete(buf.toString(StandardCharsets.UTF_8));
                    buf.release();
                }
            }).get(5, TimeUnit.SECONDS);
            stream.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
            assertThat(echoed.get(5, TimeUnit.SECONDS)).isEqualTo("hello");
            assertThat(b.serverSawClient.get(5, TimeUnit.SECONDS)).isEqualTo(client.peerId());
            assertThat(quic.sslEngine().getApplicationProtocol()).isEqualTo(QuicEndpoint.ALPN);
            assertThat(QuicEndpoint.verifiedPeer(quic, server.peerId())).isEqualTo(server.peerId());
            PeerId someoneElse = Identity.generate().peerId();
            assertThatThrownBy(() -> QuicEndpoint.verifiedPeer(quic, someoneElse))
                    .isInstanceOf(java.security.cert.CertificateException.class)
                    .hasMessageContaining("proved it is " + server.peerId()).hasMessageContaining("not " + someoneElse);
            quic.close().sync();
        }
    }

    @Test
    void aPeerOfThePreviousVersionConnectsEitherWayRound() throws Exception {
        String previous = "junction/" + ProtocolVersion.OLDEST_ACCEPTED;
        try (BackToBack oldCaller = new BackToBack(QuicEndpoint.serverTls(Identity.generate(), QuicEndpoint.ALPNS),
                QuicEndpoint.clientTls(Identity.generate(), previous))) {
            assertThat(oldCaller.connect().sslEngine().getApplicationProtocol()).isEqualTo(previous);
        }
        try (BackToBack oldCallee = new BackToBack(QuicEndpoint.serverTls(Identity.generate(), previous),
                QuicEndpoint.clientTls(Identity.generate(), QuicEndpoint.ALPNS))) {
            assertThat(oldCallee.connect().sslEngine().getApplicationProtocol()).isEqualTo(previous);
        }
    }

    @Test
    void aPeerTwoVersionsBackFailsTheHandshake() throws Exception {
        String ancient = "junction/" + (ProtocolVersion.OLDEST_ACCEPTED - 1);
        try (BackToBack b = new BackToBack(QuicEndpoint.serverTls(Identity.generate(), QuicEndpoint.ALPNS),
                QuicEndpoint.clientTls(Identity.generate(), ancient))) {
            assertThatThrownBy(b::connect).as("no common application protocol").isInstanceOf(Exception.class);
        }
    }
}
