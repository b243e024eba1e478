package dev.junction.relay.turn;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium driven through chromedriver's W3C WebDriver HTTP API: new session, open a page,
 * run a script, end. Four requests of a standard protocol are all the browser test needs, so it
 * speaks them itself rather than pulling Selenium's dozens of jars into the build. Chromium runs with
 * everything that would reach the network on its own turned off, and with a host resolver that
 * resolves nothing: the only traffic is the page's, to the relay on loopback.
 */
final class WebDriverSession implements AutoCloseable {
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Pattern SESSION = Pattern.compile("\"sessionId\"\\s*:\\s*\"([^\"]+)\"");

    private final Process driver;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String session;

    private WebDriverSession(Process driver, String base, String session) {
        this.driver = driver;
        this.base = base;
        this.session = session;
    }

    static WebDriverSession start(Path profile) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(profile.resolveSibling("chromedriver.log").toFile()).start();
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        long until = System.currentTimeMillis() + 15_000;
        while (true) {
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                break;
            } catch (IOException notYet) {
                if (System.currentTimeMillis() > until || !driver.isAlive()) {
                    driver.destroyForcibly();
                    throw new AssertionError("chromedriver did not listen on port " + port + " within 15 s");
                }
                Thread.sleep(100);
            }
        }
        String args = String.join(",", quote("--headless=new"), quote("--no-sandbox"), quote("--disable-gpu"),
                quote("--user-data-dir=" + profile), quote("--no-first-run"), quote("--disable-background-networking"),
                quote("--disable-component-update"), quote("--disable-sync"), quote("--disable-default-apps"),
                quote("--disable-domain-reliability"), quote("--disable-client-side-phishing-detection"),
                quote("--host-resolver-rules=MAP * ~NOTFOUND"), quote("--allow-file-access-from-files"));
        String body = "{\"capabilities\":{\"alwaysMatch\":{\"browserName\":\"chrome\",\"goog:chromeOptions\":{\"binary\":"
                + quote(CHROMIUM.toString()) + ",\"args\":[" + args + "]}}}}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/session")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = SESSION.matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            driver.destroyForcibly();
            throw new AssertionError("chromedriver refused a session (" + r.statusCode() + "): " + r.body());
        }
        return new WebDriverSession(driver, base, m.group(1));
    }

    void open(String url) throws Exception {
        call("POST", "/url", "{\"url\":" + quote(url) + "}");
    }

    /** Runs {@code script} (a function body that returns a string) and returns that string. */
    String evaluate(String script) throws Exception {
        String body = call("POST", "/execute/sync", "{\"script\":" + quote(script) + ",\"args\":[]}");
        Matcher m = Pattern.compile("\"value\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(body);
        if (!m.find()) {
            throw new AssertionError("the script returned no string: " + body);
        }
        return unquote(m.group(1));
    }

    private String call(String method, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/session/" + session + path))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("WebDriver " + method + " " + path + " failed (" + r.statusCode() + "): " + r.body());
        }
        return r.body();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.append('"').toString();
    }

    static String unquote(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> sb.append(n);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            call("DELETE", "", "");
        } catch (Exception e) {
            // the browser may be gone already; the driver goes below either way
        }
        driver.destroy();
        if (!driver.waitFor(10, TimeUnit.SECONDS)) {
            driver.destroyForcibly();
        }
    }
}
