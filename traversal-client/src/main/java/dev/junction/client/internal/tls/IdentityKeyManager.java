package dev.junction.client.internal.tls;

import dev.junction.wire.identity.Identity;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Offers the peer's one identity certificate whatever key type the TLS stack asks for. Netty's QUIC
 * (BoringSSL) asks by the legacy type names "RSA" and "EC" and finds no Ed25519 key under them with
 * a standard key manager (the handshake fails with CERT_CB_ERROR); BoringSSL itself signs with
 * Ed25519 in TLS 1.3 happily once it is handed the key.
 */
public final class IdentityKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "identity";
    private final PrivateKey key;
    private final X509Certificate certificate;

    public IdentityKeyManager(Identity identity) {
        this.key = identity.privateKey();
        this.certificate = PeerCertificate.create(identity);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return new X509Certificate[] {certificate};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return key;
    }
}
