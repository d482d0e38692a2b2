package dev.kvrag.inference.domain;

import dev.kvrag.common.events.ChunkId;
import dev.kvrag.common.events.InferenceRequest;
import dev.kvrag.engine.prompt.ChunkOrder;
import dev.kvrag.engine.prompt.RetrievedChunk;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays a request out as the prompt the model reads: the served prefix, the retrieved chunks with the chunks of one
 * document together and in document order ({@link ChunkOrder#byDocument}: a chunk often continues the one before
 * it), documents in the order of their best-ranked chunk, then the question. Refuses what the model cannot read.
 */
public final class PromptAssembler {

    private final ServedModel model;
    private final int maxPromptTokens;

    public PromptAssembler(ServedModel model, int maxPromptTokens) {
        this.model = model;
        this.maxPromptTokens = maxPromptTokens;
    }

    /** @throws RequestProblem 422 for a token id outside the vocabulary, a repeated chunk, a prompt too long */
    public PromptPlan assemble(InferenceRequest request) {
        List<RetrievedChunk> ranked = new ArrayList<>(request.chunkCount());
        for (int i = 0; i < request.chunkCount(); i++) {
            String chunkId = request.chunkIds().get(i);
            ranked.add(new RetrievedChunk(chunkId, request.documentIds().get(i), ChunkId.parse(chunkId).ordinal(), ""));
        }
        List<RetrievedChunk> ordered;
        try {
            ordered = ChunkOrder.byDocument(ranked);
        } catch (IllegalArgumentException e) {
            throw RequestProblem.unprocessable(e.getMessage());
        }
        List<PromptPlan.Chunk> chunks = new ArrayList<>(ordered.size());
        for (RetrievedChunk c : ordered) {
            int[] ids = request.chunkTokenIds(request.chunkIds().indexOf(c.chunkId()));
            requireInVocabulary(ids, "chunk " + c.chunkId());
            chunks.add(new PromptPlan.Chunk(c.chunkId(), c.documentId(), ids));
        }
        PromptPlan plan = new PromptPlan(model.prefixIds(), chunks, model.questionIds(request.question()));
        if (plan.promptTokens() > maxPromptTokens) {
            throw RequestProblem.unprocessable("the prompt has " + plan.promptTokens() + " tokens (prefix "
                    + plan.prefix().length + ", " + chunks.size() + " chunks " + (plan.contextTokens()
                    - plan.prefix().length) + ", question " + plan.question().length + "); this worker takes at most "
                    + maxPromptTokens);
        }
        return plan;
    }

    private void requireInVocabulary(int[] ids, String what) {
        int vocab = model.vocabSize();
        for (int id : ids) {
            if (id >= vocab) {
                throw RequestProblem.unprocessable(what + " has token id " + id + ", outside the vocabulary [0, "
                        + vocab + ") of model '" + model.id() + "'");
            }
        }
    }
}
