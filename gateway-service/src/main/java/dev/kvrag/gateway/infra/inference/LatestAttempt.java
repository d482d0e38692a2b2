package dev.kvrag.gateway.infra.inference;

import dev.kvrag.common.events.InferenceResult;
import dev.kvrag.gateway.domain.query.PartialAnswer;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A result stream's entries as the waiting caller must see them: one attempt's, from its first piece to its final
 * entry. A stream can hold more than one attempt ({@link InferenceResult#attempt()}): a worker that stopped part-way
 * leaves the pieces it wrote, and the worker that took the request over writes its own from index 0. The highest
 * attempt seen is followed: its first entry voids the pieces passed on so far (a {@link PartialAnswer.Restart} when
 * there were any), and a lower attempt's entries (a stalled worker's late writes) are dropped, its final entry too.
 */
final class LatestAttempt {

    private final Consumer<PartialAnswer> onPartial;
    private int attempt = InferenceResult.FIRST_ATTEMPT;
    /** The lowest index of the followed attempt not passed on yet. */
    private int next;
    /** Pieces of the followed attempt passed on. */
    private int passedOn;

    LatestAttempt(Consumer<PartialAnswer> onPartial) {
        this.onPartial = onPartial;
    }

    /**
     * Takes the stream's next entry, passing on what the caller must hear.
     *
     * @return the followed attempt's final entry ({@code done} or {@code error}); empty while its answer goes on
     */
    Optional<InferenceResult> accept(InferenceResult entry) {
        if (entry.attempt() < attempt) {
            return Optional.empty();
        }
        if (entry.attempt() > attempt) {
            if (passedOn > 0) {
                onPartial.accept(new PartialAnswer.Restart(entry.attempt(), passedOn));
            }
            attempt = entry.attempt();
            next = 0;
            passedOn = 0;
        }
        if (entry instanceof InferenceResult.Token token) {
            // An index already passed on is an entry read twice; the caller hears each piece once.
            if (token.index() >= next) {
                next = token.index() + 1;
                passedOn++;
                onPartial.accept(new PartialAnswer.Piece(token.index(), token.text()));
            }
            return Optional.empty();
        }
        return Optional.of(entry);
    }
}
