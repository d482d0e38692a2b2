package dev.kvrag.gateway.domain.query;

/**
 * What a caller waiting for an answer hears before it is complete ({@link Inference#run}): its pieces in order and,
 * when the worker answering stopped part-way and another took the request over, a restart that voids every piece
 * heard so far. A caller that only keeps the final answer can ignore both.
 */
public sealed interface PartialAnswer {

    /** The next piece of text; pieces are numbered from 0, again after a restart. */
    record Piece(int index, String text) implements PartialAnswer {
    }

    /**
     * The pieces heard so far are void: the worker that sent them stopped answering (it crashed, or stalled past its
     * claim's lease), and attempt {@code attempt} starts the answer over; its pieces follow from index 0.
     *
     * @param discarded how many pieces were heard and are now void (at least one: a restart before any piece was
     *     passed on is nobody's business)
     */
    record Restart(int attempt, int discarded) implements PartialAnswer {
    }
}
