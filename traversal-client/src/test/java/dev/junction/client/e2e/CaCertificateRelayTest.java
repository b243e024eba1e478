package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.client.ClientOptions;
import dev.junction.client.JunctionException;
import dev.junction.client.Session;
import dev.junction.client.Stream;
import dev.junction.client.TraversalClient;
import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.identity.Identity;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay that serves a CA-issued certificate (`tls.cert-file`, what browsers speaking TURN over TLS
 * need) with a test CA made here: library clients that trust the CA log in and hold sessions, the
 * PeerId pin still holds (the relay proves its key inside the connection, over that certificate), and
 * a client that does not trust the CA is refused with a message that says so (issue #14: this
 * documented mode used to lock every library client out).
 */
class CaCertificateRelayTest {
    @TempDir
    Path dir;
    private Path caPem;
    private Path certPem;
    private Path keyPem;

    @BeforeEach
    void issue() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        KeyPair ca = ec.generateKeyPair();
        X500Name caName = new X500Name("CN=Junction Test CA");
        X509Certificate caCert = certificate(caName, caName, ca.getPublic(), ca.getPrivate(), true, null);
        KeyPair leaf = ec.generateKeyPair();
        GeneralNames names = new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
        X509Certificate leafCert = certificate(caName, new X500Name("CN=localhost"), leaf.getPublic(), ca.getPrivate(), false, names);
        caPem = pem(dir.resolve("ca.pem"), caCert);
        certPem = pem(dir.resolve("relay.pem"), leafCert, caCert);
        keyPem = dir.resolve("relay.key.pem");
        Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(leaf.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    }

    private static X509Certificate certificate(X500Name issuer, X500Name subject, PublicKey key, PrivateKey signer, boolean ca,
                                               GeneralNames names) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject, key);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (names != null) {
            b.addExtension(Extension.subjectAlternativeName, false, names);
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    private static Path pem(Path file, X509Certificate... certs) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (X509Certificate c : certs) {
                w.writeObject(c);
            }
        }
        Files.writeString(file, out.toString());
        return file;
    }

    private LoopbackRelay relay() throws Exception {
        return LoopbackRelay.start(dir.resolve("relay"), Map.of("tls.cert-file", certPem.toString(), "tls.key-file", keyPem.toString()));
    }

    /** The relay's address by host name (the certificate's name), pinning {@code pin}. */
    private static RelayAddress byName(LoopbackRelay relay, Identity pin) {
        return new RelayAddress("localhost", relay.server.controlAddress().getPort(), pin == null ? relay.server.identity().peerId() : pin.peerId());
    }

    private TraversalClient client(LoopbackRelay relay, RelayAddress address, boolean trustCa, boolean accept) throws Exception {
        Identity id = Identity.generate();
        TraversalClient.Builder b = TraversalClient.builder().identity(id).relay(address)
                .token(relay.token(id.peerId(), Instant.now().plusSeconds(600)))
                .options(ClientOptions.DEFAULTS.toBuilder().connectTimeout(Duration.ofSeconds(5)).build());
        if (trustCa) {
            b.relayCertificateAuthorities(caPem);
        }
        if (accept) {
            b.onSession(SessionEndToEndTest::echoEveryStream);
        }
        return b.start();
    }

    @Test
    void clientsThatTrustTheCaLogInAndHoldSessions() throws Exception {
        try (LoopbackRelay relay = relay();
             TraversalClient bob = client(relay, byName(relay, null), true, true);
             TraversalClient alice = client(relay, byName(relay, null), true, false)) {
            Session s = alice.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
            Stream stream = s.openStream().get(5, TimeUnit.SECONDS);
            try (OutputStream out = stream.output()) {
                out.write("through a CA-certified relay".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(new String(stream.input().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("through a CA-certified relay");
        }
    }

    @Test
    void thePinStillHoldsWithACaIssuedCertificate() throws Exception {
        try (LoopbackRelay relay = relay()) {
            // The certificate is valid for the name, but the relay behind it is not the pinned one.
            assertThatThrownBy(() -> client(relay, byName(relay, Identity.generate()), true, false))
                    .isInstanceOf(JunctionException.class).hasMessageContaining("did not prove the key");
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCaIsToldWhy() throws Exception {
        try (LoopbackRelay relay = relay()) {
            assertThatThrownBy(() -> client(relay, byName(relay, null), false, false))
                    .isInstanceOf(JunctionException.class).hasMessageContaining("trusted CAs");
        }
    }
}
