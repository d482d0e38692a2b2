package dev.kvrag.inference.domain;

import dev.kvrag.engine.compress.FusionPlan;
import dev.kvrag.engine.generate.TokenModel;

/**
 * The generation loop's view of a fused prompt: the loop feeds the prompt first, but fusion has already run it, so
 * that first feed returns the question's last logits (computed then, so the loop's time to first token includes
 * them); every later feed is a decode step on the fused session.
 */
final class FusedDecoding implements TokenModel {

    private final FusionPlan.Fused fused;
    private final int[] question;
    private boolean prompted;

    FusedDecoding(FusionPlan.Fused fused, int[] question) {
        this.fused = fused;
        this.question = question;
    }

    @Override
    public int vocabSize() {
        return fused.session().vocabSize();
    }

    @Override
    public float[] feed(int[] tokenIds) {
        if (!prompted) {
            prompted = true;
            if (tokenIds != question) {
                throw new IllegalStateException("the first feed must be the fused prompt's question");
            }
            return fused.prompt().lastLogits();
        }
        return fused.session().feed(tokenIds);
    }
}
