package dev.junction.relay.tls;

import dev.junction.relay.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The operator's {@code tls.cert-file} and {@code tls.key-file}: a PEM certificate chain and an
 * unencrypted PEM private key (PKCS#8, or the traditional EC and RSA forms). BouncyCastle reads
 * the key because the JDK has no PEM reader; errors name the setting and the file.
 */
final class PemFiles {
    private PemFiles() {
    }

    static X509Certificate[] certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            X509Certificate[] chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
            if (chain.length == 0) {
                throw new ConfigException("junction.relay.tls.cert-file", "no certificate in " + file);
            }
            return chain;
        } catch (IOException | CertificateException e) {
            throw new ConfigException("junction.relay.tls.cert-file", "cannot read a certificate from " + file + ": " + e.getMessage());
        }
    }

    static PrivateKey privateKey(Path file) {
        try (Reader in = Files.newBufferedReader(file); PEMParser pem = new PEMParser(in)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
            }
            throw new ConfigException("junction.relay.tls.key-file", "no unencrypted private key (BEGIN PRIVATE KEY) in " + file);
        } catch (IOException e) {
            throw new ConfigException("junction.relay.tls.key-file", "cannot read a private key from " + file + ": " + e.getMessage());
        }
    }
}
