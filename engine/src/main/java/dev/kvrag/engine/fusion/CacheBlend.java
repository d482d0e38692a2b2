package dev.kvrag.engine.fusion;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.Backend;
import dev.kvrag.engine.compute.RopeAngles;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.kv.LayerKv;
import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.Qkv;
import dev.kvrag.engine.model.Transformer;
import java.util.Arrays;

/**
 * CACHEBLEND (Yao et al., EuroSys 2025, as the authors' vLLM fork and LMCache's blender compute it; DESIGN §4):
 * start from NAIVE's cache (stored chunk KV re-positioned), then
 *
 * <ol>
 *   <li>layers {@code 0..c-1}: every token computed fresh (their KV overwrites the stored KV);
 *   <li>check layer {@code c}: fresh Q/K/V for every token; each context token {@code t} (prefix and chunks) is
 *       scored by its value deviation {@code d_t = Σ_{kv head, dim} (V_fresh[t] − V_cached[t])²}; the top
 *       {@code ⌊r · Nc⌋} (ties to the lower slot), sorted by slot, plus every question token are picked; layer
 *       {@code c}'s KV is fresh for all tokens, but only the picked tokens' queries attend and continue;
 *   <li>layers {@code c+1..L-1}: only the picked tokens are computed; their fresh K/V overwrite the cached
 *       entries, the others keep the re-positioned stored KV.
 * </ol>
 *
 * Attention is causal by slot over the whole fused cache. r = 1 is FULL exactly; r = 0 keeps every stored chunk
 * KV of the layers after {@code c} bit for bit (layers up to {@code c} are fresh for every token, so it is not
 * NAIVE). Work relative to FULL ≈ {@code (c + 1)/L + r · (L − c − 1)/L}.
 */
public record CacheBlend(double ratio, int checkLayer) implements FusionStrategy {

  public static final double DEFAULT_RATIO = 0.15;
  public static final int DEFAULT_CHECK_LAYER = 1;

  public CacheBlend {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException("cacheblend ratio " + ratio + " is outside [0, 1]");
    }
    if (checkLayer < 0) {
      throw new IllegalArgumentException("cacheblend check_layer " + checkLayer + " is negative");
    }
  }

  @Override
  public String describe() {
    return "cacheblend:ratio=" + ratio + ",check_layer=" + checkLayer;
  }

  @Override
  public boolean needsChunks() {
    return true;
  }

  @Override
  public void check(ModelConfig config, int chunkCount) {
    FusionModes.requireChunks("cacheblend", chunkCount);
    if (checkLayer >= config.layers()) {
      throw new IllegalArgumentException("cacheblend check_layer " + checkLayer + " is outside [0, " + config.layers()
          + ") for this model");
    }
  }

  @Override
  public FusedPrompt fuse(Transformer model, FusionInput in) {
    check(model.config(), in.chunks().size());
    FusedLayout layout = in.layout();
    int n = layout.promptEnd();
    int context = layout.contextEnd();
    int layers = model.config().layers();
    // layers below the check layer are computed fresh for every token: their stored chunk KV is never read
    KvCache cache = Naive.sequentialContext(model, in, layout, checkLayer);
    FusedAttention attention = new SequentialAttention(model);
    WindowQueries window = WindowQueries.of(model, in);

    Backend backend = model.backend();
    int[] all = FusedLayout.range(0, n);
    Activations hidden = model.embed(FusedLayout.promptIds(in));
    RopeAngles angles = model.ropeAngles(all);
    TokenPass.layers(model, attention, cache, hidden, n, angles, all, 0, checkLayer, window);

    LayerKv check = cache.layer(checkLayer);
    int k = (int) Math.floor(ratio * context);
    int[] chosen;
    int[] picked;
    Activations q;
    int width = model.config().heads() * model.config().headDim();
    try (Transformer.Buffers buffers = model.buffers(n)) {
      Qkv fresh = model.attentionInputs(checkLayer, hidden, n, angles, buffers);
      chosen = TopK.ascending(backend.valueDeviations(fresh.v(), check, context), k);
      picked = Arrays.copyOf(chosen, k + layout.questionLength());
      for (int t = 0; t < layout.questionLength(); t++) {
        picked[k + t] = context + t;
      }
      model.writeKv(check, all, fresh);
      q = backend.gatherRows(fresh.q(), width, picked);
    }
    int m = picked.length;
    Activations h = backend.gatherRows(hidden, model.config().hiddenSize(), picked);
    hidden.close();
    if (window != null) {
      window.record(backend, checkLayer, q, m, picked);
    }
    Activations out = backend.allocate(m * width);
    attention.attend(checkLayer, q, m, picked, check, out);
    model.finishLayer(checkLayer, h, m, out);
    q.close();
    out.close();
    TokenPass.layers(model, attention, cache, h, m, model.ropeAngles(picked), picked, checkLayer + 1, layers, window);
    model.finalNorm(h, m);

    double work = context == 0 ? 0
        : ((double) (checkLayer + 1) * context + (double) (layers - checkLayer - 1) * k) / ((double) layers * context);
    Recompute recompute = new Recompute(context, chosen, work);
    return FusedPrompt.of(new FusedSession(model, cache, attention, n, n), layout, h, m, recompute, window);
  }
}
