package dev.kvrag.engine.compress;

import dev.kvrag.engine.fusion.ChunkKvSource;
import dev.kvrag.engine.fusion.FusedPrompt;
import dev.kvrag.engine.fusion.FusedSession;
import dev.kvrag.engine.fusion.FusionInput;
import dev.kvrag.engine.fusion.FusionModes;
import dev.kvrag.engine.fusion.FusionStrategy;
import dev.kvrag.engine.generate.Sampler;
import dev.kvrag.engine.model.Transformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What happens to a prompt before decoding: a fusion mode, optionally followed by SnapKV — the one path that
 * {@code ./kvrag fuse}, benchmarks and the inference workers take. Specs read {@code mode[:params][+snapkv:params]},
 * e.g. {@code cacheblend:ratio=0.15+snapkv:capacity=512,window=16}.
 *
 * @param snapkv null for none
 */
public record FusionPlan(FusionStrategy mode, SnapKv snapkv) {

  /**
   * The prompt fused (its question logits, what was recomputed), the session to decode from, and the wall time
   * SnapKV took to score and compact the cache (0 without SnapKV).
   */
  public record Fused(FusedPrompt prompt, FusedSession session, long compressionNanos) {

    /**
     * The greedy continuation from the prompt's last logits: argmax token by token, fed back through the session,
     * until one of {@code eos} (not included) or {@code maxTokens} tokens.
     */
    public int[] greedy(float[] lastLogits, int[] eos, int maxTokens) {
      float[] logits = lastLogits;
      int[] ids = new int[maxTokens];
      int n = 0;
      for (int step = 0; step < maxTokens; step++) {
        int next = Sampler.argmax(logits);
        for (int e : eos) {
          if (e == next) {
            return Arrays.copyOf(ids, n);
          }
        }
        ids[n++] = next;
        if (step + 1 < maxTokens) {
          logits = session.feed(new int[] {next});
        }
      }
      return Arrays.copyOf(ids, n);
    }
  }

  public static FusionPlan parse(String spec) {
    int plus = spec.indexOf('+');
    FusionStrategy mode = FusionModes.parse(plus < 0 ? spec : spec.substring(0, plus));
    return new FusionPlan(mode, plus < 0 ? null : SnapKv.parse(spec.substring(plus + 1)));
  }

  /**
   * A comma-separated list of specs, where a piece with {@code =} but no {@code :} continues the previous spec's
   * parameters: {@code full,cacheblend:ratio=0.15,check_layer=1,ape:t=0.5,s=0.9,naive+snapkv:capacity=256}.
   */
  public static List<FusionPlan> parseList(String list) {
    List<String> specs = new ArrayList<>();
    for (String piece : list.split(",")) {
      String p = piece.strip();
      if (p.isEmpty()) {
        continue;
      }
      if (continuesParameters(p) && !specs.isEmpty()) {
        specs.set(specs.size() - 1, specs.getLast() + "," + p);
      } else {
        specs.add(p);
      }
    }
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("no fusion modes in '" + list + "'");
    }
    return specs.stream().map(FusionPlan::parse).toList();
  }

  /**
   * Whether a comma-separated piece is the next {@code key=value} of the spec before it rather than a spec of its
   * own: it starts with a parameter, which may lead into that spec's SnapKV part ({@code s=0.9+snapkv:capacity=64}).
   */
  private static boolean continuesParameters(String piece) {
    int eq = piece.indexOf('=');
    int colon = piece.indexOf(':');
    int plus = piece.indexOf('+');
    return eq >= 0 && (colon < 0 || eq < colon) && (plus < 0 || eq < plus);
  }

  public String describe() {
    return mode.describe() + (snapkv == null ? "" : "+" + snapkv);
  }

  /** Fuses the prompt and applies SnapKV, if any. */
  public Fused run(Transformer model, int[] prefix, List<int[]> chunks, int[] question, ChunkKvSource kv) {
    SnapKv compression = snapkv == null ? null : snapkv.windowWithin(question.length);
    FusedPrompt prompt = mode.fuse(model, new FusionInput(prefix, chunks, question, kv,
        compression == null ? 0 : compression.window()));
    if (compression == null) {
      return new Fused(prompt, prompt.session(), 0);
    }
    long start = System.nanoTime();
    FusedSession session = compression.compress(prompt);
    return new Fused(prompt, session, System.nanoTime() - start);
  }
}
