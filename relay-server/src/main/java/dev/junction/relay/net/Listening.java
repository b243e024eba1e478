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
     * Fails, as {@link #await} does, when another socket holds UDP {@code at}: checked with a socket
     * that does not set SO_REUSEPORT before the relay opens its own that do, since a second relay
     * setting SO_REUSEPORT too would otherwise share the port silently and get half the clients'
     * datagrams. Port 0 is always free.
     */
    public static void checkUdpFree(InetSocketAddress at, String what, String setting) throws BindException {
        if (at.getPort() == 0) {
            return;
        }
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(null)) {
            probe.setReuseAddress(false);
            probe.bind(at);
        } catch (BindException e) {
            BindException clear = new BindException("cannot listen for " + what + " on " + at.getAddress().getHostAddress() + ":"
                    + at.getPort() + ": " + e.getMessage() + " (another relay or program may hold it); move it with " + setting
                    + " in a --config file, or stop what holds it");
            clear.initCause(e);
            throw clear;
        } catch (java.io.IOException e) {
            // Not a bind conflict (a socket could not be made at all): the relay's own bind reports it.
        }
    }

    /**
     * A UDP port free at {@code ip} for sockets that will share it: the kernel's pick for a socket
     * without SO_REUSEPORT. (Given port 0 with SO_REUSEPORT set, the kernel may pick a port another
     * relay of the same user already shares, and join it.) Racy in principle, as any probe; a loss
     * shows as a bind error, which a relay with stun-port 0 retries.
     */
    public static int freeUdpPort(InetAddress ip) throws BindException {
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(null)) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(ip, 0));
            return probe.getLocalPort();
        } catch (BindException e) {
            throw e;
        } catch (java.io.IOException e) {
            BindException b = new BindException("cannot find a free UDP port at " + ip.getHostAddress() + ": " + e.getMessage());
            b.initCause(e);
            throw b;
        }
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
