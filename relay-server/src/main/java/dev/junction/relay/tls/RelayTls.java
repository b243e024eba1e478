package dev.junction.relay.tls;

import dev.junction.relay.config.ConfigException;
import dev.junction.relay.config.RelayConfig;
import dev.junction.wire.identity.Identity;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * The control channel's TLS 1.3 server context: the operator's PEM files if configured, else a
 * self-signed certificate over the relay identity. Either way the client checks the relay identity
 * through the login challenge, and with the self-signed certificate also through the pin.
 */
public final class RelayTls {
    /** TLS 1.3 only: forward secrecy and no renegotiation. */
    static final String[] PROTOCOLS = {"TLSv1.3"};

    private RelayTls() {
    }

    /** The TLS context and when its certificate expires (exported as a metric, so alerts can warn). */
    public record Server(SslContext context, java.time.Instant notAfter) {
    }

    public static Server server(RelayConfig config, Identity identity) {
        try {
            SslContextBuilder builder;
            java.security.cert.X509Certificate served;
            if (config.tlsCertFile().isPresent()) {
                Path cert = config.tlsCertFile().get();
                Path key = config.tlsKeyFile().orElseThrow();
                for (Path p : new Path[] {cert, key}) {
                    if (!Files.isReadable(p)) {
                        throw new ConfigException("junction.relay.tls", "cannot read " + p);
                    }
                }
                builder = SslContextBuilder.forServer(cert.toFile(), key.toFile());
                try (java.io.InputStream in = Files.newInputStream(cert)) {
                    served = (java.security.cert.X509Certificate)
                            java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
                } catch (java.io.IOException | java.security.cert.CertificateException e) {
                    throw new ConfigException("junction.relay.tls.cert-file", "cannot read a certificate from " + cert + ": " + e.getMessage());
                }
            } else {
                served = SelfSignedCertificate.create(identity);
                builder = SslContextBuilder.forServer(identity.privateKey(), served);
            }
            return new Server(builder.sslProvider(SslProvider.JDK).protocols(PROTOCOLS).build(), served.getNotAfter().toInstant());
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException("junction.relay.tls: cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
