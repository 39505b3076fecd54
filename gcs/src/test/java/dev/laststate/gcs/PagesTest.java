package dev.laststate.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.gcs.Pages.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The page-token loop of a listing, driven with scripted answers of the listing API. */
class PagesTest {

    /** Answers the calls in order and records the token each call was given. */
    private static final class ScriptedPages implements Pages.PageSource<String, RuntimeException> {
        private final List<Page<String>> answers;
        final List<Optional<String>> tokensAsked = new ArrayList<>();

        @SafeVarargs
        ScriptedPages(Page<String>... answers) {
            this.answers = List.of(answers);
        }

        @Override
        public Page<String> fetch(Optional<String> token) {
            tokensAsked.add(token);
            if (tokensAsked.size() > answers.size()) {
                throw new AssertionError("asked for a page after the last one, with token " + token);
            }
            return answers.get(tokensAsked.size() - 1);
        }
    }

    private static Page<String> page(List<String> items, String next) {
        return new Page<>(items, Optional.ofNullable(next));
    }

    @Test
    void aSinglePageIsReadOnce() {
        ScriptedPages source = new ScriptedPages(page(List.of("a", "b"), null));

        assertThat(Pages.readAll(source)).containsExactly("a", "b");
        assertThat(source.tokensAsked).containsExactly(Optional.empty());
    }

    @Test
    void everyPageIsReadPassingTheTokenOfThePreviousOne() {
        ScriptedPages source = new ScriptedPages(
                page(List.of("a", "b"), "t1"),
                page(List.of("c"), "t2"),
                page(List.of("d", "e"), null));

        assertThat(Pages.readAll(source)).containsExactly("a", "b", "c", "d", "e");
        assertThat(source.tokensAsked).containsExactly(Optional.empty(), Optional.of("t1"), Optional.of("t2"));
    }

    @Test
    void anEmptyLastPageEndsTheListing() {
        ScriptedPages source = new ScriptedPages(page(List.of("a"), "t1"), page(List.of(), null));

        assertThat(Pages.readAll(source)).containsExactly("a");
        assertThat(source.tokensAsked).hasSize(2);
    }

    @Test
    void anEmptyPageWithATokenIsNotTheEnd() {
        // GCS answers with no entries but a token when it skipped many objects below the delimiter.
        ScriptedPages source = new ScriptedPages(page(List.of(), "t1"), page(List.of(), "t2"), page(List.of("z"), null));

        assertThat(Pages.readAll(source)).containsExactly("z");
        assertThat(source.tokensAsked).containsExactly(Optional.empty(), Optional.of("t1"), Optional.of("t2"));
    }

    @Test
    void anEmptyTokenMeansNoMorePages() {
        ScriptedPages source = new ScriptedPages(page(List.of("a"), ""));

        assertThat(Pages.readAll(source)).containsExactly("a");
        assertThat(source.tokensAsked).hasSize(1);
    }

    @Test
    void aRepeatedTokenFailsInsteadOfLoopingForever() {
        ScriptedPages source = new ScriptedPages(page(List.of("a"), "t1"), page(List.of("b"), "t1"));

        assertThatThrownBy(() -> Pages.readAll(source)).isInstanceOf(IllegalStateException.class).hasMessageContaining("t1");
    }
}
