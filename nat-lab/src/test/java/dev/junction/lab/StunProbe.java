package dev.junction.lab;

import dev.junction.wire.stun.StunAttribute;
import dev.junction.wire.stun.StunDecoder;
import dev.junction.wire.stun.StunEncoder;
import dev.junction.wire.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

/**
 * Run inside a lab namespace: sends the RFC 5780 test requests to a relay and prints one line per
 * answer, {@code TEST origin=IP:PORT mapped=IP:PORT other=IP:PORT} or {@code TEST timeout}.
 */
public final class StunProbe {
    private StunProbe() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        try (DatagramSocket s = new DatagramSocket(0)) {
            s.setSoTimeout(2000);
            probe(s, "plain", server, StunMessage.bindingRequest());
            probe(s, "change-ip-port", server, StunMessage.bindingRequest(new StunAttribute.ChangeRequest(true, true)));
            probe(s, "change-port", server, StunMessage.bindingRequest(new StunAttribute.ChangeRequest(false, true)));
            probe(s, "change-ip", server, StunMessage.bindingRequest(new StunAttribute.ChangeRequest(true, false)));
        }
    }

    private static void probe(DatagramSocket s, String name, InetSocketAddress server, StunMessage request) throws Exception {
        ByteBuf b = Unpooled.buffer();
        StunEncoder.PLAIN.encode(request, b);
        s.send(new DatagramPacket(b.array(), b.readableBytes(), server));
        byte[] buf = new byte[1500];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            System.out.println(name + " timeout");
            return;
        }
        StunMessage m = StunDecoder.decode(Unpooled.wrappedBuffer(buf, 0, p.getLength()));
        System.out.println(name + " from=" + hp((InetSocketAddress) p.getSocketAddress())
                + " origin=" + m.attribute(StunAttribute.ResponseOrigin.class).map(a -> hp(a.address())).orElse("-")
                + " mapped=" + m.attribute(StunAttribute.XorMappedAddress.class).map(a -> hp(a.address())).orElse("-")
                + " other=" + m.attribute(StunAttribute.OtherAddress.class).map(a -> hp(a.address())).orElse("-"));
    }

    private static String hp(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
