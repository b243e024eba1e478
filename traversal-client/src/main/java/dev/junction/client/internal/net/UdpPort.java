package dev.junction.client.internal.net;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** A UDP socket a direct path can leave from: the session socket or one of punching's extra sockets. */
public interface UdpPort {
    /** Sends a datagram; takes ownership of {@code content}. */
    void send(ByteBuf content, InetSocketAddress to);

    void close();
}
