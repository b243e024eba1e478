package dev.junction.bench.harness;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One TURN client of coturn over UDP or TCP: Allocate with long-term credentials (the first request
 * draws 401 with REALM and NONCE, the second carries MESSAGE-INTEGRITY), then ChannelBind to the
 * peer's relayed address (which also installs the permission, RFC 8656 section 12). After that its
 * {@link Link} sends and receives ChannelData. Closing deletes the allocation (Refresh with LIFETIME
 * 0): a UDP allocation outlives its socket, and a later socket that gets the same port number would
 * otherwise meet 437 Allocation Mismatch.
 */
final class TurnClient implements AutoCloseable {
    /** How long one request may wait for its response (loopback: anything slower is a failure). */
    static final int RESPONSE_MILLIS = 5000;
    /** How long closing waits for the deleting Refresh to be answered before closing anyway. */
    static final int REFRESH_MILLIS = 1000;

    final Link link;
    private final byte[] key;
    private String nonce;
    InetSocketAddress relayed;

    private TurnClient(Link link) {
        this.link = link;
        this.key = TurnMessage.longTermKey(CoturnProcess.USER, CoturnProcess.REALM, CoturnProcess.PASSWORD);
    }

    /** Sockets tried when coturn still holds an allocation for a reused local port (437). */
    static final int ALLOCATE_ATTEMPTS = 5;

    /** How the client reaches coturn. */
    enum Transport {
        UDP,
        TCP,
        /** TURN over TLS (RFC 8656 section 3.1): the same stream as TCP inside TLS (1.2: see {@link Net#TLS12}). */
        TLS
    }

    static TurnClient allocate(EventLoopGroup group, InetSocketAddress server, Transport transport) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return allocateOnce(group, server, transport);
            } catch (MismatchException e) {
                if (attempt >= ALLOCATE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static final class MismatchException extends IOException {
        MismatchException() {
            super("437 Allocation Mismatch: coturn still holds an allocation for this local port");
        }
    }

    private static TurnClient allocateOnce(EventLoopGroup group, InetSocketAddress server, Transport transport)
            throws IOException, InterruptedException {
        Link link = new Link(transport == Transport.UDP ? Framing.TURN_UDP : Framing.TURN_TCP);
        link.channel = switch (transport) {
            case UDP -> Net.udp(group, server, () -> new ChannelHandler[] {link});
            case TCP -> Net.tcp(group, server, () -> new ChannelHandler[] {new TurnFrameDecoder(), link});
            case TLS -> Net.tcp(group, server, () -> new ChannelHandler[] {
                Net.TLS12.newHandler(PooledByteBufAllocator.DEFAULT, server.getHostString(), server.getPort()),
                new TurnFrameDecoder(), link});
        };
        TurnClient c = new TurnClient(link);
        TurnMessage challenge = c.transact(TurnMessage.request(TurnMessage.ALLOCATE_REQUEST, txid())
                .add(TurnMessage.REQUESTED_TRANSPORT, TurnMessage.udpTransport()), false);
        if (challenge.errorCode() == TurnMessage.ALLOCATION_MISMATCH) {
            link.close(); // a fresh socket gets another port
            throw new MismatchException();
        }
        if (challenge.errorCode() != 401) {
            link.close();
            throw new IOException("coturn answered the first Allocate with " + challenge.errorCode() + ", not 401");
        }
        c.nonce = challenge.text(TurnMessage.NONCE);
        TurnMessage ok = c.transact(TurnMessage.request(TurnMessage.ALLOCATE_REQUEST, txid())
                .add(TurnMessage.REQUESTED_TRANSPORT, TurnMessage.udpTransport())
                .add(TurnMessage.LIFETIME, new byte[] {0, 0, 0x0E, 0x10}) // 3600 s: outlives any run
                .credentials(CoturnProcess.USER, CoturnProcess.REALM, c.nonce), true);
        if (ok.type != TurnMessage.ALLOCATE_SUCCESS) {
            throw new IOException("Allocate failed: " + ok.errorCode());
        }
        c.relayed = ok.xorAddress(TurnMessage.XOR_RELAYED_ADDRESS);
        return c;
    }

    /** Binds {@code channel} to {@code peer} (a relayed address); data frames then use it. */
    void channelBind(int channel, InetSocketAddress peer) throws IOException, InterruptedException {
        TurnMessage r = transact(TurnMessage.request(TurnMessage.CHANNEL_BIND_REQUEST, txid())
                .add(TurnMessage.CHANNEL_NUMBER, TurnMessage.channelNumberValue(channel))
                .add(TurnMessage.XOR_PEER_ADDRESS, TurnMessage.xorAddressValue(peer))
                .credentials(CoturnProcess.USER, CoturnProcess.REALM, nonce), true);
        if (r.type != TurnMessage.CHANNEL_BIND_SUCCESS) {
            throw new IOException("ChannelBind failed: " + r.errorCode());
        }
        link.id = channel;
    }

    private TurnMessage transact(TurnMessage.Builder request, boolean sign) throws IOException, InterruptedException {
        return transact(request, sign, RESPONSE_MILLIS);
    }

    private TurnMessage transact(TurnMessage.Builder request, boolean sign, int millis) throws IOException, InterruptedException {
        byte[] bytes = request.encode(sign ? key : null);
        link.sendRaw(bytes);
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            ByteBuf b = link.nextControl(Math.max(1, deadline - System.currentTimeMillis()));
            if (b == null) {
                break;
            }
            TurnMessage m = TurnMessage.parse(b);
            if (Arrays.equals(m.transactionId, Arrays.copyOfRange(bytes, 8, 20))) {
                return m;
            }
        }
        throw new IOException("no TURN response within " + millis + " ms");
    }

    static byte[] txid() {
        byte[] t = new byte[12];
        ThreadLocalRandom.current().nextBytes(t);
        return t;
    }

    /** Two allocations bound to each other on one channel number: a relayed pair. */
    static TurnClient[] pair(EventLoopGroup group, InetSocketAddress server, Transport transport) throws IOException, InterruptedException {
        TurnClient a = allocate(group, server, transport);
        TurnClient b = allocate(group, server, transport);
        a.channelBind(TurnMessage.FIRST_CHANNEL, b.relayed);
        b.channelBind(TurnMessage.FIRST_CHANNEL, a.relayed);
        return new TurnClient[] {a, b};
    }

    /** Deletes the allocation (Refresh, LIFETIME 0), then closes the socket. */
    @Override
    public void close() {
        try {
            if (relayed != null && link.channel != null && link.channel.isActive()) {
                transact(TurnMessage.request(TurnMessage.REFRESH_REQUEST, txid())
                        .add(TurnMessage.LIFETIME, new byte[4])
                        .credentials(CoturnProcess.USER, CoturnProcess.REALM, nonce), true, REFRESH_MILLIS);
            }
        } catch (IOException e) {
            // closing anyway; coturn expires the allocation by itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            link.close();
        }
    }
}
