package dev.junction.relay.tls;

import dev.junction.wire.identity.Identity;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed X.509 certificate over a peer's Ed25519 identity key, so that TLS itself proves the
 * identity: a client that pins the relay's PeerId accepts exactly the certificates whose public key
 * is that PeerId's key (no CA involved). Made fresh at every start; nothing but the key is trusted.
 * BouncyCastle builds it because the JDK has no public certificate builder.
 */
public final class SelfSignedCertificate {
    /** Validity before now, so a client whose clock runs behind still accepts it. */
    static final Duration BACKDATE = Duration.ofDays(1);
    /** Validity after now; the certificate is regenerated at every start, so a year is plenty. */
    static final Duration LIFETIME = Duration.ofDays(365);

    private SelfSignedCertificate() {
    }

    public static X509Certificate create(Identity identity) {
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=" + identity.peerId());
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(BACKDATE)), Date.from(now.plus(LIFETIME)),
                name, identity.publicKey());
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("Ed25519").build(identity.privateKey())));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the self-signed Ed25519 certificate", e);
        }
    }
}
