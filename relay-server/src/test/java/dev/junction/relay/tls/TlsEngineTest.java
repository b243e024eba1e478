package dev.junction.relay.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.relay.TestClient;
import dev.junction.relay.TestRelay;
import dev.junction.relay.Tools;
import dev.junction.relay.config.ConfigException;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import io.netty.handler.ssl.OpenSsl;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which TLS implementation serves the relay: BoringSSL (netty-tcnative) where the native library
 * loads, for the self-signed Ed25519 identity certificate (which Netty's own key selection would
 * never hand BoringSSL, netty/netty#10916) as for an ECDSA or RSA one; the JDK's on request. The
 * client end to end over BoringSSL with a CA certificate is CaCertificateRelayTest's, in the client.
 */
class TlsEngineTest {
    @TempDir
    Path dir;

    private static boolean nativeExpected() {
        String arch = System.getProperty("os.arch");
        return System.getProperty("os.name").startsWith("Linux") && (arch.equals("amd64") || arch.equals("aarch64"));
    }

    @Test
    void theSelfSignedIdentityCertificateIsServedByBoringSslAndClientsLogIn() throws Exception {
        if (Tools.ci() && nativeExpected()) {
            assertThat(OpenSsl.isAvailable()).as("netty-tcnative loads here: %s", OpenSsl.unavailabilityCause()).isTrue();
        }
        for (String engine : new String[] {"auto", "openssl", "jdk"}) {
            if (!engine.equals("jdk") && !OpenSsl.isAvailable()) {
                continue;
            }
            try (TestRelay relay = TestRelay.start(dir.resolve(engine), Map.of("tls.engine", engine))) {
                assertThat(relay.server.tlsEngine()).as(engine).isEqualTo(engine.equals("jdk") ? "jdk" : "openssl");
                Identity alice = Identity.generate();
                // The test client pins the relay's PeerId: the served certificate is the Ed25519 identity one.
                try (TestClient c = relay.client()) {
                    LoginFrames.LoginOk ok = c.loginOk(alice, relay.token(alice.peerId()));
                    assertThat(ok.observed().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
                }
            }
        }
    }

    @Test
    void anEcdsaCertificateIsServedByBoringSsl() throws Exception {
        if (Tools.ci() && nativeExpected()) {
            assertThat(OpenSsl.isAvailable()).as("netty-tcnative loads here: %s", OpenSsl.unavailabilityCause()).isTrue();
        }
        Path cert = dir.resolve("relay.pem");
        Path key = dir.resolve("relay.key.pem");
        ecdsaCertificate(cert, key);
        try (TestRelay relay = TestRelay.start(dir.resolve("ec"), Map.of("tls.cert-file", cert.toString(), "tls.key-file", key.toString()))) {
            assertThat(relay.server.tlsEngine()).isEqualTo(OpenSsl.isAvailable() ? "openssl" : "jdk");
            assertThat(handshake(relay.server.controlAddress().getPort())).isEqualTo("TLSv1.3");
        }
        try (TestRelay relay = TestRelay.start(dir.resolve("jdk"), Map.of("tls.cert-file", cert.toString(), "tls.key-file", key.toString(),
                "tls.engine", "jdk"))) {
            assertThat(relay.server.tlsEngine()).isEqualTo("jdk");
            assertThat(handshake(relay.server.controlAddress().getPort())).isEqualTo("TLSv1.3");
        }
    }

    /** A TLS handshake with the relay's control port, trusting whatever it serves; returns the protocol. */
    private static String handshake(int port) throws Exception {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, new TrustManager[] {trustAll}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.startHandshake();
            return s.getSession().getProtocol();
        }
    }

    private static void ecdsaCertificate(Path certPem, Path keyPem) throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        KeyPair pair = ec.generateKeyPair();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=localhost");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic());
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(pair.getPrivate())));
        java.io.StringWriter out = new java.io.StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(cert);
        }
        Files.writeString(certPem, out.toString());
        Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    }
}
