package dev.junction.relay.turn;

import dev.junction.wire.Bytes;
import dev.junction.wire.stun.ChannelData;
import dev.junction.wire.stun.StunAttribute;
import dev.junction.wire.stun.StunClass;
import dev.junction.wire.stun.StunDecoder;
import dev.junction.wire.stun.StunEncoder;
import dev.junction.wire.stun.StunIntegrity;
import dev.junction.wire.stun.StunMessage;
import dev.junction.wire.stun.StunMessageType;
import dev.junction.wire.stun.TurnAttribute;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small, blocking TURN client over a real UDP socket, for tests: it does the long-term credential
 * dance (401, then REALM and NONCE) and checks the integrity of every authenticated response.
 */
final class TurnTestClient implements AutoCloseable {
    final DatagramSocket socket;
    final InetSocketAddress server;
    String username;
    String password;
    String realm;
    String nonce;
    byte[] key;
    /** Datagrams that were not the response awaited (Data indications, ChannelData), in order. */
    final List<byte[]> other = new ArrayList<>();

    TurnTestClient(InetSocketAddress server, String username, String password) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.socket.setSoTimeout(3000);
        this.server = server;
        this.username = username;
        this.password = password;
    }

    static StunMessage request(int method, StunAttribute... attributes) {
        return new StunMessage(StunClass.REQUEST, method, StunMessage.newTransactionId(), List.of(attributes));
    }

    /** Sends {@code request} with credentials (after a first 401, or a 438), returns the final response. */
    StunMessage call(StunMessage request) throws IOException {
        if (username == null) {
            return exchange(request, null);
        }
        if (nonce == null) {
            StunMessage challenge = exchange(request, null);
            if (challenge.messageClass() != StunClass.ERROR_RESPONSE || code(challenge) != 401) {
                return challenge;
            }
            learn(challenge);
        }
        StunMessage response = exchange(withCredentials(request), key);
        if (response.messageClass() == StunClass.ERROR_RESPONSE && code(response) == 438) {
            learn(response);
            response = exchange(withCredentials(request), key);
        }
        return response;
    }

    private void learn(StunMessage challenge) {
        realm = challenge.attribute(StunAttribute.Realm.class).orElseThrow().text();
        nonce = challenge.attribute(StunAttribute.Nonce.class).orElseThrow().text();
        key = StunIntegrity.longTermKey(username, realm, password);
    }

    StunMessage withCredentials(StunMessage request) {
        List<StunAttribute> attrs = new ArrayList<>(request.attributes());
        attrs.add(new StunAttribute.Username(username));
        attrs.add(new StunAttribute.Realm(realm));
        attrs.add(new StunAttribute.Nonce(nonce));
        return new StunMessage(request.messageClass(), request.method(), StunMessage.newTransactionId(), attrs);
    }

    /** Sends {@code m} (with MESSAGE-INTEGRITY under {@code integrity} if not null) and waits for its response. */
    StunMessage exchange(StunMessage m, byte[] integrity) throws IOException {
        send(m, integrity);
        long until = System.currentTimeMillis() + 3000;
        while (System.currentTimeMillis() < until) {
            byte[] d = receive();
            if (d == null) {
                break;
            }
            ByteBuf buf = Unpooled.wrappedBuffer(d);
            if ((d[0] & 0xC0) == 0 && StunDecoder.looksLikeStun(buf)) {
                StunMessage r = StunDecoder.decode(buf);
                if (r.transactionId().equals(m.transactionId())) {
                    if (integrity != null && r.messageClass() == StunClass.SUCCESS_RESPONSE && !StunIntegrity.verify(buf, integrity)) {
                        throw new AssertionError("the response's MESSAGE-INTEGRITY does not verify");
                    }
                    return r;
                }
            }
            other.add(d);
        }
        throw new SocketTimeoutException("no response to " + m.method() + " within 3 s");
    }

    void send(StunMessage m, byte[] integrity) throws IOException {
        ByteBuf out = Unpooled.buffer();
        (integrity == null ? StunEncoder.FINGERPRINT : StunEncoder.FINGERPRINT.withIntegrity(integrity)).encode(m, out);
        sendRaw(Arrays.copyOfRange(out.array(), out.arrayOffset() + out.readerIndex(), out.arrayOffset() + out.writerIndex()));
    }

    void sendRaw(byte[] d) throws IOException {
        socket.send(new DatagramPacket(d, d.length, server));
    }

    void channelData(int channel, byte[] data) throws IOException {
        ByteBuf out = Unpooled.buffer();
        ChannelData.writeHeader(out, channel, data.length);
        out.writeBytes(data);
        sendRaw(Arrays.copyOf(out.array(), out.writerIndex()));
    }

    /** The next datagram (kept ones first), or null after the socket's timeout. */
    byte[] receive() throws IOException {
        return other.isEmpty() ? receiveFresh() : other.remove(0);
    }

    /** Receives straight from the socket (not the kept ones), for data after the responses. */
    byte[] receiveFresh() throws IOException {
        byte[] b = new byte[70_000];
        DatagramPacket p = new DatagramPacket(b, b.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(b, p.getLength());
    }

    /** Allocates a UDP relayed address; returns it. */
    InetSocketAddress allocate() throws IOException {
        StunMessage r = call(request(StunMessageType.METHOD_ALLOCATE, new TurnAttribute.RequestedTransport(TurnAttribute.TRANSPORT_UDP)));
        if (r.messageClass() != StunClass.SUCCESS_RESPONSE) {
            throw new AssertionError("Allocate failed: " + r.attribute(StunAttribute.ErrorCode.class).orElseThrow());
        }
        return r.attribute(TurnAttribute.XorRelayedAddress.class).orElseThrow().address();
    }

    StunMessage permit(InetSocketAddress peer) throws IOException {
        return call(request(StunMessageType.METHOD_CREATE_PERMISSION, new TurnAttribute.XorPeerAddress(peer)));
    }

    StunMessage bind(int channel, InetSocketAddress peer) throws IOException {
        return call(request(StunMessageType.METHOD_CHANNEL_BIND, new TurnAttribute.ChannelNumber(channel), new TurnAttribute.XorPeerAddress(peer)));
    }

    static int code(StunMessage m) {
        return m.attribute(StunAttribute.ErrorCode.class).map(StunAttribute.ErrorCode::code).orElse(0);
    }

    static Bytes bytes(String s) {
        return Bytes.of(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        socket.close();
    }
}
