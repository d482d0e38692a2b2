package dev.kvrag.engine.generate;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The decode loop: prefill the prompt, then sample, stop-check, detokenize, stream and feed back one
 * token at a time.
 *
 * <p>The model is fed every sampled token except the last, whose logits nobody needs, so after
 * generation the cache holds the prompt and all generated tokens but the final one.
 */
public final class Generator {

  private Generator() {}

  /** The loop itself, over any incremental detokenizer (token id → newly completed text). */
  static GenerationResult generate(TokenModel model, IntFunction<String> detokenize, int[] promptIds,
                                   SamplingParams p, int[] stopTokenIds, Consumer<String> onText) {
    Objects.requireNonNull(onText, "onText (use text -> {} to ignore the stream)");
    if (promptIds.length == 0) {
      throw new IllegalArgumentException("the prompt is empty: at least one token (e.g. BOS) is needed to predict from");
    }
    int[] stops = stopTokenIds.clone();
    Arrays.sort(stops);
    Sampler sampler = new Sampler(p);
    StopStringMatcher stopStrings = new StopStringMatcher(p.stopStrings());
    StringBuilder text = new StringBuilder();
    Consumer<String> emit = piece -> {
      if (!piece.isEmpty()) {
        text.append(piece);
        onText.accept(piece);
      }
    };

    long start = System.nanoTime();
    float[] logits = checked(model, model.feed(promptIds));
    int[] generated = new int[Math.min(p.maxTokens(), 256)];
    int count = 0;
    long firstToken = 0;
    FinishReason reason = FinishReason.MAX_TOKENS;
    while (true) {
      int id = sampler.sample(logits);
      if (count == 0) {
        firstToken = System.nanoTime();
      }
      if (count == generated.length) {
        generated = Arrays.copyOf(generated, Math.min(p.maxTokens(), 2 * count));
      }
      generated[count++] = id;
      if (Arrays.binarySearch(stops, id) >= 0) {
        reason = FinishReason.EOS;
        break;
      }
      emit.accept(stopStrings.push(detokenize.apply(id)));
      if (stopStrings.stopped()) {
        reason = FinishReason.STOP_STRING;
        break;
      }
      if (count == p.maxTokens()) {
        break;
      }
      logits = checked(model, model.feed(new int[] {id}));
    }
    if (reason != FinishReason.STOP_STRING) {
      emit.accept(stopStrings.flush());
    }
    long end = System.nanoTime();
    return new GenerationResult(Arrays.copyOf(generated, count), text.toString(), reason,
        firstToken - start, end - firstToken);
  }

  private static float[] checked(TokenModel model, float[] logits) {
    if (logits.length != model.vocabSize()) {
      throw new IllegalStateException("the model returned " + logits.length + " logits for a vocabulary of "
          + model.vocabSize());
    }
    return logits;
  }
}
