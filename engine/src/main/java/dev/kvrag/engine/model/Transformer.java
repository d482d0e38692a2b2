package dev.kvrag.engine.model;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.compute.Backend;
import dev.kvrag.engine.compute.RopeAngles;
import dev.kvrag.engine.compute.Weight;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.kv.LayerKv;
import java.nio.file.Path;

/**
 * A decoder-only transformer (Llama, Mistral, Qwen2, Qwen3) over a {@link Backend}: the forward pass, written
 * as the architecture reads, in steps a fusion strategy can drive on its own.
 *
 * <pre>
 *   h = embed(ids)
 *   for each layer:  x = RMSNorm(h);  q,k,v = x·Wqᵀ(+b), x·Wkᵀ(+b), x·Wvᵀ(+b)
 *                    [Qwen3: RMSNorm over each head of q and k]
 *                    q,k = RoPE(q,k at positions);  cache[slots] = k,v
 *                    h += Attention(q at slots, cache, rule) · Woᵀ
 *                    h += (SiLU(x'·Wgᵀ) ⊙ x'·Wuᵀ) · Wdᵀ   with x' = RMSNorm(h)
 *   logits = RMSNorm(h) · W_lmᵀ
 * </pre>
 *
 * <p>Positions (what RoPE sees) and slots (where K/V go in the cache and what the causal rule compares) are
 * separate inputs: they coincide for plain decoding and differ when chunk caches are reused (APE). Each
 * layer can be run alone on any subset of tokens ({@link #layer}), and split further into
 * {@link #attentionInputs} and {@link #completeLayer}, so CacheBlend can compare fresh and cached values at a
 * check layer and continue with selected tokens only. Attention can report its log-sum-exp for merging
 * partial attentions (APE). The instance is stateless between calls; the KV cache carries the sequence.
 */
public final class Transformer implements AutoCloseable {

  private final ModelConfig config;
  private final ModelWeights weights;
  private final Backend backend;
  private final Checkpoint checkpoint;
  private final float[] inverseFrequencies;
  private final float attentionScale;

  public Transformer(ModelConfig config, ModelWeights weights, Backend backend, Checkpoint checkpoint) {
    this.config = config;
    this.weights = weights;
    this.backend = backend;
    this.checkpoint = checkpoint;
    this.inverseFrequencies = config.rope().inverseFrequencies(config.headDim());
    // HF multiplies the fp32 scores by the Python float head_dim ** -0.5, i.e. by its fp32 rounding.
    this.attentionScale = (float) Math.pow(config.headDim(), -0.5);
  }

  /** Loads {@code dir/config.json} and its safetensors (weights stay mapped until {@link #close()}). */
  public static Transformer load(Path dir, Backend backend) {
    ModelConfig config = ModelConfig.read(dir);
    Checkpoint ckpt = Checkpoint.open(dir);
    try {
      return new Transformer(config, ModelWeights.load(ckpt, config), backend, ckpt);
    } catch (RuntimeException e) {
      ckpt.close();
      throw e;
    }
  }

  public ModelConfig config() {
    return config;
  }

  public ModelWeights weights() {
    return weights;
  }

  public Backend backend() {
    return backend;
  }

  public float attentionScale() {
    return attentionScale;
  }

  public float[] inverseFrequencies() {
    return inverseFrequencies.clone();
  }

  /** An empty cache in the backend's storage (device memory on a GPU). */
  public KvCache newCache(int initialCapacity) {
    return new KvCache(config.layers(), () -> backend.newLayerKv(config.kvHeads(), config.headDim(), initialCapacity));
  }

  /** Stores a layer's fresh K/V (from {@link #attentionInputs}) at {@code slots} of {@code kv}. */
  public void writeKv(LayerKv kv, int[] slots, Qkv qkv) {
    backend.writeKv(kv, slots, qkv.k(), qkv.v(), qkv.n());
  }

  /**
   * Runs {@code ids} through every layer, token {@code t} at RoPE position {@code positions[t]} writing its
   * K/V to {@code slots[t]}, and returns the final-normed hidden states {@code [n][hidden]} (feed them to
   * {@link #logits}).
   */
  public Activations forward(int[] ids, int[] positions, int[] slots, KvCache cache, AttentionRule rule) {
    int n = ids.length;
    if (positions.length != n || slots.length != n) {
      throw new IllegalArgumentException(n + " tokens but " + positions.length + " positions and " + slots.length
          + " slots");
    }
    Activations hidden = embed(ids);
    RopeAngles angles = ropeAngles(positions);
    cache.ensureCapacity(maxSlot(slots) + 1);
    try (Buffers buffers = new Buffers(backend, config, n)) {
      for (int i = 0; i < config.layers(); i++) {
        layer(i, hidden, n, angles, slots, cache.layer(i), rule, null, buffers);
      }
    }
    finalNorm(hidden, n);
    return hidden;
  }

