package dev.junction.relay.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the relay's admin endpoint: /healthz and single samples of /metrics. */
final class AdminScrape {
    /** Per request; the admin endpoint answers in milliseconds unless the relay is in trouble. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final InetSocketAddress admin;

    AdminScrape(InetSocketAddress admin) {
        this.admin = admin;
    }

    int healthz() throws IOException, InterruptedException {
        return get("/healthz").statusCode();
    }

    String metrics() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/metrics");
        if (r.statusCode() != 200) {
            throw new IOException("/metrics answered " + r.statusCode());
        }
        return r.body();
    }

    /**
     * The value of one sample of {@code text}, e.g. {@code junction_reservations} or
     * {@code junction_drops_total{reason="malformed_stun"}}; 0 when absent.
     */
    static double sample(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + path)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
