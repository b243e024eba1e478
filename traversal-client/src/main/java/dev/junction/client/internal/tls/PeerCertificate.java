package dev.junction.client.internal.tls;

import dev.junction.wire.identity.Identity;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed X.509 certificate over a peer's Ed25519 identity key, presented in the session's
 * QUIC handshake so that TLS itself proves the PeerId (no CA). BouncyCastle builds it because the
 * JDK has no public certificate builder. The relay has its own copy of these few lines
 * (relay-server {@code tls.SelfSignedCertificate}): the two modules share only wire-protocol.
 */
public final class PeerCertificate {
    /** Accepted by peers whose clocks run a day behind. */
    static final Duration BACKDATE = Duration.ofDays(1);
    /** Made fresh per client start; a week outlives any session. */
    static final Duration LIFETIME = Duration.ofDays(7);

    private PeerCertificate() {
    }

    public static X509Certificate create(Identity identity) {
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=" + identity.peerId());
        try {
            return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(BACKDATE)), Date.from(now.plus(LIFETIME)),
                    name, identity.publicKey()).build(new JcaContentSignerBuilder("Ed25519").build(identity.privateKey())));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the Ed25519 peer certificate", e);
        }
    }
}
