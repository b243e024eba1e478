package dev.junction.relay;

import dev.junction.wire.Bytes;
import dev.junction.wire.udp.UdpCodec;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

/** A client's UDP socket for relay tests: BIND, RELAY_DATA, raw datagrams. */
public final class UdpPeer implements AutoCloseable {
    public final DatagramSocket socket;
    private final InetSocketAddress relay;

    public UdpPeer(InetSocketAddress relay) throws Exception {
        this(relay, new InetSocketAddress("127.0.0.1", 0));
    }

    /** A socket bound at {@code local} (::1 for an IPv6 client). */
    public UdpPeer(InetSocketAddress relay, InetSocketAddress local) throws Exception {
        this.socket = new DatagramSocket(local);
        this.socket.setSoTimeout(3000);
        this.relay = relay;
    }

    public void send(UdpFrame frame) throws Exception {
        ByteBuf b = Unpooled.buffer();
        UdpCodec.encode(frame, b);
        sendRaw(b.array(), b.readableBytes());
    }

    public void sendRaw(byte[] data, int length) throws Exception {
        socket.send(new DatagramPacket(data, length, relay));
    }

    /** Binds this socket to the reservation; returns the BIND_ACK. */
    public UdpFrame.BindAck bind(long reservation, Bytes key) throws Exception {
        send(UdpFrame.Bind.signed(key.toArray(), reservation, System.nanoTime()));
        return (UdpFrame.BindAck) receive();
    }

    /** The next datagram decoded, or null after the socket timeout. */
    public UdpFrame receive() throws Exception {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return UdpCodec.decode(Unpooled.wrappedBuffer(buf, 0, p.getLength()));
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        socket.close();
    }
}
