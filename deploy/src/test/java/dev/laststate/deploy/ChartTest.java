package dev.laststate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart, rendered and linted by Helm's own engine (helm-java), for each mode and each values file of its
 * {@code ci/} directory; every rendered object parsed strictly. A values file with a typo fails, by the schema.
 */
class ChartTest {

    private static final Path CHART = Path.of("helm", "laststate");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final String VERSION = System.getProperty("laststate.version");

    @TempDir
    Path work;

    /** Helm's lint lets {@code required} pass (lint mode); rendering without a store fails, below. */
    @Test
    void theChartAsShippedLintsStrictly() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cronjob-s3-values.yaml", "cronjob-minio-values.yaml", "init-gcs-values.yaml", "init-azure-values.yaml"})
    void everyCiValuesFileLintsAndRendersStrictObjects(String values) throws Exception {
        Path file = CHART.resolve("ci").resolve(values);
        LintResult lint = lint(file);
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        List<HasMetadata> objects = Manifests.parse(render(file));
        assertThat(objects).isNotEmpty();
    }

    @Test
    void cronjobModeRendersAForbiddingCronJobWithTheStoreAndTheJobManager() throws Exception {
        List<HasMetadata> objects = Manifests.parse(render(CHART.resolve("ci/cronjob-s3-values.yaml")));

        CronJob cron = Manifests.one(objects, CronJob.class);
        assertThat(cron.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
        assertThat(cron.getSpec().getSchedule()).isEqualTo("*/5 * * * *");
        assertThat(cron.getSpec().getStartingDeadlineSeconds()).isEqualTo(120);
        assertThat(cron.getSpec().getJobTemplate().getSpec().getActiveDeadlineSeconds()).isEqualTo(1500);
        assertThat(cron.getSpec().getSuccessfulJobsHistoryLimit()).isEqualTo(1);
        assertThat(cron.getSpec().getFailedJobsHistoryLimit()).isEqualTo(3);
        PodSpec pod = cron.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
        Container promote = pod.getContainers().get(0);
        assertThat(promote.getImage()).isEqualTo("registry.example.com/laststate:" + VERSION);
        assertThat(promote.getArgs()).containsExactly("promote", "--allow-nothing");
        assertThat(LaststateContainers.env(promote)).containsOnly(
                java.util.Map.entry("LASTSTATE_STORE", "s3://bucket/flink/my-job/checkpoints"),
                java.util.Map.entry("LASTSTATE_JOBMANAGER", "http://my-job-rest.flink:8081"),
                java.util.Map.entry("LASTSTATE_JOB_NAME", "my-job"));
        assertThat(promote.getEnvFrom()).isEmpty();
        LaststateContainers.assertLockedDown(promote, pod);
        LaststateContainers.assertNoSecretInlined(promote);
        ServiceAccount account = Manifests.one(objects, ServiceAccount.class);
        assertThat(pod.getServiceAccountName()).isEqualTo(account.getMetadata().getName());
        assertThat(account.getMetadata().getAnnotations()).containsKey("eks.amazonaws.com/role-arn");
    }

    @Test
    void storeOptionsAndCredentialsByReference() throws Exception {
        List<HasMetadata> objects = Manifests.parse(render(CHART.resolve("ci/cronjob-minio-values.yaml")));

        Container promote = Manifests.one(objects, CronJob.class).getSpec().getJobTemplate().getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        assertThat(promote.getImage()).isEqualTo("registry.internal/platform/laststate:0.1.0");
        assertThat(promote.getArgs()).containsExactly("promote", "--allow-nothing", "--verify", "-o", "s3.endpoint=http://minio.storage:9000");
        assertThat(promote.getEnvFrom()).singleElement().satisfies(from -> assertThat(from.getSecretRef().getName()).isEqualTo("minio-laststate"));
        LaststateContainers.assertNoSecretInlined(promote);
        assertThat(objects).noneMatch(o -> o.getKind().equals("Secret"));
    }

    @Test
    void initModeRendersTheInitContainersOfAJobManagerPod() throws Exception {
        List<HasMetadata> objects = Manifests.parse(render(CHART.resolve("ci/init-azure-values.yaml")));

        assertThat(objects).noneMatch(CronJob.class::isInstance);
        ConfigMap snippet = Manifests.one(objects, ConfigMap.class);
        List<Container> init = Manifests.containers(snippet.getData().get("initContainers.yaml"));
        assertThat(init).extracting(Container::getName).containsExactly("laststate-promote", "laststate-resolve");
        assertThat(init.get(0).getArgs()).containsExactly("promote", "--allow-nothing");
        assertThat(init.get(1).getArgs()).containsExactly("resolve", "--allow-nothing", "--output-file", "/flink-restore/path");
        assertThat(init.get(1).getVolumeMounts()).anyMatch(m -> m.getName().equals("flink-restore") && m.getMountPath().equals("/flink-restore"));
        for (Container container : init) {
            assertThat(container.getImage()).isEqualTo("registry.example.com/laststate:" + VERSION);
            assertThat(LaststateContainers.env(container)).containsOnlyKeys("LASTSTATE_STORE");
            LaststateContainers.assertLockedDown(container, new PodSpec());
            LaststateContainers.assertNoSecretInlined(container);
        }
        assertThat(Manifests.one(objects, ServiceAccount.class).getMetadata().getAnnotations())
                .containsKey("azure.workload.identity/client-id");
    }

    @Test
    void theStoreIsSetOnTheCommandLine() throws Exception {
        String rendered = new Helm(CHART).template().withName("my-job").set("store", "s3://bucket/other/checkpoints").call();
        CronJob cron = Manifests.one(Manifests.parse(rendered), CronJob.class);
        assertThat(LaststateContainers.env(cron.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0)))
                .containsEntry("LASTSTATE_STORE", "s3://bucket/other/checkpoints");
    }

    @ParameterizedTest
    @ValueSource(strings = {"typo-values.yaml", "bad-mode-values.yaml", "inline-secret-values.yaml"})
    void aValuesFileTheSchemaRefusesFails(String values) throws IOException {
        Path file = Path.of("src/test/resources/values", values);
        assertThatThrownBy(() -> render(file)).hasMessageContaining("values don't meet the specifications of the schema");
        assertThat(lint(file).isFailed()).isTrue();
    }

    @Test
    void withoutAStoreNothingRenders() {
        assertThatThrownBy(() -> new Helm(CHART).template().withName("my-job").call()).hasMessageContaining("store is required");
    }

    /**
     * {@code helm lint --strict} with {@code values} over the chart's own (helm-java's lint takes no values file): a
     * copy of the chart whose values.yaml is the two merged, as Helm merges them.
     */
    private LintResult lint(Path values) throws IOException {
        Path copy = work.resolve("laststate-" + values.getFileName());
        Trees.copy(CHART, copy);
        JsonNode merged = merge(YAML.readTree(CHART.resolve("values.yaml").toFile()), YAML.readTree(values.toFile()));
        YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
        return new Helm(copy).lint().strict().call();
    }

    private static JsonNode merge(JsonNode base, JsonNode over) {
        if (!(base instanceof ObjectNode object) || !over.isObject()) {
            return over;
        }
        ObjectNode merged = object.deepCopy();
        over.fields().forEachRemaining(e -> merged.set(e.getKey(), merged.has(e.getKey()) ? merge(merged.get(e.getKey()), e.getValue()) : e.getValue()));
        return merged;
    }

    private static String render(Path values) {
        return new Helm(CHART).template().withName("my-job").withValuesFile(values).call();
    }
}
