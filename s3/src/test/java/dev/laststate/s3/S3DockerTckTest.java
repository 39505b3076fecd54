package dev.laststate.s3;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointStoreTck;
import dev.laststate.tck.StoreFixture;
import java.util.Map;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole TCK against LocalStack's S3 in Docker, through Testcontainers: a second emulator beside the
 * in-process S3Proxy. Runs only with {@code -Pdocker} (surefire leaves {@code *DockerTckTest} classes out
 * otherwise); without a Docker engine it fails.
 */
class S3DockerTckTest extends CheckpointStoreTck {

    private static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.4");
    private static final String BUCKET = "laststate-tck";

    @Override
    protected StoreFixture createFixture() throws Exception {
        LocalStackContainer localstack = new LocalStackContainer(IMAGE).withServices(LocalStackContainer.Service.S3);
        localstack.start();
        try {
            StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey()));
            String endpoint = localstack.getEndpoint().toString();
            try (S3Client admin = S3Client.builder().endpointOverride(localstack.getEndpoint())
                    .region(Region.of(localstack.getRegion())).credentialsProvider(credentials).forcePathStyle(true).build()) {
                admin.createBucket(r -> r.bucket(BUCKET));
            }
            CheckpointStore store = new S3CheckpointStoreProvider().open(Map.of(
                    S3StoreConfig.ENDPOINT, endpoint,
                    S3StoreConfig.REGION, localstack.getRegion(),
                    S3StoreConfig.MULTIPART_COPY_THRESHOLD, "5MiB"),
                    Map.of("AWS_ACCESS_KEY_ID", localstack.getAccessKey(), "AWS_SECRET_ACCESS_KEY", localstack.getSecretKey()));
            return StoreFixture.of(store, n -> StoreUri.parse("s3://" + BUCKET + "/root-" + n), localstack::stop);
        } catch (Exception | Error e) {
            localstack.stop();
            throw e;
        }
    }
}
