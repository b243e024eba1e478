package dev.junction.relay.net;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Waits for a listener's bind and, when it fails, says which listener, where, and the setting that
 * moves it: "cannot listen for metrics on 127.0.0.1:9478: Address already in use; ... move it with
 * junction.relay.admin.port", never Netty's bare "bind(..) failed with error(-98)".
 */
public final class Listening {
    private Listening() {
    }

    /**
     * The bound channel of {@code bind}; a failure is a {@link BindException} naming {@code what}
     * (as the start-up lines do), {@code at}, and {@code setting}.
     */
    public static Channel await(ChannelFuture bind, String what, InetSocketAddress at, String setting)
            throws InterruptedException, BindException {
        bind.await();
        if (bind.isSuccess()) {
            return bind.channel();
        }
        Throwable cause = bind.cause();
        String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        int netty = reason.indexOf("failed with error(");
        if (netty >= 0 && reason.indexOf(':', netty) > 0) {
            reason = reason.substring(reason.indexOf(':', netty) + 1).strip(); // "bind(..) failed with error(-98): Address already in use"
        }
        BindException e = new BindException("cannot listen for " + what + " on " + at.getAddress().getHostAddress() + ":" + at.getPort()
                + ": " + reason + " (another relay or program may hold it); move it with " + setting
                + " in a --config file, or stop what holds it");
        e.initCause(cause);
        throw e;
    }

    /**
     * Binds {@code bootstrap} at {@code ip} for one address family of a dual-stack listener: at
     * {@code configured} for the first family ({@code firstFamily} null), at the first family's port
     * number for the second, or any port there when that number is taken and {@code configured} is 0
     * (the operator let the port be chosen).
     */
    public static Channel bindInFamily(AbstractBootstrap<?, ?> bootstrap, InetAddress ip, Channel firstFamily, int configured, String what,
                                       String setting) throws InterruptedException, BindException {
        int port = firstFamily == null ? configured : ((InetSocketAddress) firstFamily.localAddress()).getPort();
        InetSocketAddress at = new InetSocketAddress(ip, port);
        try {
            return await(bootstrap.bind(at), what, at, setting);
        } catch (BindException e) {
            if (firstFamily == null || configured != 0) {
                throw e;
            }
            InetSocketAddress any = new InetSocketAddress(ip, 0);
            return await(bootstrap.bind(any), what, any, setting);
        }
    }
}
