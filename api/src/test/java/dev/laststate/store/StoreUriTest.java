package dev.laststate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoreUriTest {

    @Test
    void parsesSchemeAuthorityAndPath() {
        StoreUri uri = StoreUri.parse("s3://bucket/flink/checkpoints/");

        assertThat(uri.scheme()).isEqualTo("s3");
        assertThat(uri.authority()).isEqualTo("bucket");
        assertThat(uri.path()).isEqualTo("flink/checkpoints");
        assertThat(uri).hasToString("s3://bucket/flink/checkpoints");
    }

    @Test
    void parsesAzureAndHdfsAuthorities() {
        assertThat(StoreUri.parse("abfss://state@acct.dfs.core.windows.net/app").authority())
                .isEqualTo("state@acct.dfs.core.windows.net");
        assertThat(StoreUri.parse("hdfs://namenode:8020/flink").authority()).isEqualTo("namenode:8020");
    }

    @Test
    void acceptsEveryFileUriSpelling() {
        StoreUri expected = new StoreUri("file", "", "tmp/chk");

        assertThat(StoreUri.parse("file:/tmp/chk")).isEqualTo(expected);
        assertThat(StoreUri.parse("file:///tmp/chk")).isEqualTo(expected);
        assertThat(StoreUri.parse("file://localhost/tmp/chk")).isEqualTo(expected);
        assertThat(StoreUri.parse("FILE:///tmp//chk/")).isEqualTo(expected);
        assertThat(StoreUri.parse("/tmp/chk")).isEqualTo(expected);
        assertThat(expected).hasToString("file:///tmp/chk");
        assertThat(expected.toLocalPath()).isEqualTo(Path.of("/tmp/chk"));
    }

    @Test
    void resolvesRelativeBarePathsAgainstTheWorkingDirectory() {
        StoreUri uri = StoreUri.parse("examples/checkpoints");

        assertThat(uri.toLocalPath()).isEqualTo(Path.of("examples/checkpoints").toAbsolutePath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "s3:/bucket/x", "s3:bucket", "s3:///x", "s3://", "file://host/x", "file:relative",
        "s3://bucket/a/../b", "../x", "s3://bucket/./x", "gs://b/x?y=1", "gs://b/x#frag", "s3://bu cket/x", "1s3://b/x",
        "s3://bucket/a\nb", " s3://bucket/x"})
    void rejectsMalformedLocationsWithAClearMessage(String input) {
        assertThatThrownBy(() -> StoreUri.parse(input))
                .isInstanceOf(InvalidStoreUriException.class)
                .hasMessageStartingWith("invalid location")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"::::", ":x", ":/x", "::/a/b"})
    void aRelativePathWhoseFirstSegmentHoldsAColonIsAmbiguousWithAUri(String input) {
        assertThatThrownBy(() -> StoreUri.parse(input))
                .isInstanceOf(InvalidStoreUriException.class)
                .hasMessageStartingWith("invalid location '" + input + "'")
                .hasMessageContaining("write ./" + input + " if a local name was meant")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aColonIsFineWhereNoUriCouldBeMeant() {
        Path cwd = Path.of("").toAbsolutePath();

        assertThat(StoreUri.parse("./a:b").toLocalPath()).isEqualTo(cwd.resolve("a:b"));
        assertThat(StoreUri.parse("./::::").toLocalPath()).isEqualTo(cwd.resolve("::::"));
        assertThat(StoreUri.parse("dir/a:b").toLocalPath()).isEqualTo(cwd.resolve("dir/a:b"));
        assertThat(StoreUri.parse("/tmp/a:b")).isEqualTo(new StoreUri("file", "", "tmp/a:b"));
    }

    @Test
    void dotSegmentsOfABarePathNameTheSameDirectory() {
        assertThat(StoreUri.parse("/tmp/./chk")).isEqualTo(new StoreUri("file", "", "tmp/chk"));
        assertThat(StoreUri.parse("./x").toLocalPath()).isEqualTo(Path.of("x").toAbsolutePath());
        assertThatThrownBy(() -> StoreUri.parse("./../x")).isInstanceOf(InvalidStoreUriException.class);
        assertThatThrownBy(() -> StoreUri.parse("file:///tmp/./chk")).isInstanceOf(InvalidStoreUriException.class);
    }

    @Test
    void resolveParentNameAndRelativize() {
        StoreUri root = StoreUri.parse("gs://b/cp");
        StoreUri child = root.resolve("job/chk-1/_metadata");

        assertThat(child).hasToString("gs://b/cp/job/chk-1/_metadata");
        assertThat(child.name()).isEqualTo("_metadata");
        assertThat(child.parent()).contains(root.resolve("job/chk-1"));
        assertThat(root.relativize(child)).isEqualTo("job/chk-1/_metadata");
        assertThat(root.contains(child)).isTrue();
        assertThat(root.contains(StoreUri.parse("gs://b/cp2/x"))).isFalse();
        assertThat(StoreUri.parse("gs://b").parent()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "a/../b", "", "a//b", "./a"})
    void resolveNeverEscapesItsDirectory(String relative) {
        assertThatThrownBy(() -> StoreUri.parse("s3://b/dir").resolve(relative)).isInstanceOf(InvalidStoreUriException.class);
    }

    @Test
    void keepsNamesWithSpacesPlusPercentAndUnicodeLiterally() {
        StoreUri uri = StoreUri.parse("s3://b/a b+c%20ü");

        assertThat(uri.path()).isEqualTo("a b+c%20ü");
    }
}
