package dev.junction.lab;

import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.IdentityFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The lab's relay (`junction relay` in the relay namespace, dual-stack: both public IPv4 addresses
 * and both IPv6 ones) and peers it admits.
 */
final class LabRelay {
    private final Path dir;
    private final String address;
    private final String address6;
    private final byte[] secret;
    private Process process;

    private LabRelay(Path dir, String address, String address6, byte[] secret, Process process) {
        this.dir = dir;
        this.address = address;
        this.address6 = address6;
        this.secret = secret;
        this.process = process;
    }

    /** Starts the relay; the process is added to the lab's processes, which the lab stops. */
    static LabRelay start(Lab lab, Topology net, Path dir, java.util.List<Process> processes) throws IOException, InterruptedException {
        Path conf = dir.resolve("relay.conf");
        Files.writeString(conf, "junction.relay { admin.port = 0, data-dir = \"" + dir.resolve("relay-data") + "\" }\n");
        Process p = run(lab, net, dir, "relay.log");
        processes.add(p);
        String address = Lab.awaitLine(dir.resolve("relay.log"), "relay address: ", 30).substring("relay address: ".length());
        String address6 = Lab.awaitLine(dir.resolve("relay.log"), "relay address: /ip6/", 30).substring("relay address: ".length());
        return new LabRelay(dir, address, address6, AdmissionSecret.read(dir.resolve("relay-data/admission.secret")), p);
    }

    private static Process run(Lab lab, Topology net, Path dir, String log) throws IOException {
        return lab.startJava(net.relayNs(), dir.resolve(log), "dev.junction.cli.Main", "relay", "--config",
                dir.resolve("relay.conf").toString(), "--bind", Topology.RELAY_IP, "--alt-ip", Topology.RELAY_ALT_IP,
                "--bind", Topology.RELAY_IP6, "--alt-ip", Topology.RELAY_ALT_IP6);
    }

    /** Kills the relay (SIGKILL: no drain, no goodbye) and starts it again with the same identity and ports. */
    void restart(Lab lab, Topology net, java.util.List<Process> processes) throws IOException, InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        String log = "relay-" + System.nanoTime() + ".log";
        process = run(lab, net, dir, log);
        processes.add(process);
        Lab.awaitLine(dir.resolve(log), "relay address: ", 30);
    }

    /** The relay's IPv4 address as `junction relay` printed it. */
    String address() {
        return address;
    }

    /** The relay's IPv6 address ({@code /ip6/...}) as `junction relay` printed it. */
    String address6() {
        return address6;
    }

    /** A new identity file and a token for it: {file, token, peerId}. */
    String[] peer(String name) throws Exception {
        return peer(dir, secret, name);
    }

    /** A new identity file in {@code dir} and a token for it minted with {@code secret}: {file, token, peerId}. */
    static String[] peer(Path dir, byte[] secret, String name) throws Exception {
        Identity id = Identity.generate();
        Path file = dir.resolve(name + ".key");
        IdentityFile.write(id, file);
        return new String[] {file.toString(), AdmissionToken.mint(secret, id.peerId(), Instant.now().plusSeconds(600)),
                id.peerId().toString()};
    }

    /** Stops every process, politely first. */
    static void stopAll(java.util.List<Process> processes) throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
