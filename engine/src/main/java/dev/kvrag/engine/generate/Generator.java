package dev.kvrag.engine.generate;

import dev.kvrag.engine.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The decode loop: prefill the prompt, then sample, stop-check, detokenize, stream and feed back one
 * token at a time.
 *
 * <p>The model is fed every sampled token except the last, whose logits nobody needs, so after
 * generation the cache holds the prompt and all generated tokens but the final one.
 */
public final class Generator {

  private Generator() {}

  /** Generates until one of the tokenizer's EOS ids, a stop string, or max tokens. */
  public static GenerationResult generate(TokenModel model, Tokenizer tok, int[] promptIds,
                                          SamplingParams p, Consumer<String> onText) {
    return generate(model, tok, promptIds, p, tok.eosIds(), onText);
  }

  /**
   * Generates until one of {@code stopTokenIds}, a stop string, or max tokens; for chat, pass
   * {@link ChatTemplates#stopTokenIds} so that the template's end-of-turn token stops it too.
   *
   * @param onText receives each newly completed piece of text: never empty, never a broken UTF-8
   *     character, never any part of a stop string that completes. Special tokens are skipped.
   */
  public static GenerationResult generate(TokenModel model, Tokenizer tok, int[] promptIds,
                                          SamplingParams p, int[] stopTokenIds, Consumer<String> onText) {
    return generate(model, Detokenizer.of(tok.streamingDecoder(true)), promptIds, p, stopTokenIds, onText);
  }

  /** The loop itself, over any incremental detokenizer. */
  static GenerationResult generate(TokenModel model, Detokenizer detokenizer, int[] promptIds,
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
      emit.accept(stopStrings.push(detokenizer.push().apply(id)));
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
      // A character cut off by the end decodes as U+FFFD, as HF's decode of all ids would show it.
      emit.accept(stopStrings.push(detokenizer.finish().get()));
      if (!stopStrings.stopped()) {
        emit.accept(stopStrings.flush());
      }
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
