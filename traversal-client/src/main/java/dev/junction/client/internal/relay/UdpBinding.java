package dev.junction.client.internal.relay;

import dev.junction.client.internal.net.SessionSocket;
import dev.junction.wire.udp.UdpCodec;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The session socket's binding at the relay's UDP port (PROTOCOL.md sections 4 and 6.4): BIND
 * until BIND_ACK, then a PING every keepalive (at most 5 s apart) to hold the NAT mapping. Three unanswered PINGs mean the
 * binding is gone (the NAT dropped or changed the mapping, or UDP became blocked): the client falls
 * back to the TLS path and binds again. I/O thread only.
 */
public final class UdpBinding {
    /** What the client hears of the binding. */
    public interface Listener {
        /** Bound (again); {@code mapped} is the session socket's address as the relay sees it. */
        void udpBound(InetSocketAddress mapped, dev.junction.wire.control.AddressAttestation attestation);

        /** Not bound: every BIND went unanswered, or PINGs stopped being answered. */
        void udpUnbound(String reason);
    }

    /** Wait between BINDs. */
    static final long RETRY_MILLIS = 250;
    /** BINDs before giving up for now (2 s in all); the next keepalive tick tries again. */
    static final int BIND_ATTEMPTS = 8;
    /**
     * PINGs go out at least this often, whatever the keepalive: a 9-byte datagram is cheap, and a
     * binding that died must be noticed (three misses) well within the session idle timeout.
     */
    static final long PING_MAX_MILLIS = 5000;
    /** Unanswered PINGs that end a binding. */
    static final int MISSED_PONGS = 3;

    private final EventLoop loop;
    private final SessionSocket socket;
    private final Duration keepalive;
    private final Listener listener;
    private InetSocketAddress relay;
    private long reservation;
    private byte[] key;
    private long nonce;
    private int attempts;
    private int missed;
    private boolean bound;
    private ScheduledFuture<?> retry;
    private ScheduledFuture<?> ticker;

    public UdpBinding(EventLoop loop, SessionSocket socket, Duration keepalive, Listener listener) {
        this.loop = loop;
        this.socket = socket;
        this.keepalive = keepalive;
        this.listener = listener;
    }

    /** Binds the session socket to a new reservation (after every login). */
    public void start(InetSocketAddress relayUdp, long reservationId, byte[] bindKey, Duration period) {
        stop();
        this.relay = relayUdp;
        this.reservation = reservationId;
        this.key = bindKey.clone();
        long ms = Math.min(PING_MAX_MILLIS, Math.min(keepalive.toMillis(), period.toMillis()));
        ticker = loop.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
        attempts = 0;
        sendBind();
    }

    public boolean bound() {
        return bound;
    }

    /** The relay's UDP address, or null when not started. */
    public InetSocketAddress relay() {
        return relay;
    }

    private void sendBind() {
        if (relay == null) {
            return;
        }
        if (attempts++ >= BIND_ATTEMPTS) {
            listener.udpUnbound("no BIND_ACK from " + relay + " after " + BIND_ATTEMPTS + " tries (UDP blocked?)");
            return;
        }
        // Strictly increasing, as PROTOCOL.md asks (time in microseconds): the relay refuses a BIND
        // whose nonce is not above the last it accepted, so a captured one cannot be replayed.
        nonce = Math.max(nonce + 1, System.currentTimeMillis() * 1000);
        send(UdpFrame.Bind.signed(key, reservation, nonce));
        retry = loop.schedule(this::sendBind, RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void send(UdpFrame frame) {
        ByteBuf b = socket.channel().alloc().ioBuffer(64);
        UdpCodec.encode(frame, b);
        socket.send(b, relay);
    }

    private void tick() {
        if (!bound) {
            if (retry == null || retry.isDone()) {
                attempts = 0;
                sendBind();
            }
            return;
        }
        if (missed >= MISSED_PONGS) {
            bound = false;
            listener.udpUnbound("the relay stopped answering UDP keepalives");
            attempts = 0;
            sendBind();
            return;
        }
        if (missed > 0 && (retry == null || retry.isDone())) {
            // A PONG went missing: the NAT may have given this socket a new mapping, which the relay
            // does not know (it drops what comes from unbound addresses). BIND again at once.
            attempts = 0;
            sendBind();
        }
        missed++;
        send(new UdpFrame.Ping(nonce));
    }

    /** A BIND_ACK or PONG from {@code from}. */
    public void onFrame(UdpFrame frame, InetSocketAddress from) {
        if (!from.equals(relay)) {
            return;
        }
        if (frame instanceof UdpFrame.BindAck ack && ack.nonce() == nonce && (!bound || retry != null && !retry.isDone())) {
            bound = true;
            missed = 0;
            if (retry != null) {
                retry.cancel(false);
            }
            listener.udpBound(ack.observed(), ack.attestation());
        } else if (frame instanceof UdpFrame.Pong) {
            missed = 0;
        }
    }

    /** Binds again now, keeping the current binding meanwhile: the local network changed, so may the mapping. */
    public void rebind() {
        if (relay == null) {
            return;
        }
        if (retry != null) {
            retry.cancel(false);
        }
        attempts = 0;
        sendBind();
    }

    /** Forgets the binding (relay connection lost, client closing). */
    public void stop() {
        bound = false;
        missed = 0;
        relay = null;
        if (retry != null) {
            retry.cancel(false);
        }
        if (ticker != null) {
            ticker.cancel(false);
        }
    }
}
