package dev.laststate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The plain manifests of deploy/kubernetes, parsed strictly, as README.md's deployment patterns name them. */
class ManifestsTest {

    private static final String IMAGE = "registry.example.com/laststate:" + System.getProperty("laststate.version");

    private static List<HasMetadata> objects;

    @BeforeAll
    static void parse() throws Exception {
        objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("kubernetes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                objects.addAll(Manifests.parse(Files.readString(file)));
            }
        }
        assertThat(objects).hasSize(3);
    }

    @Test
    void theCronJobPromotesOneAtATimeAndAcceptsNothingNewButNotAnUnknownLocation() {
        CronJob cron = Manifests.one(objects, CronJob.class);
        assertThat(cron.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
        assertThat(cron.getSpec().getStartingDeadlineSeconds()).isPositive();
        assertThat(cron.getSpec().getSuccessfulJobsHistoryLimit()).isNotNull();
        assertThat(cron.getSpec().getFailedJobsHistoryLimit()).isNotNull();
        assertThat(cron.getSpec().getJobTemplate().getSpec().getActiveDeadlineSeconds()).isPositive();
        assertThat(cron.getSpec().getJobTemplate().getSpec().getBackoffLimit()).isZero();
        PodSpec pod = cron.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
        Container promote = pod.getContainers().get(0);
        assertThat(promote.getImage()).isEqualTo(IMAGE);
        assertThat(promote.getCommand()).as("the image's entrypoint runs laststate").isEmpty();
        assertThat(promote.getArgs()).containsExactly("promote", "--allow-nothing");
        assertThat(LaststateContainers.env(promote)).containsKeys("LASTSTATE_STORE", "LASTSTATE_JOBMANAGER", "LASTSTATE_JOB_NAME");
        assertThat(pod.getServiceAccountName()).isEqualTo(Manifests.one(objects, ServiceAccount.class).getMetadata().getName());
        LaststateContainers.assertLockedDown(promote, pod);
        LaststateContainers.assertNoSecretInlined(promote);
    }

    @Test
    void theJobManagerPromotesAndResolvesBeforeFlinkStarts() {
        Deployment jobManager = Manifests.one(objects, Deployment.class);
        assertThat(jobManager.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        PodSpec pod = jobManager.getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).extracting(Container::getName).containsExactly("laststate-promote", "laststate-resolve");
        Container promote = pod.getInitContainers().get(0);
        Container resolve = pod.getInitContainers().get(1);
        assertThat(promote.getArgs()).containsExactly("promote", "--verify", "--allow-nothing");
        assertThat(resolve.getArgs()).containsExactly("resolve", "--allow-nothing", "--output-file", "/laststate/restore-path");
        for (Container container : pod.getInitContainers()) {
            assertThat(container.getImage()).isEqualTo(IMAGE);
            assertThat(container.getCommand()).isEmpty();
            assertThat(LaststateContainers.env(container)).containsOnlyKeys("LASTSTATE_STORE");
            LaststateContainers.assertLockedDown(container, pod);
            LaststateContainers.assertNoSecretInlined(container);
        }
        assertThat(resolve.getVolumeMounts()).anyMatch(m -> m.getName().equals("laststate") && m.getMountPath().equals("/laststate"));
        Container flink = pod.getContainers().get(0);
        assertThat(flink.getVolumeMounts()).anyMatch(m -> m.getName().equals("laststate") && m.getMountPath().equals("/laststate"));
        assertThat(String.join("\n", flink.getArgs())).contains("p=$(cat /laststate/restore-path)")
                .contains("${p:+\"-Dexecution.state-recovery.path=$p\"}");
    }

    @Test
    void theServiceAccountMountsNoToken() {
        assertThat(Manifests.one(objects, ServiceAccount.class).getAutomountServiceAccountToken()).isFalse();
    }

    @Test
    void aMisspeltFieldFailsTheStrictParse() {
        String typo = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: x}\nautomountServiceAcountToken: false\n";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Manifests.parse(typo))
                .isInstanceOf(AssertionError.class).hasMessageContaining("automountServiceAcountToken");
    }
}
