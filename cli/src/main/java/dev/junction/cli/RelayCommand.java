package dev.junction.cli;

import dev.junction.relay.RelayServer;
import dev.junction.relay.config.ConfigException;
import dev.junction.relay.config.RelayConfig;
import dev.junction.relay.config.RelayConfigLoader;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "relay", mixinStandardHelpOptions = true,
        description = "Run a relay. With no options: loopback only, embedded defaults, identity and admission "
                + "secret generated in .junction/relay/. SIGTERM or Ctrl-C drains it.")
final class RelayCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "HOCON config file (see config/relay.conf).")
    Path config;

    @Option(names = "--bind", paramLabel = "IP", description = "Bind the STUN, relay and control listeners on this IP (junction.relay.bind). "
            + "Give it twice, an IPv4 and an IPv6 address, for a dual-stack relay: a relay address per family. The admin endpoint "
            + "(/metrics, /healthz) keeps its own admin.bind, 127.0.0.1 by default.")
    java.util.List<String> bind;

    @Option(names = "--alt-ip", paramLabel = "IP", description = "Second IP for RFC 5780 NAT discovery (junction.relay.alt-ip); "
            + "with a dual-stack bind, once per family.")
    java.util.List<String> altIp;

    @Option(names = "--open", description = "Admit anyone, no token (labs only; logs a warning).")
    boolean open;

    @Option(names = "--fleet", paramLabel = "URI", description = "Join a fleet of relays whose shared peer directory is this Redis URI, "
            + "e.g. redis://10.0.0.5:6379 (junction.relay.fleet.directory). Peers homed on other relays of the fleet become reachable.")
    String fleet;

    @Option(names = "--fleet-secret-file", paramLabel = "FILE", description = "The fleet secret, the same file on every relay of the fleet, "
            + "mode 0600 (junction.relay.fleet.secret-file; default <data-dir>/fleet.secret, generated if missing).")
    Path fleetSecretFile;

    @Option(names = "--region", paramLabel = "NAME", description = "This relay's region in the fleet (junction.relay.fleet.region).")
    String region;

    @Option(names = "--json", description = "Print the endpoints as one JSON object instead of lines.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> overrides = new HashMap<>();
        if (bind != null) {
            overrides.put("bind", bind.size() == 1 ? bind.get(0) : bind);
        }
        if (altIp != null) {
            overrides.put("alt-ip", altIp.size() == 1 ? altIp.get(0) : altIp);
        }
        if (open) {
            overrides.put("admission.mode", "open");
        }
        if (fleet != null) {
            overrides.put("fleet.directory", fleet);
        }
        if (fleetSecretFile != null) {
            overrides.put("fleet.secret-file", fleetSecretFile.toString());
        }
        if (region != null) {
            overrides.put("fleet.region", region);
        }
        RelayConfig cfg;
        try {
            cfg = RelayConfigLoader.load(Optional.ofNullable(config), overrides);
        } catch (ConfigException e) {
            throw new CliException(e.getMessage());
        }
        RelayServer server;
        try {
            server = RelayServer.start(cfg);
        } catch (BindException e) {
            throw new CliException(e.getMessage()); // names the listener, its address and the key that moves it
        }
        print(server, cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                System.err.println("relay: draining (up to " + cfg.drainGracePeriod().toSeconds() + " s)");
                server.drain(cfg.drainGracePeriod());
                System.err.println("relay: stopped");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        }, "junction-drain"));
        stopped.await();
        return 0;
    }

    /** A Redis URI as printed: any password in it replaced by ***. */
    static String withoutPassword(String uri) {
        return uri.replaceFirst("://[^@/]*@", "://***@");
    }

    private void print(RelayServer server, RelayConfig cfg) {
        String secret = cfg.admission().mode() == RelayConfig.AdmissionMode.TOKEN
                ? cfg.admission().secretFile().toString() : null;
        String metrics = "http://" + hostPort(server.adminAddress()) + "/metrics";
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("relay_address", server.address().toString());
            o.put("relay_addresses", server.addresses().stream().map(Object::toString).toList());
            o.put("peer_id", server.identity().peerId().toString());
            o.put("stun_udp", server.udpAddresses().stream().map(RelayCommand::hostPort).toList());
            o.put("stun_tcp", hostPort(server.stunTcpAddress()));
            o.put("control", hostPort(server.controlAddress()));
            o.put("controls", server.controlAddresses().stream().map(RelayCommand::hostPort).toList());
            o.put("tls_engine", server.tlsEngine());
            if (server.turn() != null) {
                o.put("turn_udp", server.udpAddresses().stream().map(RelayCommand::hostPort).toList());
                o.put("turn_tcp", hostPort(server.stunTcpAddress()));
                o.put("turn_tls", server.turnTlsAddress() == null ? null : hostPort(server.turnTlsAddress()));
                o.put("turn_secret_file", cfg.turn().get().secretFile().toString());
            }
            o.put("metrics", metrics);
            o.put("admission", cfg.admission().mode().name().toLowerCase(java.util.Locale.ROOT));
            o.put("secret_file", secret);
            cfg.fleet().ifPresent(f -> {
                o.put("fleet", withoutPassword(f.directory()));
                o.put("region", f.region());
            });
            System.out.println(Json.object(o));
        } else {
            System.out.println("relay peer id: " + server.identity().peerId());
            for (InetSocketAddress a : server.udpAddresses()) {
                System.out.println("stun: udp " + hostPort(a));
            }
            for (InetSocketAddress a : server.stunTcpAddresses()) {
                System.out.println("stun: tcp " + hostPort(a));
            }
            for (InetSocketAddress a : server.controlAddresses()) {
                System.out.println("control: tls " + hostPort(a));
            }
            System.out.println("metrics: " + metrics);
            cfg.fleet().ifPresent(f -> System.out.println("fleet: " + withoutPassword(f.directory()) + " region " + f.region()));
            for (dev.junction.wire.address.RelayAddress a : server.addresses()) {
                System.out.println("relay address: " + a);
            }
            if (secret != null) {
                System.out.println("admission: token; secret in " + secret);
                printTurn(server, cfg);
                System.out.println("try: ./junction keygen --out alice.key && ./junction token --secret-file " + secret
                        + " --identity alice.key > alice.token && ./junction listen --relay " + server.address()
                        + " --identity alice.key --token-file alice.token");
            } else {
                System.out.println("admission: " + cfg.admission().mode().name().toLowerCase(java.util.Locale.ROOT));
                printTurn(server, cfg);
            }
        }
        System.out.flush();
    }

    /**
     * The TURN lines, after the admission line: a tool that takes the first "secret in FILE" keeps
     * getting the admission secret, as before TURN.
     */
    private static void printTurn(RelayServer server, RelayConfig cfg) {
        if (server.turn() == null) {
            return;
        }
        for (InetSocketAddress a : server.udpAddresses()) {
            System.out.println("turn: udp " + hostPort(a));
        }
        for (InetSocketAddress a : server.stunTcpAddresses()) {
            System.out.println("turn: tcp " + hostPort(a));
        }
        for (InetSocketAddress a : server.turnTlsAddresses()) {
            System.out.println("turn: tls " + hostPort(a));
        }
        System.out.println("turn credentials: secret in " + cfg.turn().get().secretFile());
    }

    static String hostPort(InetSocketAddress a) {
        String host = io.netty.util.NetUtil.toAddressString(a.getAddress());
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
