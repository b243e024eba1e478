package dev.junction.client.internal.tls;

import dev.junction.wire.identity.PeerId;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a certificate by the PeerId of its key instead of by a CA: the certificate must carry an
 * Ed25519 key, be self-signed with it, and, when a PeerId is expected, be that PeerId's. Used for
 * the relay pin (expected = the relay address's PeerId) and for sessions (expected = the peer, or
 * any, checked after the handshake against the circuit's peer). No host name checks: names mean
 * nothing here, keys do.
 */
public final class PeerIdTrust extends X509ExtendedTrustManager {
    /** Ed25519's algorithm identifier (RFC 8410). */
    static final String ED25519_OID = "1.3.101.112";
    private final PeerId expected;

    /** {@code expected} may be null to accept any well-formed self-signed Ed25519 certificate. */
    public PeerIdTrust(PeerId expected) {
        this.expected = expected;
    }

    /** The PeerId a certificate chain proves, or a CertificateException saying why it proves none. */
    public static PeerId peerOf(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no certificate presented");
        }
        X509Certificate cert = chain[0];
        PeerId id;
        try {
            id = PeerId.fromPublicKey(cert.getPublicKey());
        } catch (IllegalArgumentException e) {
            throw new CertificateException("certificate key is not a usable Ed25519 identity: " + e.getMessage());
        }
        try {
            // The self-signature, checked with BouncyCastle's Ed25519 (Identity.verify): several times
            // faster than the JDK's, and paid on every TLS handshake.
            if (!ED25519_OID.equals(cert.getSigAlgOID())
                    || !dev.junction.wire.identity.Identity.verify(id, cert.getTBSCertificate(), cert.getSignature())) {
                throw new java.security.SignatureException("not signed by its own Ed25519 key");
            }
            cert.checkValidity();
        } catch (GeneralSecurityException e) {
            throw new CertificateException("certificate of " + id.shortString() + " is not validly self-signed: " + e.getMessage());
        }
        return id;
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        PeerId id = peerOf(chain);
        if (expected != null && !expected.equals(id)) {
            throw new CertificateException("certificate carries " + id + ", not the pinned " + expected);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
