package dev.junction.client.internal.relay;

import dev.junction.client.internal.net.SessionSocket;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.udp.UdpCodec;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The relay's statement of the session socket's address in the relay's other address family (a
 * dual-stack relay, PROTOCOL.md section 4 ATTEST): the client logged in and binds in one family,
 * and asks the relay's UDP address of the other for a BIND_ACK without moving its binding. Asked
 * after each login, again every {@link #REFRESH_MILLIS} (statements last a day) and after a network
 * change; {@value #ATTEMPTS} tries {@value #RETRY_MILLIS} ms apart, then silence until the next
 * occasion. I/O thread only.
 */
public final class FamilyAttestation {
    static final long RETRY_MILLIS = 250;
    static final int ATTEMPTS = 8;
    /** Asked again this often: well inside a statement's validity ({@link AddressAttestation#VALIDITY}). */
    static final long REFRESH_MILLIS = TimeUnit.HOURS.toMillis(6);

    private final EventLoop loop;
    private final SessionSocket socket;
    /** Gets the address the relay saw and its statement; (null, null) when the family is lost. */
    private final BiConsumer<InetSocketAddress, AddressAttestation> listener;
    private InetSocketAddress relay;
    private long reservation;
    private byte[] key;
    private long nonce;
    private int attempts;
    private ScheduledFuture<?> retry;
    private ScheduledFuture<?> refresh;

    public FamilyAttestation(EventLoop loop, SessionSocket socket, BiConsumer<InetSocketAddress, AddressAttestation> listener) {
        this.loop = loop;
        this.socket = socket;
        this.listener = listener;
    }

    /** Asks {@code relayUdp} (the relay's other family) for statements about reservation {@code reservationId}'s socket. */
    public void start(InetSocketAddress relayUdp, long reservationId, byte[] bindKey) {
        stop();
        this.relay = relayUdp;
        this.reservation = reservationId;
        this.key = bindKey.clone();
        refresh = loop.scheduleAtFixedRate(this::ask, REFRESH_MILLIS, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
        ask();
    }

    /** Asks again now (the network changed: the address may have too). */
    public void ask() {
        if (relay == null) {
            return;
        }
        if (retry != null) {
            retry.cancel(false);
        }
        attempts = 0;
        send();
    }

    private void send() {
        if (relay == null || attempts++ >= ATTEMPTS) {
            return; // this family does not get through now; the next occasion asks again
        }
        nonce = Math.max(nonce + 1, System.currentTimeMillis() * 1000);
        ByteBuf b = socket.channel().alloc().ioBuffer(64);
        UdpCodec.encode(UdpFrame.Attest.signed(key, reservation, nonce), b);
        socket.send(b, relay);
        retry = loop.schedule(this::send, RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A BIND_ACK from {@code from}: taken when it answers this family's current ATTEST. */
    public void onFrame(UdpFrame frame, InetSocketAddress from) {
        if (relay != null && from.equals(relay) && frame instanceof UdpFrame.BindAck ack && ack.nonce() == nonce) {
            if (retry != null) {
                retry.cancel(false);
            }
            listener.accept(ack.observed(), ack.attestation());
        }
    }

    /** Forgets the family (relay connection lost, client closing). */
    public void stop() {
        if (relay != null) {
            listener.accept(null, null);
        }
        relay = null;
        if (retry != null) {
            retry.cancel(false);
        }
        if (refresh != null) {
            refresh.cancel(false);
        }
    }
}
