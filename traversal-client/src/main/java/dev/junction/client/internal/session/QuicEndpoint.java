package dev.junction.client.internal.session;

import dev.junction.client.ClientOptions;
import dev.junction.client.CongestionControl;
import dev.junction.client.internal.net.ClientTransport;
import dev.junction.client.internal.net.QuicAnchor;
import dev.junction.client.internal.path.PathMux;
import dev.junction.client.internal.tls.IdentityKeyManager;
import dev.junction.client.internal.tls.PeerIdTrust;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.quic.BoringSSLContextOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The QUIC side of sessions: a client codec (for sessions this peer opens) and a server codec (for
 * sessions it accepts), each on its own anchor, both fed by the path mux.
 *
 * <p>TLS 1.3 with each peer's self-signed Ed25519 certificate, mutual: the trust managers accept
 * any well-formed identity certificate, and {@link #verifiedPeer} then insists it is the circuit's
 * peer. ALPN carries the protocol version ({@value #ALPN}, and {@link #ALPNS} offered): a peer one
 * version back still connects (sessions did not change between them, PROTOCOL.md section 6.2), so
 * apps upgrade one peer at a time; a peer further apart fails the handshake instead of misreading
 * streams.
 */
public final class QuicEndpoint {
    /** Application protocol: Junction sessions of this version. */
    public static final String ALPN = "junction/" + dev.junction.wire.ProtocolVersion.CURRENT;
    /**
     * Offered and accepted, in order of preference: this version, then the previous one (N-1).
     * Sessions are the same in both (version 3 changed only the relay's CHALLENGE).
     */
    public static final String[] ALPNS = {ALPN, "junction/" + dev.junction.wire.ProtocolVersion.OLDEST_ACCEPTED};
    /** Every datagram fits a 1280-byte IPv6 path with Junction's 5–7 byte relay header. */
    static final int MAX_UDP_PAYLOAD = 1200;
    /** Connection-level receive window. */
    static final long MAX_DATA = 32L << 20;
    /** Per-stream receive window. */
    static final long MAX_STREAM_DATA = 4L << 20;
    /** Datagrams queued per direction before new ones are dropped. */
    static final int DATAGRAM_QUEUE = 128;
    /**
     * Unidirectional streams the peer may open: none, Junction uses bidirectional streams only (a
     * peer that opens one anyway breaks QUIC's stream limit and loses the connection). Bidirectional
     * streams the peer may open at once are junction.client.incoming-streams.per-session.
     */
    static final long MAX_STREAMS_UNI = 0;

    private final QuicAnchor clientAnchor;
    private final QuicAnchor serverAnchor;

    private QuicEndpoint(QuicAnchor clientAnchor, QuicAnchor serverAnchor) {
        this.clientAnchor = clientAnchor;
        this.serverAnchor = serverAnchor;
    }

    /**
     * Binds both anchors. {@code onServerConnection} is called on the I/O thread when an incoming
     * QUIC connection has completed its handshake; {@code onIncomingStream} for every stream the
     * peer opens on any connection.
     */
    public static QuicEndpoint bind(ClientTransport transport, Identity identity, ClientOptions options, PathMux mux,
                                    Consumer<QuicChannel> onServerConnection) throws InterruptedException {
        QuicSslContext serverTls = serverTls(identity, ALPNS);
        QuicSslContext clientTls = clientTls(identity, ALPNS);
        ChannelHandler server = tune(new QuicServerCodecBuilder(), options).sslContext(serverTls)
                // No token handler: without one Netty skips address validation (Retry), which
                // guards public servers from spoofed sources; these datagrams arrive over
                // authenticated relay circuits and probed paths instead.
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        onServerConnection.accept((QuicChannel) ctx.channel());
                        ctx.fireChannelActive();
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        onConnectionRead(ctx, msg);
                    }

                    @Override
                    public boolean isSharable() {
                        return true;
                    }
                })
                .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .streamHandler(incomingStreams()).build();
        ChannelHandler client = tune(new QuicClientCodecBuilder(), options).sslContext(clientTls).build();
        QuicAnchor s = QuicAnchor.bind(transport.group(), transport.datagramChannel(), server, mux::outbound);
        QuicAnchor c = QuicAnchor.bind(transport.group(), transport.datagramChannel(), client, mux::outbound);
        mux.anchors(c, s);
        return new QuicEndpoint(c, s);
    }

    /** The accepting side's TLS: this identity's certificate, any identity certificate from the peer (checked later), {@code alpns}. */
    public static QuicSslContext serverTls(Identity identity, String... alpns) {
        return QuicSslContextBuilder.forServer(new IdentityKeyManager(identity), null)
                .option(BoringSSLContextOption.SIGNATURE_ALGORITHMS, new String[] {"ed25519"})
                .trustManager(new PeerIdTrust(null)).clientAuth(ClientAuth.REQUIRE).applicationProtocols(alpns).build();
    }

    /** The opening side's TLS, as {@link #serverTls}. */
    public static QuicSslContext clientTls(Identity identity, String... alpns) {
        return QuicSslContextBuilder.forClient().keyManager(new IdentityKeyManager(identity), null)
                .option(BoringSSLContextOption.SIGNATURE_ALGORITHMS, new String[] {"ed25519"})
                .trustManager(new PeerIdTrust(null)).applicationProtocols(alpns).build();
    }

    private static <B extends QuicCodecBuilder<B>> B tune(B b, ClientOptions options) {
        if (options.congestionControl() != CongestionControl.CUBIC) {
            // CUBIC is quiche's default: left unset, the default configuration is the one sessions always had.
            b.congestionControlAlgorithm(algorithm(options.congestionControl()));
        }
        return b.maxIdleTimeout(options.sessionIdleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .maxSendUdpPayloadSize(MAX_UDP_PAYLOAD).maxRecvUdpPayloadSize(MAX_UDP_PAYLOAD)
                .initialMaxData(MAX_DATA)
                .initialMaxStreamDataBidirectionalLocal(MAX_STREAM_DATA)
                .initialMaxStreamDataBidirectionalRemote(MAX_STREAM_DATA)
                .initialMaxStreamsBidirectional(options.streams().perSession())
                .initialMaxStreamsUnidirectional(MAX_STREAMS_UNI)
                .datagram(DATAGRAM_QUEUE, DATAGRAM_QUEUE) // RFC 9221: app datagrams and session keepalives
                .activeMigration(false); // the mux moves paths under QUIC; QUIC itself never migrates
    }

    /** quiche's algorithm for the option. */
    static QuicCongestionControlAlgorithm algorithm(CongestionControl c) {
        return switch (c) {
            case CUBIC -> QuicCongestionControlAlgorithm.CUBIC;
            case RENO -> QuicCongestionControlAlgorithm.RENO;
            case BBR -> QuicCongestionControlAlgorithm.BBR;
        };
    }

    /**
     * What a connection's pipeline reads: DATAGRAM payloads as ByteBufs go to the session; anything
     * else (Netty fires each stream the peer opens through here) goes on down the pipeline.
     */
    static void onConnectionRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof io.netty.buffer.ByteBuf) {
            SessionImpl.datagramArrived((QuicChannel) ctx.channel(), msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** Sets up streams the peer opens and hands them to their session. */
    static ChannelInitializer<QuicStreamChannel> incomingStreams() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(QuicStreamChannel ch) {
                StreamImpl stream = new StreamImpl(ch);
                ch.pipeline().addLast(stream);
                SessionImpl session = SessionImpl.of(ch.parent());
                if (session == null) {
                    ch.close();
                } else {
                    session.incoming(stream);
                }
            }
        };
    }

    /** Starts a QUIC connection to the peer behind {@code virtual} (via the mux). */
    public Future<QuicChannel> connect(InetSocketAddress virtual) {
        return QuicChannel.newBootstrap(clientAnchor.channel())
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        onConnectionRead(ctx, msg);
                    }
                })
                .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .streamHandler(incomingStreams())
                .remoteAddress(virtual).connect();
    }

    /** The PeerId the peer's certificate proves; throws unless it is {@code expected}. */
    public static PeerId verifiedPeer(QuicChannel quic, PeerId expected) throws CertificateException {
        Certificate[] chain;
        try {
            chain = quic.sslEngine().getSession().getPeerCertificates();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new CertificateException("the peer presented no certificate");
        }
        X509Certificate[] x = new X509Certificate[chain.length];
        for (int i = 0; i < chain.length; i++) {
            x[i] = (X509Certificate) chain[i];
        }
        PeerId got = PeerIdTrust.peerOf(x);
        if (!got.equals(expected)) {
            throw new CertificateException("the peer proved it is " + got + ", not " + expected);
        }
        return got;
    }

    public void close() {
        clientAnchor.close();
        serverAnchor.close();
    }
}
