package dev.junction.client.internal.path;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * One way a session's datagrams can travel (relay over UDP, relay over TLS, direct UDP, direct
 * TCP), held by the {@link PathMux} by {@link dev.junction.client.PathKind}. A transport writes its
 * own framing and sends; nothing climbs back up to send. I/O thread only.
 */
public interface PathTransport {
    /** Sends one of {@code route}'s datagrams (a QUIC packet or a session datagram); takes ownership. */
    void send(Route route, ByteBuf payload);

    /** Where {@code route}'s datagrams go on this transport, for path reports; null when unknown. */
    InetSocketAddress remote(Route route);
}
