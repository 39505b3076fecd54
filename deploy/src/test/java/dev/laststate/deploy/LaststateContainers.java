package dev.laststate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** What every laststate container of every manifest and rendering must be: locked down, credentials by reference. */
final class LaststateContainers {

    /** The names laststate's redactor treats as secret (README.md, "Secrets"). */
    private static final Pattern SECRET = Pattern.compile("(?i).*(secret|key|token|password|credential|connection.string|sas|signature).*");

    private LaststateContainers() {}

    /** Non-root, no privilege escalation, read-only root, every capability dropped; a writable /tmp only. */
    static void assertLockedDown(Container container, PodSpec pod) {
        SecurityContext security = container.getSecurityContext();
        assertThat(security).as(container.getName() + " security context").isNotNull();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
        boolean nonRoot = Boolean.TRUE.equals(security.getRunAsNonRoot())
                || pod.getSecurityContext() != null && Boolean.TRUE.equals(pod.getSecurityContext().getRunAsNonRoot());
        assertThat(nonRoot).as(container.getName() + " runs as non-root").isTrue();
        assertThat(security.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(container.getVolumeMounts()).as("a writable /tmp").anyMatch(m -> m.getMountPath().equals("/tmp"));
    }

    /** No variable holds a secret's value inline; secrets come from Secrets by reference only. */
    static void assertNoSecretInlined(Container container) {
        for (EnvVar env : container.getEnv()) {
            if (env.getValue() != null) {
                assertThat(env.getName()).as(container.getName() + ": a secret's value inline").doesNotMatch(SECRET);
            } else {
                assertThat(env.getValueFrom()).isNotNull();
            }
        }
        container.getEnvFrom().forEach(from -> {
            assertThat(from.getConfigMapRef()).as("credentials from a Secret, not a ConfigMap").isNull();
            assertThat(from.getSecretRef().getName()).isNotBlank();
        });
        assertThat(container.getArgs()).as("no credential in the arguments").noneMatch(a -> SECRET.matcher(a.split("=")[0]).matches());
    }

    static Map<String, String> env(Container container) {
        return container.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }
}
