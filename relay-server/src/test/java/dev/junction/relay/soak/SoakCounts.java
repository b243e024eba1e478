package dev.junction.relay.soak;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What the soak's clients did, counted from their side; shared by every worker thread. */
final class SoakCounts {
    /** The kinds of bad input the soak mixes in, each answered by the relay in its own way. */
    enum Malformed {
        /** AUTH with a token minted from another secret: ERROR TOKEN_INVALID, connection closed. */
        BAD_TOKEN,
        /** A control frame of an unknown type before login: ERROR MALFORMED, connection closed. */
        BAD_FRAME_BEFORE_LOGIN,
        /** A truncated CONNECT after login: ERROR MALFORMED, connection closed, reservation released. */
        BAD_FRAME_AFTER_LOGIN,
        /** DATA, ACCEPT and CIRCUIT_CLOSE on the control channel for a circuit that does not exist. */
        UNKNOWN_CIRCUIT_TLS,
        /** RELAY_DATA over UDP for a circuit that does not exist, from a bound socket. */
        UNKNOWN_CIRCUIT_UDP,
        /** RELAY_DATA from a socket no reservation is bound to. */
        UNBOUND_UDP,
        /** Random datagrams to the STUN/relay UDP port. */
        UDP_GARBAGE,
        /** Datagrams that start like STUN and do not decode: short header, bad length, attribute past the end. */
        MALFORMED_STUN,
        /** Junction UDP frames cut short. */
        MALFORMED_UDP_FRAME,
        /** Bytes that are not TLS on the control port. */
        TLS_GARBAGE,
        /** Bytes that are not STUN on the STUN/TCP port. */
        STUN_TCP_GARBAGE
    }

    /** Successful logins. */
    final AtomicLong logins = new AtomicLong();
    /** Circuits opened (CIRCUIT_OPEN on both sides). */
    final AtomicLong circuits = new AtomicLong();
    /** Relayed payload bytes that reached their receiver over TLS (DATA). */
    final AtomicLong tlsBytes = new AtomicLong();
    /** Relayed payload bytes that reached their receiver over UDP (RELAY_DATA). */
    final AtomicLong udpBytes = new AtomicLong();
    /** RELAY_DATA datagrams a receiver waited for, and those that came. */
    final AtomicLong udpExpected = new AtomicLong();
    final AtomicLong udpReceived = new AtomicLong();
    /** Valid STUN Binding requests answered with success. */
    final AtomicLong stunAnswered = new AtomicLong();
    final Map<Malformed, AtomicLong> malformed = new EnumMap<>(Malformed.class);

    SoakCounts() {
        for (Malformed m : Malformed.values()) {
            malformed.put(m, new AtomicLong());
        }
    }

    void sent(Malformed kind) {
        malformed.get(kind).incrementAndGet();
    }

    long malformedTotal() {
        return malformed.values().stream().mapToLong(AtomicLong::get).sum();
    }
}
