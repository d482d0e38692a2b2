package dev.kvrag.engine.fusion;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.Backend;
import dev.kvrag.engine.compute.RopeAngles;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.kv.LayerKv;
import dev.kvrag.engine.kv.ValueDeviations;
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
 *
 * <p>Gradual filtering (the paper's §4.3; optional, off by default): with {@code firstRatio} r₁ > r the check layer
 * picks ⌊r₁ · Nc⌋ tokens instead; at layer {@code c + 1} those get fresh Q/K/V, are scored again by their value
 * deviation there, and the top ⌊r · Nc⌋ of them (plus the question) go on, the same rule one layer later. Layer
 * {@code c + 1}'s KV is fresh for all r₁ · Nc, and work adds {@code (r₁ − r)/L}. r₁ = r is the plain mode.
 */
public record CacheBlend(double ratio, int checkLayer, double firstRatio) implements FusionStrategy {

  public static final double DEFAULT_RATIO = 0.15;
  public static final int DEFAULT_CHECK_LAYER = 1;

  public CacheBlend {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException("cacheblend ratio " + ratio + " is outside [0, 1]");
    }
    if (checkLayer < 0) {
      throw new IllegalArgumentException("cacheblend check_layer " + checkLayer + " is negative");
    }
    if (!(firstRatio >= ratio && firstRatio <= 1)) {
      throw new IllegalArgumentException("cacheblend gradual " + firstRatio + " is outside [ratio " + ratio
          + ", 1]: the check layer picks at least the share that goes on");
    }
    if (checkLayer == 0 && firstRatio > 0 && firstRatio < 1) {
      // a layer-0 value is W_v · norm(embedding): no position, no context, so the stored one equals the fresh one
      throw new IllegalArgumentException("cacheblend check_layer 0 cannot rank tokens: a layer-0 value depends on its"
          + " token alone, so every deviation there is 0 up to storage rounding and the picks would be noise; use"
          + " check_layer >= 1 (check_layer 0 suits only ratio 0 or 1, or gradual = 1)");
    }
  }

  /** Without gradual filtering: the check layer picks the {@code ratio} that every later layer computes. */
  public CacheBlend(double ratio, int checkLayer) {
    this(ratio, checkLayer, ratio);
  }

  /** Whether the check layer picks more than goes on (gradual filtering). */
  public boolean gradual() {
    return firstRatio > ratio;
  }

  @Override
  public String describe() {
    return "cacheblend:ratio=" + ratio + ",check_layer=" + checkLayer + (gradual() ? ",gradual=" + firstRatio : "");
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
    if (gradual() && checkLayer + 1 >= config.layers()) {
      throw new IllegalArgumentException("cacheblend gradual needs a layer after check_layer " + checkLayer
          + " to narrow in; this model has " + config.layers());
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

    int k = (int) Math.floor(ratio * context);
    int first = (int) Math.floor(firstRatio * context);
    int[] chosen;
    Step step;
    try (Transformer.Buffers buffers = model.buffers(n)) {
      Qkv fresh = model.attentionInputs(checkLayer, hidden, n, angles, buffers);
      chosen = TopK.ascending(backend.valueDeviations(fresh.v(), cache.layer(checkLayer), context), first);
      step = Step.take(model, cache.layer(checkLayer), all, fresh, hidden,
          followedBy(chosen, context, layout.questionLength()));
    }
    hidden.close();
    step = step.attend(model, attention, checkLayer, cache.layer(checkLayer), window);
    int next = checkLayer + 1;
    if (first > k) {
      LayerKv narrowing = cache.layer(next);
      Step narrowed;
      try (Transformer.Buffers buffers = model.buffers(step.rows())) {
        Qkv fresh = model.attentionInputs(next, step.hidden(), step.rows(), model.ropeAngles(step.slots()), buffers);
        int[] keep = TopK.ascending(ValueDeviations.of(backend.download(fresh.v(), 0, first * narrowing.kvHeads()
            * narrowing.headDim()), narrowing, step.slots(), first), k);
        narrowed = Step.take(model, narrowing, step.slots(), fresh, step.hidden(),
            followedBy(keep, first, layout.questionLength()));
      }
      step.hidden().close();
      step = narrowed.attend(model, attention, next, narrowing, window);
      chosen = Arrays.copyOf(step.slots(), k);  // the kept picks' slots, the question's after them
      next++;
    }
    Activations h = step.hidden();
    int m = step.rows();
    TokenPass.layers(model, attention, cache, h, m, model.ropeAngles(step.slots()), step.slots(), next, layers, window);
    model.finalNorm(h, m);

    double work = context == 0 ? 0
        : ((double) (checkLayer + 1) * context + (double) (layers - checkLayer - 1) * k + (first - k))
          / ((double) layers * context);
    Recompute recompute = new Recompute(context, chosen, work);
    return FusedPrompt.of(new FusedSession(model, cache, attention, n, n), layout, h, m, recompute, window);
  }

  /** {@code picks} followed by {@code count} consecutive rows from {@code from}: the rows whose queries go on. */
  private static int[] followedBy(int[] picks, int from, int count) {
    int[] rows = Arrays.copyOf(picks, picks.length + count);
    for (int t = 0; t < count; t++) {
      rows[picks.length + t] = from + t;
    }
    return rows;
  }

  /**
   * A layer at which only some of the computed tokens go on: their hidden states and queries gathered, and the
   * slots they sit at. {@link #take} writes every computed token's fresh K/V first.
   */
  private record Step(Activations hidden, Activations queries, int[] slots) {

    int rows() {
      return slots.length;
    }

    /** Writes {@code fresh}'s K/V at {@code at}, then keeps rows {@code rows} of {@code fresh}'s queries and {@code h}. */
    static Step take(Transformer model, LayerKv kv, int[] at, Qkv fresh, Activations h, int[] rows) {
      model.writeKv(kv, at, fresh);
      Backend backend = model.backend();
      int width = model.config().heads() * model.config().headDim();
      int[] slots = new int[rows.length];
      for (int i = 0; i < rows.length; i++) {
        slots[i] = at[rows[i]];
      }
      return new Step(backend.gatherRows(h, model.config().hiddenSize(), rows), backend.gatherRows(fresh.q(), width,
          rows), slots);
    }

    /** The kept tokens attend over the layer's cache and finish the layer; returns them without their queries. */
    Step attend(Transformer model, FusedAttention attention, int layer, LayerKv kv, WindowQueries window) {
      Backend backend = model.backend();
      if (window != null) {
        window.record(backend, layer, queries, rows(), slots);
      }
      Activations out = backend.allocate(rows() * model.config().heads() * model.config().headDim());
      attention.attend(layer, queries, rows(), slots, kv, out);
      model.finishLayer(layer, hidden, rows(), out);
      queries.close();
      out.close();
      return new Step(hidden, null, slots);
    }
  }
}
