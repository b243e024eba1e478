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
 * The control channel's (and TURN-TLS's) TLS 1.3 server context: the operator's PEM files if
 * configured, else a self-signed certificate over the relay identity; in BoringSSL when
 * netty-tcnative loads and the certificate is ECDSA or RSA, else in the JDK. Either way the client checks the relay identity
 * through the login challenge, and with the self-signed certificate also through the pin.
 */
public final class RelayTls {
    /** TLS 1.3 only: forward secrecy and no renegotiation. */
    static final String[] PROTOCOLS = {"TLSv1.3"};

    private RelayTls() {
    }

    private static final System.Logger LOG = System.getLogger("junction.relay.tls");

    /**
     * The TLS context, when its certificate expires (exported as a metric, so alerts can warn), and
     * the engine behind it ("openssl" or "jdk").
     */
    public record Server(SslContext context, java.time.Instant notAfter, String engine) {
    }

    /**
     * The engine {@code tls.engine} asks for, for a certificate whose key is {@code keyAlgorithm}:
     * BoringSSL through netty-tcnative when it loads and the key is not Ed25519 (auto, openssl), else the
     * JDK's; openssl fails at start, naming the key, when it cannot be had. The relay logs which it uses.
     */
    static SslProvider provider(RelayConfig.TlsEngine engine, String keyAlgorithm) {
        if (engine == RelayConfig.TlsEngine.JDK) {
            LOG.log(System.Logger.Level.INFO, "TLS engine: JDK (tls.engine = jdk)");
            return SslProvider.JDK;
        }
        // netty-tcnative's BoringSSL fails every handshake with an Ed25519 certificate (internal_error, checked
        // with openssl s_client), and the self-signed identity certificate is one: that stays on the JDK's TLS.
        if (keyAlgorithm.equals("Ed25519") || keyAlgorithm.equals("EdDSA")) {
            if (engine == RelayConfig.TlsEngine.OPENSSL) {
                throw new ConfigException("junction.relay.tls.engine", "openssl cannot serve an Ed25519 certificate (the relay identity's"
                        + " self-signed one, or tls.cert-file's): give tls.cert-file an ECDSA or RSA certificate, or use auto");
            }
            LOG.log(System.Logger.Level.INFO, "TLS engine: JDK (the certificate's key is Ed25519, which BoringSSL here does not serve;"
                    + " an ECDSA or RSA certificate in tls.cert-file gets BoringSSL)");
            return SslProvider.JDK;
        }
        if (io.netty.handler.ssl.OpenSsl.isAvailable()) {
            LOG.log(System.Logger.Level.INFO, "TLS engine: OpenSSL ({0}, netty-tcnative)", io.netty.handler.ssl.OpenSsl.versionString());
            return SslProvider.OPENSSL;
        }
        Throwable why = io.netty.handler.ssl.OpenSsl.unavailabilityCause();
        if (engine == RelayConfig.TlsEngine.OPENSSL) {
            throw new ConfigException("junction.relay.tls.engine", "openssl, but netty-tcnative's native library cannot load here: " + why);
        }
        LOG.log(System.Logger.Level.INFO, "TLS engine: JDK (netty-tcnative's OpenSSL cannot load here: {0})", String.valueOf(why));
        return SslProvider.JDK;
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
            SslProvider provider = provider(config.tlsEngine(), served.getPublicKey().getAlgorithm());
            return new Server(builder.sslProvider(provider).protocols(PROTOCOLS).build(), served.getNotAfter().toInstant(),
                    provider == SslProvider.JDK ? "jdk" : "openssl");
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException("junction.relay.tls: cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
