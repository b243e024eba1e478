package dev.junction.client.internal.tls;

import dev.junction.wire.identity.PeerId;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How the client trusts its relay's TLS certificate (PROTOCOL.md section 3.1). Either of two kinds:
 * <ul>
 *   <li>the relay's own self-signed Ed25519 certificate whose key is the pinned PeerId (the default:
 *       no CA, no host name);</li>
 *   <li>an operator's CA-issued certificate, valid for the relay address's host name (or IP) under
 *       the JDK's trusted CAs or those of a PEM file the app names.</li>
 * </ul>
 * Either way the relay must then sign its login CHALLENGE with the pinned key over the SHA-256 of
 * that certificate, so the pin holds with a CA-issued certificate too. A self-signed Ed25519
 * certificate of another key passes this layer only to be judged by the CHALLENGE (the relay link):
 * the relay may have rotated its key, and then its CHALLENGE carries the pinned key's endorsement
 * of the new one (PROTOCOL.md section 5.1); without one the login is refused before anything but
 * HELLO was sent. The CHALLENGE signature covers this very certificate, so a man in the middle
 * cannot pass a rotated relay's CHALLENGE on either.
 */
public final class RelayTrust extends X509ExtendedTrustManager {
    private final PeerId pinned;
    private final X509ExtendedTrustManager authorities;

    private RelayTrust(PeerId pinned, X509ExtendedTrustManager authorities) {
        this.pinned = pinned;
        this.authorities = authorities;
    }

    /** Trust for the relay {@code pinned}; CA-issued certificates under the CAs in {@code caFile} (PEM), or the JDK's when null. */
    public static RelayTrust create(PeerId pinned, Path caFile) throws GeneralSecurityException, IOException {
        KeyStore store = null;
        if (caFile != null) {
            store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream in = Files.newInputStream(caFile)) {
                int n = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + n++, c);
                }
                if (n == 0) {
                    throw new CertificateException("no certificate in " + caFile);
                }
            }
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
        f.init(store);
        for (TrustManager tm : f.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return new RelayTrust(pinned, x);
            }
        }
        throw new GeneralSecurityException("the JDK offers no X.509 trust manager");
    }

    /**
     * True for a relay identity certificate (self-signed over an Ed25519 key: the pinned one, or
     * another that the CHALLENGE must show the pinned key endorsed), false for one that is no identity
     * certificate (the CAs decide).
     */
    private boolean identityCertificate(X509Certificate[] chain) {
        try {
            PeerIdTrust.peerOf(chain);
            return true;
        } catch (CertificateException notAnIdentity) {
            return false;
        }
    }

    /** The PeerId this trust was made for. */
    public PeerId pinned() {
        return pinned;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        if (identityCertificate(chain)) {
            return;
        }
        try {
            authorities.checkServerTrusted(chain, authType, engine); // PKIX, and the host name (endpoint identification HTTPS)
        } catch (CertificateException e) {
            throw new CertificateException("the relay's certificate is neither a relay identity certificate nor one the trusted CAs issued for "
                    + (engine == null ? "its address" : engine.getPeerHost()) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        if (!identityCertificate(chain)) {
            authorities.checkServerTrusted(chain, authType, socket);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (!identityCertificate(chain)) {
            authorities.checkServerTrusted(chain, authType);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("the relay link does not accept clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("the relay link does not accept clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the relay link does not accept clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return authorities.getAcceptedIssuers();
    }
}
