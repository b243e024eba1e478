package dev.junction.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.control.ControlFrameEncoder;
import dev.junction.wire.Bytes;
import dev.junction.wire.ProtocolVersion;
import dev.junction.wire.control.ControlCodec;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.net.Socket;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A bare protocol client for relay tests: TLS with the relay's key pinned, frames in a queue. It
 * speaks the wire protocol frame by frame, so tests read like docs/PROTOCOL.md.
 */
public final class TestClient implements AutoCloseable {
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel channel;
    private final BlockingQueue<Object> inbox;

    private TestClient(Channel channel, BlockingQueue<Object> inbox) {
        this.channel = channel;
        this.inbox = inbox;
    }

    /** Connects with TLS; the handshake fails unless the certificate carries {@code pin}'s key. */
    public static TestClient connect(InetSocketAddress relay, PeerId pin) throws Exception {
        SslContext tls = SslContextBuilder.forClient().sslProvider(io.netty.handler.ssl.SslProvider.JDK).protocols("TLSv1.3").trustManager(new PinTrust(pin)).build();
        BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        Channel ch = new Bootstrap().group(GROUP).channel(NioSocketChannel.class).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                c.pipeline().addLast(tls.newHandler(c.alloc(), relay.getHostString(), relay.getPort()),
                        ControlFrameEncoder.INSTANCE,
                        new LengthFieldBasedFrameDecoder(ControlCodec.HEADER_LENGTH + ControlCodec.MAX_PAYLOAD, 1, 2, 0, 0),
                        new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                                inbox.add(ControlCodec.decode(frame));
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                inbox.add("closed");
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                inbox.add(cause);
                                ctx.close();
                            }
                        });
            }
        }).connect(relay).sync().channel();
        // The handshake's end, before anything is sent: a refused certificate fails here with its
        // reason, not later as a write to a channel the handshake failure already closed.
        io.netty.util.concurrent.Future<Channel> handshake = ch.pipeline().get(io.netty.handler.ssl.SslHandler.class).handshakeFuture();
        if (!handshake.await(10, TimeUnit.SECONDS)) {
            ch.close();
            throw new java.io.IOException("TLS handshake with " + relay + " did not finish within 10 s");
        }
        if (!handshake.isSuccess()) {
            StringBuilder why = new StringBuilder();
            for (Throwable t = handshake.cause(); t != null; t = t.getCause()) {
                why.append(why.length() > 0 ? ": " : "").append(t.getMessage());
            }
            throw new java.io.IOException("TLS handshake failed: " + why, handshake.cause());
        }
        return new TestClient(ch, inbox);
    }

    /** HELLO, CHALLENGE (checked), AUTH; returns the relay's answer: LOGIN_OK or ERROR. */
    public ControlFrame login(Identity id, String token) throws Exception {
        return login(id, token, 0);
    }

    /** Logs in with HELLO's {@code capabilities}; returns the relay's answer to AUTH. */
    public ControlFrame login(Identity id, String token, long capabilities) throws Exception {
        send(new LoginFrames.Hello(ProtocolVersion.CURRENT, capabilities));
        LoginFrames.Challenge ch = expect(LoginFrames.Challenge.class);
        byte[] served = LoginFrames.certificateSha256(channel.pipeline().get(io.netty.handler.ssl.SslHandler.class).engine().getSession()
                .getPeerCertificates()[0].getEncoded());
        assertThat(Identity.verify(ch.relay(), LoginFrames.signedChallengeBytes(ch.nonce(), ch.relay(), served), ch.signature().toArray()))
                .as("the relay signs its challenge").isTrue();
        byte[] sig = id.sign(LoginFrames.signedLoginBytes(ch.relay(), ch.nonce(), id.peerId()));
        send(new LoginFrames.Auth(id.peerId(), Bytes.of(sig), token == null ? "" : token));
        return next();
    }

    public LoginFrames.LoginOk loginOk(Identity id, String token) throws Exception {
        ControlFrame f = login(id, token);
        assertThat(f).isInstanceOf(LoginFrames.LoginOk.class);
        return (LoginFrames.LoginOk) f;
    }

    public void send(ControlFrame frame) {
        channel.writeAndFlush(frame).syncUninterruptibly();
    }

    public void sendRaw(ByteBuf bytes) {
        channel.writeAndFlush(bytes).syncUninterruptibly();
    }

    /** Writes {@code bytes}; false if the write did not complete within {@code timeout} or failed. */
    public boolean sendRaw(ByteBuf bytes, java.time.Duration timeout) {
        io.netty.channel.ChannelFuture f = channel.writeAndFlush(bytes);
        return f.awaitUninterruptibly(timeout.toMillis()) && f.isSuccess();
    }

    /** The next frame (skipping PINGs), failing after 5 s. */
    public ControlFrame next() throws Exception {
        while (true) {
            Object o = inbox.poll(5, TimeUnit.SECONDS);
            if (o == null) {
                throw new AssertionError("no frame from the relay within 5 s");
            }
            if (o instanceof ControlFrame f) {
                if (!(f instanceof LinkFrames.Ping)) {
                    return f;
                }
                continue;
            }
            throw new AssertionError("connection ended instead: " + o);
        }
    }

    public <T extends ControlFrame> T expect(Class<T> kind) throws Exception {
        ControlFrame f = next();
        assertThat(f).isInstanceOf(kind);
        return kind.cast(f);
    }

    /** True when the relay closed the connection within {@code seconds}. */
    public boolean closedWithin(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            Object o = inbox.poll(100, TimeUnit.MILLISECONDS);
            if ("closed".equals(o)) {
                return true;
            }
        }
        return false;
    }

    /** Stops reading from the socket, like a client that has stalled. */
    public void pauseReading() {
        channel.config().setAutoRead(false);
    }

    /** Reads again after {@link #pauseReading}. */
    public void resumeReading() {
        channel.config().setAutoRead(true);
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    /** Accepts exactly the certificates whose key is the pinned PeerId's. */
    static final class PinTrust extends X509ExtendedTrustManager {
        private final PeerId pin;

        PinTrust(PeerId pin) {
            this.pin = pin;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain.length == 0 || !PeerId.fromPublicKey(chain[0].getPublicKey()).equals(pin)) {
                throw new CertificateException("certificate does not carry the pinned relay key");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
