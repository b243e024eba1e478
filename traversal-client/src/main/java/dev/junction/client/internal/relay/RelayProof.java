package dev.junction.client.internal.relay;

import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.control.KeyEndorsement;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import java.time.Instant;

/**
 * Whether a relay's CHALLENGE proves it is the relay of the pinned address (PROTOCOL.md sections
 * 3.3 and 5.1): signed over the certificate it served by the pinned key, or by a key the pinned one
 * endorsed (the relay rotated its key). Exactly one of the two fields is set when it was endorsed,
 * neither when it is the pinned key, {@code refusal} alone when it is neither.
 *
 * @param rotatedBy the endorsement that let the pinned key hand over to the key CHALLENGE proved
 * @param refusal   why the relay is not the one in the address, in words for the app
 */
record RelayProof(KeyEndorsement rotatedBy, String refusal) {
    /**
     * Checks CHALLENGE {@code c} from the relay at {@code address}; {@code servedIdentity} is the
     * identity of the self-signed certificate it served (null for a CA-issued one), {@code servedSha256}
     * that certificate's hash.
     */
    static RelayProof check(RelayAddress address, LoginFrames.Challenge c, PeerId servedIdentity, byte[] servedSha256, Instant now) {
        PeerId pinned = address.relayId();
        String where = "the relay at " + address.host() + ":" + address.port() + " is not the one in the relay address: it did not prove the key "
                + pinned.shortString();
        boolean proved = (servedIdentity == null || servedIdentity.equals(c.relay()))
                && Identity.verify(c.relay(), LoginFrames.signedChallengeBytes(c.nonce(), c.relay(), servedSha256), c.signature().toArray());
        if (!proved) {
            return new RelayProof(null, where + " of its address; check the address");
        }
        if (c.relay().equals(pinned)) {
            return new RelayProof(null, null);
        }
        KeyEndorsement e = c.endorsement();
        if (e != null && e.vouches(pinned, c.relay(), now)) {
            return new RelayProof(e, null);
        }
        return new RelayProof(null, where + " (it holds " + c.relay().shortString()
                + (e != null && e.previous().equals(pinned) && e.expiredAt(now)
                        ? ", which the pinned key endorsed only until " + e.expires() + "; give the relay's current address"
                        : ", and the pinned key vouches for nothing; check the address") + ")");
    }
}
