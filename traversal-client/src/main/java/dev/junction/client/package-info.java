/**
 * Junction's client library: reach any peer by its {@link dev.junction.wire.identity.PeerId} from
 * behind NATs, through a relay at once and over the best path the network allows.
 *
 * <h2>Hello world</h2>
 * <pre>{@code
 * // Bob accepts sessions and answers every stream.
 * TraversalClient bob = TraversalClient.builder()
 *         .identityFile(Path.of("bob.key"))        // created on first use, mode 0600
 *         .relay(relayAddress)                     // the "relay address:" line of `junction relay`
 *         .token(bobToken)                         // minted by your backend (docs/OPERATIONS.md)
 *         .onSession(session -> session.onStream(stream -> {
 *             try (stream) {
 *                 stream.output().write(stream.input().readAllBytes());
 *             } catch (IOException e) {
 *                 // the peer went away
 *             }
 *         }))
 *         .start();
 *
 * // Alice connects to Bob by his PeerId.
 * try (TraversalClient alice = TraversalClient.builder().identityFile(Path.of("alice.key"))
 *         .relay(relayAddress).token(aliceToken).start()) {
 *     Session session = alice.connect(bob.peerId()).get();
 *     Stream stream = session.openStream().get();
 *     stream.output().write("hello".getBytes(UTF_8));
 *     stream.shutdownOutput();
 *     byte[] echoed = stream.input().readAllBytes();
 * }
 * }</pre>
 *
 * <p>A runnable version is {@code examples/HelloJunction.java}. Sessions are QUIC connections with
 * TLS 1.3 between the two peers' Ed25519 identities: the relay forwards ciphertext it cannot read
 * or forge. {@link dev.junction.client.NatCheck} tells what the network in between does.
 */
package dev.junction.client;
