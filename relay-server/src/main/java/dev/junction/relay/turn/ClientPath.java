package dev.junction.relay.turn;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * The way back to one TURN client: over UDP a datagram from the socket its request arrived on, over
 * TCP or TLS its connection. Written from that channel's event loop only, where the client's
 * allocation and its relayed socket live too; {@link #send} writes, {@link #flush} sends what was
 * written (once per read batch).
 */
public interface ClientPath {
    FiveTuple key();

    EventLoop eventLoop();

    /** Writes {@code message} (released either way); false when it was dropped (a TCP client that reads too slowly). */
    boolean send(ByteBuf message);

    void flush();

    /** True on TCP and TLS, where ChannelData is padded to four bytes. */
    default boolean stream() {
        return key().transport() != TurnMetrics.Transport.UDP;
    }

    /** A client on the relay's UDP socket {@code socket}. */
    static ClientPath udp(Channel socket, InetSocketAddress local, InetSocketAddress client) {
        FiveTuple key = new FiveTuple(TurnMetrics.Transport.UDP, client, local);
        return new ClientPath() {
            @Override
            public FiveTuple key() {
                return key;
            }

            @Override
            public EventLoop eventLoop() {
                return socket.eventLoop();
            }

            @Override
            public boolean send(ByteBuf message) {
                socket.write(new DatagramPacket(message, client), socket.voidPromise());
                return true;
            }

            @Override
            public void flush() {
                socket.flush();
            }
        };
    }

    /** A client on a TCP or TLS connection. */
    static ClientPath stream(Channel connection, TurnMetrics.Transport transport) {
        FiveTuple key = new FiveTuple(transport, (InetSocketAddress) connection.remoteAddress(), (InetSocketAddress) connection.localAddress());
        return new ClientPath() {
            @Override
            public FiveTuple key() {
                return key;
            }

            @Override
            public EventLoop eventLoop() {
                return connection.eventLoop();
            }

            @Override
            public boolean send(ByteBuf message) {
                if (!connection.isWritable()) {
                    message.release();
                    return false;
                }
                connection.write(message, connection.voidPromise());
                return true;
            }

            @Override
            public void flush() {
                connection.flush();
            }
        };
    }
}
