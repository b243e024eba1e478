package dev.junction.client.internal.path;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** How the mux sends a session's datagrams: via the relay or direct; each call takes ownership of the payload. */
public interface RelayPaths {
    /** As a UDP RELAY_DATA frame from the session socket. */
    void sendUdp(int circuit, ByteBuf payload);

    /** As a DATA frame on the TLS connection. */
    void sendTcp(int circuit, ByteBuf payload);

    /** Where relayed-UDP datagrams go, for path reports. */
    InetSocketAddress relayUdp();

    /** Where the TLS connection goes, for path reports. */
    InetSocketAddress relayTcp();
}
