package dev.kvrag.engine.compute;

import dev.kvrag.engine.kv.HostLayerKv;
import dev.kvrag.engine.kv.LayerKv;
import java.util.function.IntConsumer;

/**
 * The numeric operations a transformer forward pass needs, over fp32 {@link Activations} laid out row-major
 * ({@code [tokens][features]}), and the storage its KV cache lives in. Weights are read in place in their stored
 * dtype. This is the seam between the model code (which reads like the paper) and the hardware: {@code cpu/}
 * implements it with the Vector API and a shared thread pool over Java arrays; {@code cuda/} keeps activations and
 * the KV cache in device memory, so that a forward pass moves only token ids in and logits out.
 *
 * <p>Implementations parallelise internally and are safe to share between threads (operations may be
 * serialised).
 */
public interface Backend extends AutoCloseable {

  /** Short description for logs and benchmark tables, e.g. {@code cpu(threads=2, lanes=16)}. */
  String describe();

  /** A zero-filled buffer of {@code length} floats. */
  Activations allocate(int length);

  /**
   * {@code data} as activations of this backend. The array is handed over: the CPU backend wraps it without a
   * copy, so the caller must not change it afterwards.
   */
  Activations upload(float[] data);

  /** Overwrites the first {@code src.length} floats of {@code dst} with {@code src}. */
  void upload(float[] src, Activations dst);

  /** A copy of floats {@code [from, from + count)} of {@code a} in host memory. */
  float[] download(Activations a, int from, int count);

  /** A copy of all of {@code a} in host memory. */
  default float[] download(Activations a) {
    return download(a, 0, a.length());
  }

  /** {@code out[r][*] = x[rows[r]][*]}: the rows {@code rows} of {@code x[*][width]}, in that order. */
  Activations gatherRows(Activations x, int width, int[] rows);

  /**
   * An empty KV layer of this backend's cache storage (the working cache of a sequence: device memory on a GPU).
   * {@link #attention} and {@link #writeKv} take layers made here.
   */
  default LayerKv newLayerKv(int kvHeads, int headDim, int initialCapacity) {
    return new HostLayerKv(kvHeads, headDim, initialCapacity);
  }

  /**
   * An empty KV layer for KV that waits in host memory between uses (stored chunks about to be fused): plain
   * arrays on the CPU, page-locked memory on a GPU so that it reaches the device by DMA.
   */
  default LayerKv newStoredLayerKv(int kvHeads, int headDim, int initialCapacity) {
    return new HostLayerKv(kvHeads, headDim, initialCapacity);
  }

  /**
   * Stores the K/V of {@code n} tokens, {@code k[t][kvHeads][headDim]} and likewise {@code v}, at slots
   * {@code slots[t]} of {@code kv} (see {@link LayerKv#write(int[], float[], float[], int)}).
   */
  void writeKv(LayerKv kv, int[] slots, Activations k, Activations v, int n);

  /**
   * CacheBlend's value deviation of the first {@code count} tokens: {@code d_t = Σ_{g, d} (v[t][g][d] −
   * V_kv[g][t][d])²} with {@code v[t][kvHeads][headDim]} fresh values and {@code kv} the cached layer.
   */
  double[] valueDeviations(Activations v, LayerKv kv, int count);

  /** {@code out[t][*] = table[ids[t]][*]} widened to fp32. */
  void embed(Weight table, int[] ids, Activations out);

  /**
   * {@code out[t][r] = Σ_c x[t][c] · W[r][c] + bias[r]} for {@code t < n}: PyTorch's {@code x @ W.T + b}.
   * {@code bias} may be null.
   */
  void matmul(Activations x, int n, Weight w, float[] bias, Activations out);

