package dev.junction.client.internal.relay;

import dev.junction.wire.control.LoginFrames;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

/** What the relay link needs to know of the certificate a relay served. */
final class RelayCertificates {
    private RelayCertificates() {
    }

    /**
     * The TLS context for a relay link: the pinned relay's own certificate, or a CA-issued one for
     * the address's host (RelayTrust), under {@code relayCas} (null: the JDK's CAs). The JDK's TLS
     * always: Netty would pick netty-tcnative's BoringSSL when an app has it on its classpath, and
     * that fails every handshake with a relay's Ed25519 certificate. Throws IllegalStateException
     * saying what to do when it cannot be built.
     */
    static io.netty.handler.ssl.SslContext clientContext(dev.junction.wire.identity.PeerId pinned, java.nio.file.Path relayCas) {
        try {
            return io.netty.handler.ssl.SslContextBuilder.forClient().sslProvider(io.netty.handler.ssl.SslProvider.JDK).protocols("TLSv1.3")
                    .trustManager(dev.junction.client.internal.tls.RelayTrust.create(pinned, relayCas))
                    .endpointIdentificationAlgorithm("HTTPS").build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the relay certificate authorities from " + relayCas + ": " + e.getMessage()
                    + "; give a PEM file of CA certificates", e);
        }
    }

    /** Why the relay's certificate was refused (the first CertificateException's message in the chain), or null when it was not. */
    static String refusal(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.security.cert.CertificateException) {
                return c.getMessage();
            }
        }
        return null;
    }

    /** The SHA-256 of the certificate the relay served on {@code ch} (the CHALLENGE signature must cover it). */
    static byte[] servedSha256(Channel ch) {
        try {
            return LoginFrames.certificateSha256(ch.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates()[0].getEncoded());
        } catch (javax.net.ssl.SSLPeerUnverifiedException | java.security.cert.CertificateEncodingException e) {
            return new byte[32]; // no certificate to bind to: no signature can match, the login is refused below
        }
    }

    /** The relay identity (PeerId) of the self-signed certificate the relay served on {@code ch}, or null for a CA-issued one. */
    static dev.junction.wire.identity.PeerId servedIdentity(Channel ch) {
        try {
            java.security.cert.Certificate[] chain = ch.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
            java.security.cert.X509Certificate[] x = java.util.Arrays.copyOf(chain, chain.length, java.security.cert.X509Certificate[].class);
            return dev.junction.client.internal.tls.PeerIdTrust.peerOf(x);
        } catch (javax.net.ssl.SSLPeerUnverifiedException | java.security.cert.CertificateException | ArrayStoreException e) {
            return null;
        }
    }
}
