package dev.junction.client.internal.relay;

import dev.junction.wire.control.LoginFrames;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

/** What the relay link needs to know of the certificate a relay served. */
final class RelayCertificates {
    private RelayCertificates() {
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
}