  /** Token embeddings {@code [n][hidden]}; ids outside the vocabulary are rejected with their value. */
  public Activations embed(int[] ids) {
    for (int id : ids) {
      if (id < 0 || id >= config.vocabSize()) {
        throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + config.vocabSize()
            + ")");
      }
    }
    Activations hidden = backend.allocate(Math.multiplyExact(ids.length, config.hiddenSize()));
    backend.embed(weights.embedding(), ids, hidden);
    return hidden;
  }

  public RopeAngles ropeAngles(int[] positions) {
    return Rope.angles(inverseFrequencies, positions, positions.length);
  }

  /**
   * One decoder layer on {@code n} tokens, updating the residual stream {@code hidden[n][hidden]} in place and
   * writing the tokens' K/V at {@code slots} in {@code kv}.
   *
   * @param lse optional {@code [n][heads]} log-sum-exp of the attention (see {@link Backend#attention})
   */
  public void layer(int i, Activations hidden, int n, RopeAngles angles, int[] slots, LayerKv kv, AttentionRule rule,
                    float[] lse) {
    try (Buffers b = new Buffers(backend, config, n)) {
      layer(i, hidden, n, angles, slots, kv, rule, lse, b);
    }
  }

  private void layer(int i, Activations hidden, int n, RopeAngles angles, int[] slots, LayerKv kv, AttentionRule rule,
                     float[] lse, Buffers b) {
    Qkv qkv = attentionInputs(i, hidden, n, angles, b);
    writeKv(kv, slots, qkv);
    completeLayer(i, hidden, n, qkv.q(), slots, kv, rule, lse, b);
  }

  /** The first half of a layer: RMSNorm and the q/k/v projections, q/k norms, RoPE. Leaves the cache alone. */
  public Qkv attentionInputs(int i, Activations hidden, int n, RopeAngles angles) {
    return attentionInputs(i, hidden, n, angles, new Buffers(backend, config, n));
  }

  /** {@link #attentionInputs(int, Activations, int, RopeAngles)} into reused buffers (q/k/v live in {@code b}). */
  public Qkv attentionInputs(int i, Activations hidden, int n, RopeAngles angles, Buffers b) {
    LayerWeights w = weights.layers().get(i);
    int hd = config.headDim();
    Activations x = b.x;
    backend.rmsNorm(hidden, n, config.hiddenSize(), w.inputNorm(), config.rmsNormEps(), x);
    Activations q = b.q;
    Activations k = b.k;
    Activations v = b.v;
    backend.matmul(x, n, new Weight[] {w.q(), w.k(), w.v()}, new float[][] {w.qBias(), w.kBias(), w.vBias()},
        new Activations[] {q, k, v});
    if (config.qkNorm()) {
      backend.rmsNorm(q, n * config.heads(), hd, w.qNorm(), config.rmsNormEps(), q);
      backend.rmsNorm(k, n * config.kvHeads(), hd, w.kNorm(), config.rmsNormEps(), k);
    }
    backend.rope(q, n, config.heads(), hd, angles);
    backend.rope(k, n, config.kvHeads(), hd, angles);
    return new Qkv(n, q, k, v);
  }

  /**
   * The second half of a layer: attention of {@code q} (queries at {@code querySlots}) over {@code kv} under
   * {@code rule} (narrowed to the layer's sliding window, if any), output projection, residual, MLP, residual.
   */
  public void completeLayer(int i, Activations hidden, int n, Activations q, int[] querySlots, LayerKv kv,
                            AttentionRule rule, float[] lse) {
    try (Buffers b = new Buffers(backend, config, n)) {
      completeLayer(i, hidden, n, q, querySlots, kv, rule, lse, b);
    }
  }

  private void completeLayer(int i, Activations hidden, int n, Activations q, int[] querySlots, LayerKv kv,
                             AttentionRule rule, float[] lse, Buffers b) {
    Activations attn = b.attn;
    backend.attention(q, n, config.heads(), querySlots, kv, ruleForLayer(i, rule), attentionScale, attn, lse);
    finishLayer(i, hidden, n, attn, b);
  }

  /**
   * The part of a layer after attention, given its output {@code attn[n][heads][headDim]}: output projection,
   * residual, MLP, residual, on {@code hidden[n][hidden]} in place. For attention that is not one
   * {@link Backend#attention} call (APE's two-part attention, per-head key sets after SnapKV).
   */
  public void finishLayer(int i, Activations hidden, int n, Activations attn) {
    try (Buffers b = new Buffers(backend, config, n)) {
      finishLayer(i, hidden, n, attn, b);
    }
  }

  /** {@link #finishLayer(int, Activations, int, Activations)} with reused buffers. */
  public void finishLayer(int i, Activations hidden, int n, Activations attn, Buffers b) {
    LayerWeights w = weights.layers().get(i);
    int dim = config.hiddenSize();
    Activations x = b.x;
    backend.matmulAdd(attn, n, w.o(), w.oBias(), hidden, x);

    backend.rmsNorm(hidden, n, dim, w.postAttentionNorm(), config.rmsNormEps(), x);
    Activations gate = b.gate;
    Activations up = b.up;
    backend.gatedProduct(x, n, w.gate(), w.up(), w.gateBias(), w.upBias(), gate, up);
    backend.matmulAdd(gate, n, w.down(), w.downBias(), hidden, x);
  }

  /** Applies the final RMSNorm to {@code hidden[n][hidden]} in place. */
  public void finalNorm(Activations hidden, int n) {
    backend.rmsNorm(hidden, n, config.hiddenSize(), weights.finalNorm(), config.rmsNormEps(), hidden);
  }

  /** Logits {@code [count][vocab]} of the final-normed rows {@code [from, from + count)} of {@code normed}. */
  public float[] logits(Activations normed, int from, int count) {
    Activations rows = normed;
    if (from != 0) {
      int[] index = new int[count];
      for (int r = 0; r < count; r++) {
        index[r] = from + r;
      }
      rows = backend.gatherRows(normed, config.hiddenSize(), index);
    }
    Activations out = backend.allocate(Math.multiplyExact(count, config.vocabSize()));
    backend.matmul(rows, count, weights.lmHead(), null, out);
    float[] logits = backend.download(out);
    out.close();
    if (rows != normed) {
      rows.close();
    }
    return logits;
  }

  /** The rule a layer attends under: {@code rule}, narrowed to the layer's sliding window when it has one. */
  public AttentionRule ruleForLayer(int i, AttentionRule rule) {
    int window = config.slidingWindows()[i];
    if (window <= 0) {
      return rule;
    }
    return new AttentionRule() {
      @Override
      public int from(int querySlot) {
        return Math.max(rule.from(querySlot), querySlot - window + 1);
      }

      @Override
      public int to(int querySlot) {
        return rule.to(querySlot);
      }
    };
  }

  /**
   * Activations of one pass over {@code n} tokens, reused by every layer so a forward pass allocates them once
   * (q/k/v of one layer are written to the cache before the next layer overwrites them). Closing gives device
   * memory back at once; q/k/v handed out in a {@link Qkv} must not be used afterwards.
   */
  public static final class Buffers implements AutoCloseable {
    final Activations x;
    final Activations q;
    final Activations k;
    final Activations v;
    final Activations attn;
    final Activations gate;
    final Activations up;

    Buffers(Backend backend, ModelConfig c, int n) {
      x = backend.allocate(Math.multiplyExact(n, c.hiddenSize()));
      q = backend.allocate(Math.multiplyExact(n, c.heads() * c.headDim()));
      k = backend.allocate(Math.multiplyExact(n, c.kvHeads() * c.headDim()));
      v = backend.allocate(Math.multiplyExact(n, c.kvHeads() * c.headDim()));
      attn = backend.allocate(Math.multiplyExact(n, c.heads() * c.headDim()));
      gate = backend.allocate(Math.multiplyExact(n, c.intermediateSize()));
      up = backend.allocate(Math.multiplyExact(n, c.intermediateSize()));
    }

    @Override
    public void close() {
      for (Activations a : new Activations[] {x, q, k, v, attn, gate, up}) {
        a.close();
      }
    }
  }

  private static int maxSlot(int[] slots) {
    int max = -1;
    for (int s : slots) {
      max = Math.max(max, s);
    }
    return max;
  }

  /**
   * Activations for passes over {@code n} tokens, for callers that drive layers one by one (fusion): reuse them
   * across layers as {@link #forward} does, instead of allocating per call.
   */
  public Buffers buffers(int n) {
    return new Buffers(backend, config, n);
  }

  /** Unmaps the checkpoint. The backend belongs to the caller. */
  @Override
  public void close() {
    if (checkpoint != null) {
      checkpoint.close();
    }
  }
}
