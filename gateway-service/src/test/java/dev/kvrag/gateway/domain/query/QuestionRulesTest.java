package dev.kvrag.gateway.domain.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvrag.gateway.domain.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuestionRulesTest {

    private final QuestionRules rules = new QuestionRules(6, 32, 100, "cacheblend:ratio=0.15,check_layer=1", 64, 512,
            3);

    private Question check(String text, Integer k, String mode, Integer maxTokens, List<String> ids, Double t) {
        return rules.check(text, k, mode, maxTokens, ids, t, null, false);
    }

    @Test
    void absentFieldsTakeTheDefaultsAndTheQuestionIsStripped() {
        Question q = check("  Which team owns nago-feed?\n", null, null, null, null, null);
        assertThat(q.text()).isEqualTo("Which team owns nago-feed?");
        assertThat(q.k()).isEqualTo(6);
        assertThat(q.mode()).isEqualTo("cacheblend:ratio=0.15,check_layer=1");
        assertThat(q.modeName()).isEqualTo("cacheblend");
        assertThat(q.maxTokens()).isEqualTo(64);
        assertThat(q.documentIds()).isEmpty();
        assertThat(q.temperature()).isZero();
        assertThat(q.seed()).isZero();
    }

    @Test
    void aBlankQuestionIsA400AndAnOversizedOneA413() {
        assertProblem(() -> check(null, null, null, null, null, null), 400, "question is missing or blank");
        assertProblem(() -> check(" \t", null, null, null, null, null), 400, "question is missing or blank");
        assertProblem(() -> check("x".repeat(101), null, null, null, null, null), 413,
                "question has 101 characters; at most 100 are allowed");
        assertThat(check("x".repeat(100), null, null, null, null, null).text()).hasSize(100);
    }

    @Test
    void anUnknownModeIsRefusedNamingTheKnownModes() {
        Problem p = problem(() -> check("q", null, "blend", null, null, null));
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.type()).isEqualTo("invalid-mode");
        assertThat(p.getMessage()).contains("'blend'").contains("full, prefix, naive, cacheblend, ape");
    }

    @Test
    void aModeWithAWrongParameterIsRefusedNamingTheParameter() {
        Problem p = problem(() -> check("q", null, "cacheblend:ratio=2", null, null, null));
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.getMessage()).contains("ratio 2.0 is outside [0, 1]").contains("modes: full");
        assertThat(problem(() -> check("q", null, "ape:depth=3", null, null, null)).getMessage())
                .contains("unknown ape parameter 'depth'");
        Problem layerZero = problem(() -> check("q", null, "cacheblend:check_layer=0", null, null, null));
        assertThat(layerZero.status()).isEqualTo(400);
        assertThat(layerZero.getMessage()).contains("check_layer 0 cannot rank tokens").contains("check_layer >= 1");
    }

    @Test
    void everyModeTheWorkersRunIsAccepted() {
        for (String mode : List.of("full", "prefix", "naive", "cacheblend", "ape:t=0.5,s=0.9",
                "cacheblend:ratio=0.3+snapkv:capacity=512,window=16")) {
            assertThat(check("q", null, mode, null, null, null).mode()).isEqualTo(mode);
        }
        assertThat(check("q", null, "ape:t=0.5", null, null, null).modeName()).isEqualTo("ape");
        assertThat(check("q", null, "naive+snapkv:capacity=64", null, null, null).modeName()).isEqualTo("naive");
    }

    @Test
    void numbersOutsideTheirRangesAreRefusedWithTheRange() {
        assertProblem(() -> check("q", 0, null, null, null, null), 400, "k must be between 1 and 32, got 0");
        assertProblem(() -> check("q", 33, null, null, null, null), 400, "k must be between 1 and 32, got 33");
        assertProblem(() -> check("q", null, null, 0, null, null), 400, "maxTokens must be between 1 and 512, got 0");
        assertProblem(() -> check("q", null, null, null, null, -0.1), 400, "temperature must be between 0 and 2.0");
        assertProblem(() -> check("q", null, null, null, null, Double.NaN), 400, "temperature must be between");
    }

    @Test
    void documentIdsAreCheckedDeduplicatedAndBounded() {
        assertThat(check("q", null, null, null, List.of("d1", "d2", "d1"), null).documentIds())
                .containsExactly("d1", "d2");
        assertProblem(() -> check("q", null, null, null, List.of("d1", "../etc"), null), 400,
                "documentIds[1]: document id '../etc' is invalid");
        assertProblem(() -> check("q", null, null, null, List.of("a", "b", "c", "d"), null), 400,
                "documentIds has 4 entries; at most 3 are allowed");
    }

    @Test
    void aBrokenConfiguredDefaultModeFailsAtConstruction() {
        assertThatThrownBy(() -> new QuestionRules(6, 32, 100, "fast", 64, 512, 3))
                .hasMessageContaining("the configured default mode 'fast'");
    }

    private static Problem problem(Runnable r) {
        try {
            r.run();
        } catch (Problem p) {
            return p;
        }
        throw new AssertionError("no problem raised");
    }

    private static void assertProblem(Runnable r, int status, String detail) {
        Problem p = problem(r);
        assertThat(p.status()).isEqualTo(status);
        assertThat(p.getMessage()).contains(detail);
    }
}
