package dev.junction.relay.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AdminHandlerTest {
    @Test
    void routesAndRefusesWrites() {
        AtomicBoolean ready = new AtomicBoolean(true);
        EmbeddedChannel ch = new EmbeddedChannel(new AdminHandler(() -> "m 1.0\n", ready::get));
        assertThat(request(ch, HttpMethod.GET, "/metrics?x=1")).isEqualTo("200 m 1.0\n");
        assertThat(request(ch, HttpMethod.GET, "/readyz")).isEqualTo("200 ready\n");
        ready.set(false);
        assertThat(request(ch, HttpMethod.GET, "/readyz")).isEqualTo("503 draining\n");
        assertThat(request(ch, HttpMethod.POST, "/metrics")).startsWith("405");
        assertThat(request(ch, HttpMethod.GET, "/")).startsWith("404");
        assertFalse(ch.finish());
    }

    private static String request(EmbeddedChannel ch, HttpMethod method, String uri) {
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri));
        FullHttpResponse r = ch.readOutbound();
        String s = r.status().code() + " " + r.content().toString(StandardCharsets.UTF_8);
        r.release();
        return s;
    }
}
