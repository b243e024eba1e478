package dev.junction.relay.control;

import dev.junction.relay.RelayContext;
import dev.junction.relay.fleet.RelayEntry;
import dev.junction.relay.reservation.Reservation;
import dev.junction.wire.Bytes;
import dev.junction.wire.ProtocolVersion;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The dialling side of a mesh login, the client's login with two differences: HELLO sets the
 * {@link LoginFrames.Hello#MESH} capability, and AUTH carries a token minted with the fleet secret.
 * <pre>
 * → HELLO (version, MESH)   ← CHALLENGE (the relay the directory named, signed over this TLS certificate)
 * → AUTH (this relay, signature, fleet token)   ← LOGIN_OK (link ID, UDP port and bind key)
 * </pre>
 * Then the connection is handed to {@link MeshSession}. Any other answer fails the dial.
 */
final class MeshHandshake extends ChannelInboundHandlerAdapter {
    /** What a dial yields: the link, and what the other relay's LOGIN_OK said about binding UDP to it. */
    record Linked(Reservation link, long remoteId, int udpPort, byte[] udpBindKey) {
    }

    /** Where the login stands; assigned only in {@link #channelRead} and on the TLS handshake. */
    enum State {
        /** Entered on connect: the TLS handshake runs. */
        TLS,
        /** Entered when TLS is up and HELLO sent: CHALLENGE is awaited. */
        AWAIT_CHALLENGE,
        /** Entered on a valid CHALLENGE, AUTH sent: LOGIN_OK is awaited. */
        AWAIT_LOGIN_OK,
        /** Entered on LOGIN_OK (handed over) or failure. */
        DONE
    }

    private final RelayContext relay;
    private final RelayEntry to;
    private final CompletableFuture<Linked> done;
    private State state = State.TLS;

    MeshHandshake(RelayContext relay, RelayEntry to, CompletableFuture<Linked> done) {
        this.relay = relay;
        this.to = to;
        this.done = done;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent tls && state == State.TLS) {
            if (!tls.isSuccess()) {
                fail(ctx, "TLS: " + tls.cause().getMessage());
                return;
            }
            state = State.AWAIT_CHALLENGE;
            ctx.writeAndFlush(new LoginFrames.Hello(ProtocolVersion.CURRENT, LoginFrames.Hello.MESH));
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof ControlFrame frame)) {
                fail(ctx, "DATA before the mesh login");
            } else if (frame instanceof LinkFrames.Error e) {
                fail(ctx, "refused: " + e.code() + " " + e.message());
            } else if (state == State.AWAIT_CHALLENGE && frame instanceof LoginFrames.Challenge c) {
                onChallenge(ctx, c);
            } else if (state == State.AWAIT_LOGIN_OK && frame instanceof LoginFrames.LoginOk ok) {
                state = State.DONE;
                Reservation link = MeshSession.dialled(ctx, relay, to.relay());
                done.complete(new Linked(link, ok.reservation(), ok.udpPort(), ok.udpBindKey().toArray()));
            } else {
                fail(ctx, "unexpected " + frame.type() + " in state " + state);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onChallenge(ChannelHandlerContext ctx, LoginFrames.Challenge c) {
        PeerId expected = to.relay();
        if (c.version() != ProtocolVersion.CURRENT || !c.relay().equals(expected)) {
            fail(ctx, "answered as " + c.relay() + " version " + c.version() + ", expected " + expected);
            return;
        }
        byte[] served;
        try {
            Certificate[] chain = ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
            served = LoginFrames.certificateSha256(chain[0].getEncoded());
        } catch (SSLPeerUnverifiedException | CertificateEncodingException e) {
            fail(ctx, "no usable TLS certificate: " + e.getMessage());
            return;
        }
        if (!Identity.verify(expected, LoginFrames.signedChallengeBytes(c.nonce(), expected, served), c.signature().toArray())) {
            relay.mesh().forged();
            fail(ctx, "CHALLENGE not signed by " + expected + " over the certificate it served");
            return;
        }
        PeerId self = relay.identity().peerId();
        state = State.AWAIT_LOGIN_OK;
        ctx.writeAndFlush(new LoginFrames.Auth(self, Bytes.of(relay.identity().sign(LoginFrames.signedLoginBytes(expected, c.nonce(), self))),
                relay.mesh().token()));
    }

    private void fail(ChannelHandlerContext ctx, String why) {
        state = State.DONE;
        done.completeExceptionally(new IllegalStateException("mesh login to " + to.relay().shortString() + " at " + to.control() + ": " + why));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state != State.DONE) {
            fail(ctx, "connection closed during login");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state != State.DONE) {
            fail(ctx, cause.toString());
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }
}
