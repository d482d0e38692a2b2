package dev.kvrag.engine.compute;

import dev.kvrag.engine.kv.LayerKv;

/**
 * The numeric operations a transformer forward pass needs, over fp32 activations laid out row-major
 * ({@code [tokens][features]}). Weights are read in place in their stored dtype. This is the seam between
 * the model code (which reads like the paper) and the hardware: {@code cpu/} implements it with the Vector
 * API and a shared thread pool; a CUDA backend implements the same operations on the GPU.
 *
 * <p>Implementations parallelise internally and are safe to share between threads (operations may be
 * serialised).
 */
public interface Backend extends AutoCloseable {

  /** Short description for logs and benchmark tables, e.g. {@code cpu(threads=2, lanes=16)}. */
  String describe();

  /** {@code out[t][*] = table[ids[t]][*]} widened to fp32. */
  void embed(Weight table, int[] ids, float[] out);

  /**
   * {@code out[t][r] = Σ_c x[t][c] · W[r][c] + bias[r]} for {@code t < n}: PyTorch's {@code x @ W.T + b}.
   * {@code bias} may be null.
   */
  void matmul(float[] x, int n, Weight w, float[] bias, float[] out);

  /**
   * Several projections of the same input (q/k/v, gate/up) at once, so the backend can prepare the
   * input once and run them in one parallel region. Entries of {@code biases} may be null.
   */
  default void matmul(float[] x, int n, Weight[] ws, float[][] biases, float[][] outs) {
    for (int i = 0; i < ws.length; i++) {
      matmul(x, n, ws[i], biases[i], outs[i]);
    }
  }

  /**
   * RMSNorm of each of {@code rows} rows of length {@code dim}, in fp32 exactly as HF computes it:
   * {@code x * rsqrt(mean(x²) + eps) * weight}. {@code out} may be {@code x}.
   */
  void rmsNorm(float[] x, int rows, int dim, float[] weight, float eps, float[] out);

  /**
   * Rotary embedding in place on {@code x[n][heads][headDim]}, rotate-half convention (pairs are
   * {@code i} and {@code i + headDim/2}, not interleaved), angles of token {@code t} from {@code angles}.
   */
  void rope(float[] x, int n, int heads, int headDim, RopeAngles angles);

  /** {@code gate[i] = silu(gate[i]) * up[i]} for {@code i < count}. */
  void siluMul(float[] gate, float[] up, int count);

  /** {@code acc[i] += x[i]} for {@code i < count}. */
  void add(float[] acc, float[] x, int count);

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
  void attention(float[] q, int n, int heads, int[] querySlots, LayerKv kv, AttentionRule rule, float scale,
          float[] out, float[] lse);

  /** Releases threads and buffers. */
  @Override
  void close();
}
