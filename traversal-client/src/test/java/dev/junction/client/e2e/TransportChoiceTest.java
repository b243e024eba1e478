package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.client.internal.net.ClientTransport;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.junit.jupiter.api.Test;

/**
 * The e2e suite runs twice (pom: the default execution and "nio"): this proves which transport each
 * run used, so a green NIO run means the NIO path was exercised, not epoll again.
 */
class TransportChoiceTest {
    @Test
    void theTransportIsTheOneThisRunAskedFor() {
        ClientTransport t = new ClientTransport();
        try {
            if (Boolean.getBoolean("junction.nio") || !Epoll.isAvailable()) {
                assertThat(t.datagramChannel()).isEqualTo(NioDatagramChannel.class);
            } else {
                assertThat(t.datagramChannel().getSimpleName()).isEqualTo("EpollDatagramChannel");
            }
        } finally {
            t.shutdown();
        }
    }
}
