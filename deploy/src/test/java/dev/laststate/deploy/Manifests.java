package dev.laststate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes manifests parsed into fabric8's typed objects, strictly: fabric8's classes keep a field they do not
 * know in {@code additionalProperties} instead of failing, so every object of a parsed manifest is walked and each
 * such map must be empty; a misspelt field fails here, as the API server would refuse it.
 */
final class Manifests {

    private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory());
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** The kinds laststate ships, by {@code apiVersion/kind}. */
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/ServiceAccount", ServiceAccount.class,
            "v1/ConfigMap", ConfigMap.class,
            "batch/v1/CronJob", CronJob.class,
            "apps/v1/Deployment", Deployment.class);

    private Manifests() {}

    /** Every document of {@code yaml} (several, separated by {@code ---}), each strictly parsed. */
    static List<HasMetadata> parse(String yaml) throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        for (JsonNode document : YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll()) {
            if (document == null || document.isNull() || document.isEmpty()) {
                continue;
            }
            String kind = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
            Class<? extends HasMetadata> type = KINDS.get(kind);
            assertThat(type).as("a kind laststate ships: " + kind).isNotNull();
            HasMetadata object = JSON.treeToValue(document, type);
            assertStrict(object, kind + " " + object.getMetadata().getName());
            objects.add(object);
        }
        return objects;
    }

    /** A list of containers (the init-container snippet), strictly parsed. */
    static List<Container> containers(String yaml) throws IOException {
        List<Container> containers = new ArrayList<>();
        for (JsonNode node : YAML.readTree(yaml)) {
            Container container = JSON.treeToValue(node, Container.class);
            assertStrict(container, "container " + container.getName());
            containers.add(container);
        }
        return containers;
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as("one " + type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    /** Every fabric8 object reachable from {@code object} has no unknown field. */
    static void assertStrict(Object object, String where) {
        walk(object, where);
    }

    private static void walk(Object value, String path) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]");
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || getter.getDeclaringClass() == Object.class
                    || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))) {
                continue;
            }
            Object field;
            try {
                field = getter.invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(getter.toString(), e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                assertThat((Map<?, ?>) field).as("fields Kubernetes does not know at " + path).isEmpty();
            } else {
                walk(field, path + "." + getter.getName().replaceFirst("^(get|is)", ""));
            }
        }
    }
}
