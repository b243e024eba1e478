package dev.junction.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Ask a relay's admin endpoint whether it is alive (/healthz) or ready (/readyz); exit 0 if so, "
                + "1 if not. For container health checks and scripts.")
final class HealthCommand implements Callable<Integer> {
    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:9478/healthz",
            description = "What to ask (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3", description = "Give up after this long.")
    int timeout;

    @Override
    public Integer call() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(timeout)).build();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(timeout)).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println(url + ": " + r.statusCode() + " " + r.body().strip());
            return r.statusCode() == 200 ? 0 : 1;
        } catch (IOException e) {
            throw new CliException("cannot reach " + url + ": " + e.getMessage() + "; is the relay running with its admin port there?");
        }
    }
}
