package dev.junction.client.internal.path;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * A punched direct path: each route names its own peer address and the port it leaves from (the
 * session socket, a port-prediction socket, or a TCP path whose framing is its own).
 */
public final class DirectTransport implements PathTransport {
    @Override
    public void send(Route route, ByteBuf payload) {
        if (route.directPort() == null) {
            payload.release();
            return;
        }
        route.directPort().send(payload, route.direct());
    }

    @Override
    public InetSocketAddress remote(Route route) {
        return route.direct();
    }
}
