package dev.kvrag.gateway.infra.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvrag.common.events.InferenceResult;
import dev.kvrag.gateway.domain.query.PartialAnswer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which of a result stream's entries the waiting caller hears, when more than one worker wrote to it. */
class LatestAttemptTest {

    private final List<PartialAnswer> heard = new ArrayList<>();
    private final LatestAttempt attempts = new LatestAttempt(heard::add);

    @Test
    void oneAttemptsPiecesArePassedOnInOrderUntilItsDoneEntry() {
        assertThat(accept(token(1, 0, " The"), token(1, 1, " Oslo"))).isEmpty();
        assertThat(attempts.accept(done(1, " The Oslo"))).contains(done(1, " The Oslo"));
        assertThat(heard).containsExactly(new PartialAnswer.Piece(0, " The"), new PartialAnswer.Piece(1, " Oslo"));
    }

    @Test
    void aLaterAttemptVoidsThePiecesPassedOnAndItsOwnFollowFromIndexZero() {
        accept(token(1, 0, " The"), token(1, 1, " Os"));
        // The first worker died there; the one that took the request over answers from the start.
        accept(token(2, 0, " The"), token(2, 1, " Oslo"), token(2, 2, " team"));
        assertThat(attempts.accept(done(2, " The Oslo team"))).contains(done(2, " The Oslo team"));
        assertThat(heard).containsExactly(new PartialAnswer.Piece(0, " The"), new PartialAnswer.Piece(1, " Os"),
                new PartialAnswer.Restart(2, 2), new PartialAnswer.Piece(0, " The"),
                new PartialAnswer.Piece(1, " Oslo"), new PartialAnswer.Piece(2, " team"));
        assertThat(textAfterLastRestart()).isEqualTo(" The Oslo team");
    }

    @Test
    void aStalledAttemptsLateWritesAreDroppedItsFinalEntryToo() {
        accept(token(1, 0, " The"), token(2, 0, " The"), token(1, 1, " Os"), token(2, 1, " Oslo"));
        assertThat(attempts.accept(done(1, " The Os"))).as("the superseded attempt's done").isEmpty();
        assertThat(attempts.accept(new InferenceResult.Failure(1, 500, "Inference failed", "late"))).isEmpty();
        assertThat(attempts.accept(done(2, " The Oslo"))).contains(done(2, " The Oslo"));
        assertThat(textAfterLastRestart()).isEqualTo(" The Oslo");
        assertThat(heard).filteredOn(PartialAnswer.Restart.class::isInstance).hasSize(1);
    }

    @Test
    void aTakeoverBeforeAnyPieceWasPassedOnIsNoRestart() {
        accept(token(2, 0, " Oslo"));
        assertThat(attempts.accept(done(2, " Oslo"))).isPresent();
        assertThat(heard).containsExactly(new PartialAnswer.Piece(0, " Oslo"));
    }

    @Test
    void aLaterAttemptsErrorEndsTheAnswerAfterTheRestart() {
        accept(token(1, 0, " The"));
        InferenceResult.Failure failure = new InferenceResult.Failure(2, 504, "Deadline exceeded", "too late");
        assertThat(attempts.accept(failure)).contains(failure);
        assertThat(heard).containsExactly(new PartialAnswer.Piece(0, " The"), new PartialAnswer.Restart(2, 1));
    }

    @Test
    void aPieceReadTwiceIsHeardOnce() {
        accept(token(1, 0, " The"), token(1, 0, " The"), token(1, 1, " Oslo"));
        assertThat(heard).containsExactly(new PartialAnswer.Piece(0, " The"), new PartialAnswer.Piece(1, " Oslo"));
    }

    private List<InferenceResult> accept(InferenceResult... entries) {
        List<InferenceResult> finals = new ArrayList<>();
        for (InferenceResult e : entries) {
            attempts.accept(e).ifPresent(finals::add);
        }
        return finals;
    }

    /** What a client that honours restarts shows. */
    private String textAfterLastRestart() {
        StringBuilder text = new StringBuilder();
        for (PartialAnswer p : heard) {
            switch (p) {
                case PartialAnswer.Piece piece -> text.append(piece.text());
                case PartialAnswer.Restart restart -> text.setLength(0);
            }
        }
        return text.toString();
    }

    private static InferenceResult.Token token(int attempt, int index, String text) {
        return new InferenceResult.Token(attempt, index, text);
    }

    private static InferenceResult.Done done(int attempt, String answer) {
        return new InferenceResult.Done("r-1", attempt, answer, "eos", "naive", 10, 3, 0,
                new InferenceResult.Timings(0, 0, 0, 0, 0, 0),
                new InferenceResult.CacheUse(Map.of("local", 0L, "redis", 0L), 0, 1));
    }
}
