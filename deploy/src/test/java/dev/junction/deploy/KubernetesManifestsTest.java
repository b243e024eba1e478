package dev.junction.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.config.RelayConfig;
import dev.junction.relay.config.RelayConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifests parse, and their names, ports and paths agree with each other and with the relay's config. */
@SuppressWarnings("unchecked")
class KubernetesManifestsTest {
    static final List<Map<String, Object>> DOCS = new ArrayList<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void load() throws Exception {
        DOCS.addAll(Repo.yamlDocs("deploy/kubernetes"));
    }

    static List<Map<String, Object>> of(String kind) {
        return DOCS.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    static Map<String, Object> one(String kind, String name) {
        return DOCS.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(meta(d).get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    static Map<String, Object> meta(Map<String, Object> d) {
        return (Map<String, Object>) d.get("metadata");
    }

    static Map<String, Object> map(Object o, String... path) {
        Object cur = o;
        for (String p : path) {
            cur = ((Map<String, Object>) cur).get(p);
        }
        return (Map<String, Object>) cur;
    }

    static List<Map<String, Object>> list(Object o, String key) {
        return (List<Map<String, Object>>) ((Map<String, Object>) o).get(key);
    }

    @Test
    void everyKindIsThereInOneNamespace() {
        for (String kind : List.of("Namespace", "ConfigMap", "Secret", "Deployment", "Service", "PodDisruptionBudget", "ServiceMonitor")) {
            assertThat(of(kind)).as(kind).isNotEmpty();
        }
        DOCS.stream().filter(d -> !"Namespace".equals(d.get("kind")) && !"Kustomization".equals(d.get("kind")))
                .forEach(d -> assertThat(meta(d).get("namespace")).as(d.get("kind") + " namespace").isEqualTo("junction"));
    }

    @Test
    void portsProbesAndDrainMatchTheRelayConfig() throws Exception {
        String hocon = (String) map(one("ConfigMap", "junction-relay-config"), "data").get("relay.conf");
        Path conf = dir.resolve("relay.conf");
        Files.writeString(conf, hocon);
        RelayConfig c = RelayConfigLoader.load(Optional.of(conf), Map.of());

        Map<String, Object> pod = map(one("Deployment", "junction-relay"), "spec", "template", "spec");
        Map<String, Object> relay = list(pod, "containers").stream().filter(x -> "relay".equals(x.get("name"))).findFirst().orElseThrow();
        Set<String> ports = new HashSet<>();
        Map<String, Integer> byName = new java.util.HashMap<>();
        for (Map<String, Object> p : list(relay, "ports")) {
            ports.add(p.get("containerPort") + "/" + p.get("protocol"));
            byName.put((String) p.get("name"), (Integer) p.get("containerPort"));
        }
        assertThat(ports).contains(c.stunPort() + "/UDP", c.stunPort() + "/TCP", c.controlPort() + "/TCP", c.adminPort() + "/TCP");
        assertThat(byName).containsEntry("metrics", c.adminPort()).containsEntry("control", c.controlPort());

        // The admin endpoint never listens on the node's addresses by default (hostNetwork): loopback,
        // probed from inside the pod.
        assertThat(c.adminBind().isLoopbackAddress()).as("admin.bind in the Kubernetes example").isTrue();
        assertThat(map(relay, "livenessProbe", "exec").get("command").toString())
                .contains("health").contains("http://127.0.0.1:" + c.adminPort() + "/healthz");
        assertThat(map(relay, "readinessProbe", "exec").get("command").toString())
                .contains("health").contains("http://127.0.0.1:" + c.adminPort() + "/readyz");
        assertThat(map(relay, "lifecycle", "preStop", "exec").get("command").toString()).contains("kill -TERM 1");
        assertThat(((Number) pod.get("terminationGracePeriodSeconds")).longValue()).isGreaterThan(c.drainGracePeriod().toSeconds());
        assertThat(map(relay, "resources", "requests")).containsKeys("cpu", "memory");
        assertThat((List<String>) relay.get("args")).containsSubsequence("--config", "/etc/junction/relay.conf");
        assertThat(list(relay, "volumeMounts")).anyMatch(m -> "/etc/junction".equals(m.get("mountPath")) && "config".equals(m.get("name")));
        assertThat(list(pod, "volumes")).anyMatch(v -> "config".equals(v.get("name"))
                && "junction-relay-config".equals(map(v, "configMap").get("name")));

        // The files the init container installs are the ones the config reads.
        Map<String, Object> init = list(pod, "initContainers").get(0);
        String install = ((List<String>) init.get("command")).get(2);
        assertThat(install).contains(c.identityFile().toString()).contains(c.admission().secretFile().toString());
        Map<String, Object> secret = one("Secret", "junction-relay-secrets");
        assertThat(map(secret, "stringData")).containsKeys("relay.key", "admission.secret");
    }

    @Test
    void servicesMonitorAndBudgetSelectTheRelay() {
        Map<String, Object> podLabels = map(one("Deployment", "junction-relay"), "spec", "template", "metadata", "labels");
        Map<String, Object> relay = list(map(one("Deployment", "junction-relay"), "spec", "template", "spec"), "containers").get(0);
        Set<String> portNames = new HashSet<>();
        list(relay, "ports").forEach(p -> portNames.add((String) p.get("name")));
        for (Map<String, Object> svc : of("Service")) {
            assertThat(podLabels).containsAllEntriesOf(map(svc, "spec", "selector"));
            list(map(svc, "spec"), "ports").forEach(p -> assertThat(portNames).as("targetPort of " + meta(svc).get("name"))
                    .contains((String) p.get("targetPort")));
        }
        Map<String, Object> metrics = one("Service", "junction-relay-metrics");
        Map<String, Object> monitor = one("ServiceMonitor", "junction-relay");
        assertThat(map(metrics, "metadata", "labels")).containsAllEntriesOf(map(monitor, "spec", "selector", "matchLabels"));
        assertThat(one("Service", "junction-relay-public").get("metadata")).isNotNull();
        assertThat(map(one("Service", "junction-relay-public"), "spec")).containsEntry("externalTrafficPolicy", "Local");
        Set<String> metricsPorts = new HashSet<>();
        list(map(metrics, "spec"), "ports").forEach(p -> metricsPorts.add((String) p.get("name")));
        list(map(monitor, "spec"), "endpoints").forEach(e -> {
            assertThat(metricsPorts).contains((String) e.get("port"));
            assertThat(e).containsEntry("path", "/metrics");
        });
        assertThat(podLabels).containsAllEntriesOf(map(one("PodDisruptionBudget", "junction-relay"), "spec", "selector", "matchLabels"));
    }
}