  /**
   * Several projections of the same input (q/k/v, gate/up) at once, so the backend can prepare the
   * input once and run them in one parallel region. Entries of {@code biases} may be null.
   */
  default void matmul(Activations x, int n, Weight[] ws, float[][] biases, Activations[] outs) {
    for (int i = 0; i < ws.length; i++) {
      matmul(x, n, ws[i], biases[i], outs[i]);
    }
  }

  /**
   * {@code acc[t][r] += Σ_c x[t][c] · W[r][c] + bias[r]} for {@code t < n}: a projection straight into the residual
   * stream. {@code room} ({@code [n][W.rows]} or larger) may hold the product on the way; the default does exactly
   * that ({@link #matmul}, then {@link #add}), a backend may instead accumulate in the product itself.
   */
  default void matmulAdd(Activations x, int n, Weight w, float[] bias, Activations acc, Activations room) {
    matmul(x, n, w, bias, room);
    add(acc, room, n * w.rows());
  }

  /**
   * The MLP's gated input, what its down projection reads: {@code gateOut[t] = silu(x[t] · Gᵀ + bg) * (x[t] · Uᵀ +
   * bu)} for {@code t < n}, into {@code gateOut} ({@code [n][G.rows]}); {@code upOut} (as large) is room. The default
   * is {@link #matmul} of both, then {@link #siluMul}; a backend may keep the products in fewer bits, as HF does.
   */
  default void gatedProduct(Activations x, int n, Weight gate, Weight up, float[] gateBias, float[] upBias,
                            Activations gateOut, Activations upOut) {
    matmul(x, n, new Weight[] {gate, up}, new float[][] {gateBias, upBias}, new Activations[] {gateOut, upOut});
    siluMul(gateOut, upOut, n * gate.rows());
  }

  /**
   * RMSNorm of each of {@code rows} rows of length {@code dim}, in fp32 exactly as HF computes it:
   * {@code x * rsqrt(mean(x²) + eps) * weight}. {@code out} may be {@code x}.
   */
  void rmsNorm(Activations x, int rows, int dim, float[] weight, float eps, Activations out);

  /**
   * Rotary embedding in place on {@code x[n][heads][headDim]}, rotate-half convention (pairs are
   * {@code i} and {@code i + headDim/2}, not interleaved), angles of token {@code t} from {@code angles}.
   */
  void rope(Activations x, int n, int heads, int headDim, RopeAngles angles);

  /** {@code gate[i] = silu(gate[i]) * up[i]} for {@code i < count}. */
  void siluMul(Activations gate, Activations up, int count);

  /** {@code acc[i] += x[i]} for {@code i < count}. */
  void add(Activations acc, Activations x, int count);

  /**
   * Scaled dot-product attention of {@code n} queries {@code q[n][heads][headDim]} against the filled
   * slots of {@code kv}. Query {@code t} sits at slot {@code querySlots[t]} and sees key slots
   * {@code [rule.from(slot), min(rule.to(slot), kv.length()))}; query head {@code h} reads kv head
   * {@code h / (heads / kvHeads)} (GQA). Logits are {@code scale · q·k}, softmax in fp32.
   *
   * @param out {@code [n][heads][headDim]}
   * @param lse when not null, receives {@code log Σ exp(scale · q·k)} per {@code [n][heads]} (natural log),
   *            so partial attentions over disjoint key sets can be merged exactly; an empty key range
   *            gives output 0 and lse -∞.
   */
  void attention(Activations q, int n, int heads, int[] querySlots, LayerKv kv, AttentionRule rule, float scale,
                 Activations out, float[] lse);

  /**
   * Runs {@code task.accept(p)} for every {@code p < parts} on this backend's host threads and returns when all are
   * done: host-side work between forward passes, such as SnapKV's per-layer scores. A task must not call back into
   * the backend. The default runs the parts one after another on the calling thread.
   */
  default void forEachPart(int parts, IntConsumer task) {
    for (int p = 0; p < parts; p++) {
      task.accept(p);
    }
  }

  /** Releases threads and buffers. */
  @Override
  void close();
}
