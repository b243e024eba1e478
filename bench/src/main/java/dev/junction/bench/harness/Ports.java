package dev.junction.bench.harness;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** A loopback port free for both TCP and UDP at the moment of asking (servers that take a fixed port). */
final class Ports {
    private Ports() {
    }

    static int free() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.bind(new InetSocketAddress("127.0.0.1", 0));
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
                    return port;
                } catch (IOException e) {
                    // taken on UDP: try another
                }
            }
        }
        throw new IOException("no free loopback port");
    }
}
