package dev.junction.relay.attack;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

/** One plain RFC 8489 Binding request over UDP, by hand, for "is the relay still answering?". */
final class StunProbe {
    private StunProbe() {
    }

    /** A 20-byte Binding request: type 0x0001, length 0, the magic cookie, a transaction ID. */
    static byte[] request(byte id) {
        byte[] r = new byte[20];
        r[1] = 0x01;             // Binding request
        r[4] = 0x21;             // magic cookie 0x2112A442
        r[5] = 0x12;
        r[6] = (byte) 0xA4;
        r[7] = 0x42;
        r[8] = id;               // transaction ID (12 bytes, the rest zero)
        return r;
    }

    static boolean binding(InetSocketAddress stun) throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(1000);
            for (int attempt = 0; attempt < 3; attempt++) {
                byte[] r = request((byte) attempt);
                s.send(new DatagramPacket(r, r.length, stun));
                try {
                    DatagramPacket answer = new DatagramPacket(new byte[1500], 1500);
                    s.receive(answer);
                    return answer.getLength() >= 20 && answer.getData()[0] == 0x01 && answer.getData()[1] == 0x01;
                } catch (SocketTimeoutException e) {
                    // try again
                }
            }
            return false;
        }
    }
}
