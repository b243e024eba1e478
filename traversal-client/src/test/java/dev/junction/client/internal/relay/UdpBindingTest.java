package dev.junction.client.internal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.client.internal.net.ClientTransport;
import dev.junction.client.internal.net.DatagramSorter;
import dev.junction.client.internal.net.SessionSocket;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.udp.UdpCodec;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The UDP binding against a relay played by a plain socket on loopback: BIND until BIND_ACK, PINGs
 * while bound, unbound after three unanswered PINGs, BIND again at once.
 */
class UdpBindingTest {
    static final byte[] KEY = new byte[32];
    private final ClientTransport transport = new ClientTransport();
    private final BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    private SessionSocket socket;
    private DatagramSocket relay;

    @AfterEach
    void close() {
        if (socket != null) {
            socket.close();
        }
        if (relay != null) {
            relay.close();
        }
        transport.shutdown();
    }

    private UdpFrame receive() throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[512], 512);
        relay.receive(p);
        return UdpCodec.decode(Unpooled.wrappedBuffer(p.getData(), 0, p.getLength()));
    }

    private void answer(UdpFrame frame, InetSocketAddress to) throws Exception {
        ByteBuf b = Unpooled.buffer();
        UdpCodec.encode(frame, b);
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        relay.send(new DatagramPacket(bytes, bytes.length, to));
    }

    @Test
    void bindsThenNoticesWhenTheRelayStopsAnswering() throws Exception {
        relay = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        relay.setSoTimeout(3000);
        EventLoop loop = transport.group().next();
        UdpBinding[] binding = new UdpBinding[1];
        DatagramSorter sorter = new DatagramSorter().wire(p -> p.release(), DatagramSorter.DROP, (f, from, via) -> { },
                (f, from) -> binding[0].onFrame(f, from), (from, b) -> b.release(), () -> { });
        socket = SessionSocket.bind(transport, new InetSocketAddress("127.0.0.1", 0), sorter);
        sorter.serve(socket);
        binding[0] = new UdpBinding(loop, socket, Duration.ofMillis(100), new UdpBinding.Listener() {
            @Override
            public void udpBound(InetSocketAddress mapped, AddressAttestation attestation) {
                heard.add("bound " + mapped);
            }

            @Override
            public void udpUnbound(String reason) {
                heard.add("unbound: " + reason);
            }
        });
        InetSocketAddress relayAddress = (InetSocketAddress) relay.getLocalSocketAddress();
        loop.execute(() -> binding[0].start(relayAddress, 42, KEY, Duration.ofSeconds(20)));

        // BIND, signed with the key, for the reservation; the relay answers with what it saw.
        UdpFrame first = receive();
        assertThat(first).isInstanceOf(UdpFrame.Bind.class);
        UdpFrame.Bind bind = (UdpFrame.Bind) first;
        assertThat(bind.reservation()).isEqualTo(42);
        assertThat(bind).isEqualTo(UdpFrame.Bind.signed(KEY, 42, bind.nonce()));
        InetSocketAddress client = socket.localAddress();
        Identity relayId = Identity.generate();
        answer(new UdpFrame.BindAck(bind.nonce(), client, AddressAttestation.sign(relayId, Identity.generate().peerId(),
                AddressAttestation.Transport.UDP, client, Instant.now())), client);
        assertThat(heard.poll(3, TimeUnit.SECONDS)).isEqualTo("bound " + client);
        assertThat(loop.submit(() -> binding[0].bound()).get()).isTrue();

        // Bound: PINGs come every keepalive (100 ms); answered, the binding holds.
        int pongs = 0;
        for (int i = 0; i < 20 && pongs < 3; i++) {
            if (receive() instanceof UdpFrame.Ping ping) { // a BIND sent before the ACK arrived may still be on its way
                answer(new UdpFrame.Pong(ping.nonce()), client);
                pongs++;
            }
        }
        assertThat(pongs).as("PINGs while bound").isEqualTo(3);
        assertThat(heard).isEmpty();

        // The relay goes silent: three PINGs unanswered, and the binding is given up and tried again.
        long silentFrom = System.nanoTime();
        String next = heard.poll(3, TimeUnit.SECONDS);
        assertThat(next).isEqualTo("unbound: the relay stopped answering UDP keepalives");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silentFrom)).as("within a few keepalives").isLessThan(2000);
        assertThat(loop.submit(() -> binding[0].bound()).get()).isFalse();
        boolean bindAgain = false;
        try {
            for (int i = 0; i < 20 && !bindAgain; i++) {
                bindAgain = receive() instanceof UdpFrame.Bind;
            }
        } catch (SocketTimeoutException e) {
            // reported below
        }
        assertThat(bindAgain).as("BIND again after the binding was lost").isTrue();
    }
}
