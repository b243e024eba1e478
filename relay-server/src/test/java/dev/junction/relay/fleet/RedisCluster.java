package dev.junction.relay.fleet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster of three masters (no replicas) on loopback: three redis-server processes
 * with cluster mode on, joined by {@code redis-cli --cluster create}. Stopped by their PIDs.
 */
public final class RedisCluster implements AutoCloseable {
    private final List<RedisProcess> nodes;

    private RedisCluster(List<RedisProcess> nodes) {
        this.nodes = nodes;
    }

    public static RedisCluster start(Path dir, int masters) throws Exception {
        List<RedisProcess> nodes = new ArrayList<>();
        RedisCluster c = new RedisCluster(nodes);
        try {
            for (int i = 0; i < masters; i++) {
                Path d = dir.resolve("node" + i);
                nodes.add(RedisProcess.start(d, "--cluster-enabled", "yes", "--cluster-config-file", d.resolve("nodes.conf").toString(),
                        "--cluster-node-timeout", "2000"));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            run(create);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (RedisProcess n : nodes) { // every node, not just the first, must agree the cluster is ok
                while (!run(List.of("redis-cli", "-p", String.valueOf(n.port()), "cluster", "info")).contains("cluster_state:ok")) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("the Redis Cluster did not reach cluster_state:ok within 20 s");
                    }
                    Thread.sleep(100);
                }
            }
            return c;
        } catch (Exception | AssertionError e) {
            c.close();
            throw e;
        }
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** A URI naming one node; Lettuce discovers the others from it. */
    public String uri() {
        return nodes.get(0).uri();
    }

    @Override
    public void close() throws InterruptedException {
        for (RedisProcess n : nodes) {
            n.close();
        }
    }
}
