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
 * netty-tcnative loads (Ed25519, ECDSA and RSA keys alike), else in the JDK. Either way the client checks the relay identity
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
     * The engine {@code tls.engine} asks for: BoringSSL through netty-tcnative when it loads (auto,
     * openssl), else the JDK's; openssl fails at start when it cannot be had. The relay logs which it uses.
     */
    static SslProvider provider(RelayConfig.TlsEngine engine) {
        if (engine == RelayConfig.TlsEngine.JDK) {
            LOG.log(System.Logger.Level.INFO, "TLS engine: JDK (tls.engine = jdk)");
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
            java.security.PrivateKey key;
            java.security.cert.X509Certificate[] chain;
            if (config.tlsCertFile().isPresent()) {
                Path cert = config.tlsCertFile().get();
                Path keyFile = config.tlsKeyFile().orElseThrow();
                for (Path p : new Path[] {cert, keyFile}) {
                    if (!Files.isReadable(p)) {
                        throw new ConfigException("junction.relay.tls", "cannot read " + p);
                    }
                }
                chain = PemFiles.certificates(cert);
                key = PemFiles.privateKey(keyFile);
            } else {
                chain = new java.security.cert.X509Certificate[] {SelfSignedCertificate.create(identity)};
                key = identity.privateKey();
            }
            SslProvider provider = provider(config.tlsEngine());
            // One key, served whatever key type the engine asks for: Netty's BoringSSL glue asks its key
            // manager for an "EC" or "RSA" key only, never "EdDSA" (netty/netty#10916), so an Ed25519
            // identity certificate would find no key; BoringSSL itself signs with Ed25519 fine.
            SslContextBuilder builder = SslContextBuilder.forServer(new OneKey(key, chain));
            return new Server(builder.sslProvider(provider).protocols(PROTOCOLS).build(), chain[0].getNotAfter().toInstant(),
                    provider == SslProvider.JDK ? "jdk" : "openssl");
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException("junction.relay.tls: cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
