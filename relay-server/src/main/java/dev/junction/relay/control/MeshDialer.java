package dev.junction.relay.control;

import dev.junction.relay.RelayContext;
import dev.junction.relay.circuit.UdpRelayHandler;
import dev.junction.relay.fleet.Mesh;
import dev.junction.relay.fleet.RelayEntry;
import dev.junction.relay.net.Transports;
import dev.junction.relay.reservation.Reservation;
import dev.junction.wire.udp.UdpCodec;
import dev.junction.wire.udp.UdpFrame;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * Opens mesh links to other relays of the fleet: TLS to the relay's control port, the mesh login
 * ({@link MeshHandshake}), then a UDP BIND from this relay's UDP socket so circuits across the link
 * carry UDP datagrams without head-of-line blocking. Until the BIND is acknowledged (the
 * acknowledgement carries a statement signed by the other relay) the link carries everything over TLS.
 *
 * <p>The TLS layer accepts any certificate: the other relay proves its key inside the connection, by
 * signing the login CHALLENGE over the hash of the very certificate it served, and that key comes
 * from the directory entry sealed with the fleet secret.
 */
public final class MeshDialer implements Mesh.Dialer, UdpRelayHandler.BindAcks {
    /** A dial that has not logged in by then has failed. */
    static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(10);
    /** BINDs sent before giving up on UDP for a link (then it carries everything over TLS). */
    static final int BIND_TRIES = 10;
    /** Wait between BIND retries. */
    static final Duration BIND_INTERVAL = Duration.ofSeconds(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private record PendingBind(Reservation link, InetSocketAddress to) {
    }

    private final EventLoopGroup group;
    private final RelayContext relay;
    private final Supplier<Channel> udpSocket;
    private final SslContext tls;
    private final Map<Long, PendingBind> binds = new ConcurrentHashMap<>();

    public MeshDialer(EventLoopGroup group, RelayContext relay, Supplier<Channel> udpSocket) throws SSLException {
        this.group = group;
        this.relay = relay;
        this.udpSocket = udpSocket;
        // The JDK's TLS: netty-tcnative's BoringSSL (on the relay's classpath) fails every handshake with a relay's
        // Ed25519 certificate.
        this.tls = SslContextBuilder.forClient().sslProvider(io.netty.handler.ssl.SslProvider.JDK)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).protocols("TLSv1.3").build();
    }

    @Override
    public CompletionStage<Reservation> dial(RelayEntry to) {
        CompletableFuture<MeshHandshake.Linked> done = new CompletableFuture<>();
        io.netty.channel.ChannelFuture connecting = new Bootstrap().group(group).channel(Transports.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) LOGIN_TIMEOUT.toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), to.host(), to.controlPort()));
                        ch.pipeline().addLast("encoder", ControlFrameEncoder.INSTANCE);
                        ch.pipeline().addLast("decoder", new ControlFrameDecoder(relay.metrics()));
                        ch.pipeline().addLast("handshake", new MeshHandshake(relay, to, done));
                    }
                })
                .connect(to.control());
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                done.completeExceptionally(f.cause());
            }
        });
        return done.orTimeout(LOGIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((linked, e) -> {
                    if (e != null) {
                        connecting.channel().close();
                    }
                })
                .thenApply(linked -> {
                    bind(linked.link(), linked.remoteId(), new InetSocketAddress(to.host(), linked.udpPort()), linked.udpBindKey(), 1);
                    return linked.link();
                });
    }

    /** Sends BIND try {@code attempt} for {@code link} until one is acknowledged or the link closes. */
    private void bind(Reservation link, long remoteId, InetSocketAddress to, byte[] key, int attempt) {
        Channel socket = udpSocket.get();
        if (link.udpAddress() != null || !link.controlChannel().isActive() || attempt > BIND_TRIES || socket == null) {
            return;
        }
        long nonce = RANDOM.nextLong() & Long.MAX_VALUE;
        binds.put(nonce, new PendingBind(link, to));
        ByteBuf out = socket.alloc().ioBuffer(64);
        UdpCodec.encode(UdpFrame.Bind.signed(key, remoteId, nonce), out);
        socket.writeAndFlush(new DatagramPacket(out, to), socket.voidPromise());
        socket.eventLoop().schedule(() -> {
            binds.remove(nonce);
            bind(link, remoteId, to, key, attempt + 1);
        }, BIND_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void acked(UdpFrame.BindAck ack, InetSocketAddress from, Channel on) {
        PendingBind p = binds.remove(ack.nonce());
        if (p == null) {
            return; // an answer to a BIND retried meanwhile, or to none
        }
        if (!p.to().equals(from)
                || !ack.attestation().validFor(relay.identity().peerId(), Set.of(p.link().peer()), relay.clock().instant())) {
            relay.mesh().forged();
            return;
        }
        relay.reservations().bindLinkUdp(p.link(), from, on);
    }
}
