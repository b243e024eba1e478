package dev.junction.bench.harness;

import dev.junction.wire.Bytes;
import dev.junction.wire.ProtocolVersion;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.ControlCodec;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.udp.UdpCodec;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * One Junction client speaking the wire protocol frame by frame (docs/PROTOCOL.md sections 3 and
 * 4): TLS control connection, login with an Ed25519 identity and an admission token, optionally a
 * UDP socket bound to the reservation, then circuits. Its control {@link Link} carries DATA frames
 * (the TCP/TLS relay path), its UDP link RELAY_DATA datagrams.
 */
final class JunctionClient implements AutoCloseable {
    /** How long one step of the login or circuit exchange may take on loopback. */
    static final int STEP_MILLIS = 10_000;
    final Identity identity = Identity.generate();
    final Link control = new Link(Framing.JUNCTION_TLS);
    Link udp;
    LoginFrames.LoginOk login;
    private final JunctionRelayProcess relay;

    private JunctionClient(JunctionRelayProcess relay) {
        this.relay = relay;
    }

    /** The SHA-256 of the certificate the relay served on {@code ch} (its CHALLENGE signature covers it). */
    static byte[] servedCertificate(io.netty.channel.Channel ch) throws IOException {
        try {
            return LoginFrames.certificateSha256(ch.pipeline().get(io.netty.handler.ssl.SslHandler.class).engine().getSession()
                    .getPeerCertificates()[0].getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e);
        }
    }

    /** Connects, logs in and, if {@code bindUdp}, binds a UDP socket to the reservation. */
    static JunctionClient login(EventLoopGroup group, JunctionRelayProcess relay, boolean bindUdp) throws IOException, InterruptedException {
        JunctionClient c = new JunctionClient(relay);
        InetSocketAddress at = relay.control;
        c.control.channel = Net.tcp(group, at, () -> new ChannelHandler[] {
            // Any certificate: the relay's key is proved by its CHALLENGE signature, checked below
            // (docs/PROTOCOL.md section 3.1).
            Net.TLS.newHandler(PooledByteBufAllocator.DEFAULT, at.getHostString(), at.getPort()),
            new LengthFieldBasedFrameDecoder(ControlCodec.HEADER_LENGTH + ControlCodec.MAX_PAYLOAD, 1, 2, 0, 0),
            c.control});
        c.send(new LoginFrames.Hello(ProtocolVersion.CURRENT, 0));
        LoginFrames.Challenge ch = c.expect(LoginFrames.Challenge.class);
        if (!ch.relay().equals(relay.relayPeer)
                || !Identity.verify(ch.relay(), LoginFrames.signedChallengeBytes(ch.nonce(), ch.relay(), servedCertificate(c.control.channel)),
                        ch.signature().toArray())) {
            throw new IOException("relay challenge not signed by the relay's key");
        }
        byte[] sig = c.identity.sign(LoginFrames.signedLoginBytes(ch.relay(), ch.nonce(), c.identity.peerId()));
        c.send(new LoginFrames.Auth(c.identity.peerId(), Bytes.of(sig), relay.token(c.identity.peerId())));
        c.login = c.expect(LoginFrames.LoginOk.class);
        if (bindUdp) {
            c.bindUdp(group);
        }
        return c;
    }

    private void bindUdp(EventLoopGroup group) throws IOException, InterruptedException {
        udp = new Link(Framing.JUNCTION_UDP);
        Link l = udp;
        udp.channel = Net.udp(group, relay.udp, () -> new ChannelHandler[] {l});
        ByteBuf bind = Unpooled.buffer();
        UdpCodec.encode(UdpFrame.Bind.signed(login.udpBindKey().toArray(), login.reservation(), System.nanoTime() / 1000), bind);
        udp.sendRaw(bind);
        ByteBuf ack = udp.nextControl(STEP_MILLIS);
        if (ack == null || !(UdpCodec.decode(ack) instanceof UdpFrame.BindAck)) {
            throw new IOException("no BIND_ACK");
        }
    }

    /** Opens a circuit from this client to {@code callee}; both links carry its ID afterwards. */
    int connect(JunctionClient callee) throws IOException, InterruptedException {
        send(new CircuitFrames.Connect(1, callee.identity.peerId()));
        CircuitFrames.Incoming in = callee.expect(CircuitFrames.Incoming.class);
        callee.send(new CircuitFrames.Accept(in.circuit()));
        int id = expect(CircuitFrames.CircuitOpen.class).circuit();
        callee.expect(CircuitFrames.CircuitOpen.class);
        for (JunctionClient c : new JunctionClient[] {this, callee}) {
            c.control.id = id;
            if (c.udp != null) {
                c.udp.id = id;
            }
        }
        return id;
    }

    /** The link this client's relayed payloads travel on. */
    Link data() {
        return udp != null ? udp : control;
    }

    void send(ControlFrame frame) {
        ByteBuf b = Unpooled.buffer();
        ControlCodec.encode(frame, b);
        control.sendRaw(b);
    }

    <T extends ControlFrame> T expect(Class<T> kind) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + STEP_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            ByteBuf b = control.nextControl(Math.max(1, deadline - System.currentTimeMillis()));
            if (b == null) {
                break;
            }
            ControlFrame f = ControlCodec.decode(b);
            if (kind.isInstance(f)) {
                return kind.cast(f);
            }
            if (!(f instanceof LinkFrames.Ping)) {
                throw new IOException("expected " + kind.getSimpleName() + ", got " + f);
            }
        }
        throw new IOException("no " + kind.getSimpleName() + " within " + STEP_MILLIS + " ms");
    }

    @Override
    public void close() {
        if (udp != null) {
            udp.close();
        }
        control.close();
    }
}
