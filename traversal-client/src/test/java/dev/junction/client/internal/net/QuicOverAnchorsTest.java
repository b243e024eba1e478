package dev.junction.client.internal.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.client.internal.tls.IdentityKeyManager;
import dev.junction.client.internal.tls.PeerIdTrust;
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
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.ClientAuth;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** QUIC with Ed25519 identities, mutually authenticated, between two anchors wired back to back. */
class QuicOverAnchorsTest {
    @Test
    void quicWithEd25519CertificatesRunsBetweenAnchors() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Identity server = Identity.generate();
            Identity client = Identity.generate();
            InetSocketAddress virtualClient = new InetSocketAddress("127.77.0.1", 1);
            InetSocketAddress virtualServer = new InetSocketAddress("127.77.0.2", 1);
            AtomicReference<QuicAnchor> serverAnchor = new AtomicReference<>();
            AtomicReference<QuicAnchor> clientAnchor = new AtomicReference<>();
            CompletableFuture<String> echoed = new CompletableFuture<>();
            CompletableFuture<PeerId> serverSawClient = new CompletableFuture<>();

            QuicSslContext serverTls = QuicSslContextBuilder.forServer(new IdentityKeyManager(server), null)
                    .option(io.netty.handler.codec.quic.BoringSSLContextOption.SIGNATURE_ALGORITHMS, new String[] {"ed25519"})
                    .trustManager(new PeerIdTrust(null)).clientAuth(ClientAuth.REQUIRE).applicationProtocols(dev.junction.client.internal.session.QuicEndpoint.ALPN).build();
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
            QuicSslContext clientTls = QuicSslContextBuilder.forClient().keyManager(new IdentityKeyManager(client), null)
                    .option(io.netty.handler.codec.quic.BoringSSLContextOption.SIGNATURE_ALGORITHMS, new String[] {"ed25519"})
                    .trustManager(new PeerIdTrust(server.peerId())).applicationProtocols(dev.junction.client.internal.session.QuicEndpoint.ALPN).build();
            var clientCodec = new QuicClientCodecBuilder().sslContext(clientTls).maxIdleTimeout(10, TimeUnit.SECONDS)
                    .initialMaxData(1 << 20).initialMaxStreamDataBidirectionalLocal(1 << 20)
                    .maxSendUdpPayloadSize(1200).maxRecvUdpPayloadSize(1200).build();
            clientAnchor.set(QuicAnchor.bind(group, NioDatagramChannel.class, clientCodec,
                    p -> {
                        serverAnchor.get().inject(p.content(), virtualClient);
                        serverAnchor.get().readComplete();
                    }));

            QuicChannel quic = QuicChannel.newBootstrap(clientAnchor.get().channel()).handler(new ChannelInboundHandlerAdapter())
                    .remoteAddress(virtualServer).connect().get(5, TimeUnit.SECONDS);
            QuicStreamChannel stream = quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    echoed.complete(b.toString(StandardCharsets.UTF_8));
                    b.release();
                }
            }).get(5, TimeUnit.SECONDS);
            stream.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
            assertThat(echoed.get(5, TimeUnit.SECONDS)).isEqualTo("hello");
            assertThat(serverSawClient.get(5, TimeUnit.SECONDS)).isEqualTo(client.peerId());
            assertThat(dev.junction.client.internal.session.QuicEndpoint.verifiedPeer(quic, server.peerId())).isEqualTo(server.peerId());
            PeerId someoneElse = Identity.generate().peerId();
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> dev.junction.client.internal.session.QuicEndpoint.verifiedPeer(quic, someoneElse))
                    .isInstanceOf(java.security.cert.CertificateException.class)
                    .hasMessageContaining("proved it is " + server.peerId()).hasMessageContaining("not " + someoneElse);
            quic.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
