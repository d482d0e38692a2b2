package dev.kvrag.retrieval.domain.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kvrag.retrieval.domain.index.ReciprocalRankFusion.Fused;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReciprocalRankFusionTest {

    @Test
    void aScoreIsTheSumOfOneOverSixtyPlusRankOverTheRankingsThatHoldIt() {
        List<Fused> fused = ReciprocalRankFusion.fuse(List.of(List.of("a", "b", "c"), List.of("c", "a")));
        Fused a = byId(fused, "a");
        assertThat(a.score()).isCloseTo(1.0 / 61 + 1.0 / 62, within(1e-15));
        assertThat(byId(fused, "b").score()).isCloseTo(1.0 / 62, within(1e-15));
        assertThat(byId(fused, "c").score()).isCloseTo(1.0 / 63 + 1.0 / 61, within(1e-15));
        assertThat(fused).extracting(Fused::id).containsExactly("a", "c", "b");
    }

    @Test
    void agreementBetweenRankingsBeatsOneFirstPlace() {
        // "x" is first in one list only; "y" is third in both: 2/63 > 1/61.
        List<Fused> fused = ReciprocalRankFusion.fuse(List.of(List.of("x", "p", "y"), List.of("q", "r", "y")));
        assertThat(fused.getFirst().id()).isEqualTo("y");
    }

    @Test
    void tiesGoToTheBetterSingleRankThenToTheSmallerId() {
        List<Fused> fused = ReciprocalRankFusion.fuse(List.of(List.of("b", "d"), List.of("a", "c")));
        assertThat(fused).extracting(Fused::id).containsExactly("a", "b", "c", "d");
        assertThat(fused).extracting(Fused::bestRank).containsExactly(1, 1, 2, 2);
    }

    @Test
    void anEmptyRankingAddsNothing() {
        assertThat(ReciprocalRankFusion.fuse(List.of(List.of(), List.of("a", "b"))))
                .extracting(Fused::id).containsExactly("a", "b");
        assertThat(ReciprocalRankFusion.fuse(List.of(List.of(), List.of()))).isEmpty();
    }

    private static Fused byId(List<Fused> fused, String id) {
        return fused.stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow();
    }
}
