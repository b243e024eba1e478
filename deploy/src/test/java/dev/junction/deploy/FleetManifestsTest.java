package dev.junction.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.config.RelayConfig;
import dev.junction.relay.config.RelayConfigLoader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kubernetes fleet example (deploy/kubernetes/fleet) holds together: one relay per node, each its own identity, one directory. */
@SuppressWarnings("unchecked")
class FleetManifestsTest {
    static final List<Map<String, Object>> DOCS = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws Exception {
        DOCS.addAll(Repo.yamlDocs("deploy/kubernetes/fleet"));
    }

    static Map<String, Object> one(String kind) {
        return DOCS.stream().filter(d -> kind.equals(d.get("kind"))).findFirst().orElseThrow(() -> new AssertionError("no " + kind));
    }

    static Map<String, Object> at(Object o, String... path) {
        Object cur = o;
        for (String p : path) {
            cur = ((Map<String, Object>) cur).get(p);
        }
        return (Map<String, Object>) cur;
    }

    @Test
    void oneRelayPerNodeEachWithItsOwnIdentityVolume() {
        Map<String, Object> set = one("StatefulSet");
        Map<String, Object> pod = at(set, "spec", "template", "spec");
        assertThat(pod.get("hostNetwork")).isEqualTo(true);
        List<Map<String, Object>> anti = (List<Map<String, Object>>) at(pod, "affinity", "podAntiAffinity")
                .get("requiredDuringSchedulingIgnoredDuringExecution");
        assertThat(anti).singleElement().satisfies(t -> assertThat(t.get("topologyKey")).isEqualTo("kubernetes.io/hostname"));
        List<Map<String, Object>> claims = (List<Map<String, Object>>) at(set, "spec").get("volumeClaimTemplates");
        assertThat(claims).extracting(c -> at(c, "metadata").get("name")).containsExactly("state");
        List<Map<String, Object>> containers = (List<Map<String, Object>>) pod.get("containers");
        List<Map<String, Object>> mounts = (List<Map<String, Object>>) containers.get(0).get("volumeMounts");
        assertThat(mounts).anySatisfy(m -> {
            assertThat(m.get("name")).isEqualTo("state");
            assertThat(m.get("mountPath")).isEqualTo("/var/lib/junction/state");
        });
    }

    @Test
    void theRelayConfigLoadsAsAFleetRelayOnTheRedisServiceWithTheAdminEndpointOnLoopback() throws Exception {
        String conf = (String) at(one("ConfigMap"), "data").get("relay.conf");
        // What the pod's environment supplies, as config paths (HOCON looks there before the environment).
        Path f = dir.resolve("relay.conf");
        Files.writeString(f, "POD_IP = \"198.51.100.20\"\nREDIS_PASSWORD = \"pw\"\nREGION = \"eu-west\"\n" + conf);
        RelayConfig c = RelayConfigLoader.load(Optional.of(f), Map.of());
        assertThat(c.bind()).isEqualTo(InetAddress.getByName("198.51.100.20"));
        assertThat(c.fleet()).isPresent();
        assertThat(c.fleet().get().advertise()).isEqualTo(InetAddress.getByName("198.51.100.20"));
        assertThat(c.fleet().get().region()).isEqualTo("eu-west");
        Map<String, Object> service = DOCS.stream().filter(d -> "Service".equals(d.get("kind"))).findFirst().orElseThrow();
        assertThat(c.fleet().get().directory()).isEqualTo("redis://:pw@" + at(service, "metadata").get("name") + ".junction.svc.cluster.local:6379");
        assertThat(c.adminBind().isLoopbackAddress()).as("the admin endpoint stays off the node's addresses").isTrue();
        assertThat(c.fleet().get().secretFile()).isEqualTo(Path.of("/var/lib/junction/shared/fleet.secret"));
    }

    @Test
    void everySecretKeyTheManifestsReadIsOneTheInstructionsCreate() throws Exception {
        String instructions = Files.readString(Repo.file("deploy/kubernetes/fleet/kustomization.yaml"));
        String all = Files.readString(Repo.file("deploy/kubernetes/fleet/statefulset.yaml")) + Files.readString(Repo.file("deploy/kubernetes/fleet/redis.yaml"));
        for (String key : List.of("fleet.secret", "admission.secret", "redis-password")) {
            assertThat(instructions).contains(key);
        }
        assertThat(all).contains("secretName: junction-fleet-secrets").contains("name: junction-fleet-secrets");
        assertThat(instructions).contains("create secret generic junction-fleet-secrets");
    }
}
