package dev.junction.wire.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An identity on disk: PEM blocks that OpenSSL reads too (PKCS#8 {@code PRIVATE KEY} and X.509
 * {@code PUBLIC KEY}), after comment lines naming the PeerId. Written with mode 0600 from the start
 * (never world-readable, not even briefly); a file that group or others can read is refused on load,
 * as ssh refuses such keys.
 */
public final class IdentityFile {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private IdentityFile() {
    }

    /** Writes {@code identity} to a new file {@code path}; refuses to overwrite an existing one. */
    public static void write(Identity identity, Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("identity file " + path + " already exists; remove it first or choose another --out", e);
        }
        String text = "# Junction identity. Keep this file secret: it holds this peer's private key.\n"
                + "# peer id: " + identity.peerId() + "\n"
                + pem("PRIVATE KEY", identity.privateKey().getEncoded())
                + pem("PUBLIC KEY", identity.publicKey().getEncoded());
        Files.writeString(path, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Reads an identity, checking permissions and that the two keys belong together. */
    public static Identity read(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException("identity file " + path + " does not exist; create one with: junction keygen --out " + path);
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
        if (perms.stream().anyMatch(p -> !OWNER_ONLY.contains(p))) {
            throw new IOException("identity file " + path + " is accessible by others ("
                    + PosixFilePermissions.toString(perms) + "); run: chmod 600 " + path);
        }
        String text = Files.readString(path, StandardCharsets.US_ASCII);
        byte[] privateDer = null;
        byte[] publicDer = null;
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            switch (m.group(1)) {
                case "PRIVATE KEY" -> privateDer = der;
                case "PUBLIC KEY" -> publicDer = der;
                default -> { }
            }
        }
        if (privateDer == null || publicDer == null) {
            throw new IOException("identity file " + path + " lacks a PRIVATE KEY or PUBLIC KEY block");
        }
        try {
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(privateDer));
            PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(publicDer));
            Identity identity = new Identity(new KeyPair(pub, priv));
            byte[] probe = "junction identity self-check".getBytes(StandardCharsets.US_ASCII);
            if (!Identity.verify(identity.peerId(), probe, identity.sign(probe))) {
                throw new IOException("identity file " + path + ": the public key does not match the private key");
            }
            return identity;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("identity file " + path + " does not hold an Ed25519 key: " + e.getMessage(), e);
        }
    }

    /** Reads {@code path} if it exists, else generates an identity and writes it there. */
    public static Identity loadOrCreate(Path path) throws IOException {
        if (Files.exists(path)) {
            return read(path);
        }
        Identity identity = Identity.generate();
        write(identity, path);
        return identity;
    }

    private static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        Arrays.fill(der, (byte) 0);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }
}
