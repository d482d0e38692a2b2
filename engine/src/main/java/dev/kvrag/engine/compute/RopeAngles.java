package dev.kvrag.engine.compute;

/**
 * cos and sin of the rotary angles for a batch of tokens: {@code cos[t * half + i]} is
 * {@code cos(position_t * inv_freq_i)} (one fp32 product, as HF's fp32 matmul), with {@code half = head_dim / 2}.
 * Made once per forward pass and shared by every layer and by both q and k.
 *
 * <p>Made from positions and inverse frequencies, the tables are computed on first use of {@link #cos()} or
 * {@link #sin()}: a backend that computes them where it needs them (the GPU: one kernel instead of 2 x tokens x half
 * host cosines, 10 ms at 8k tokens) reads {@link #positions()} and {@link #inverseFrequencies()} instead. Immutable
 * by contract: backends may keep what they derived from an instance by identity.
 */
public final class RopeAngles {

  private final int tokens;
  private final int half;
  private final int[] positions;
  private final float[] inverseFrequencies;
  private float[] cos;
  private float[] sin;

  /** Given tables. */
  public RopeAngles(int tokens, int half, float[] cos, float[] sin) {
    if (cos.length < tokens * half || sin.length < tokens * half) {
      throw new IllegalArgumentException("rope table too small for " + tokens + " tokens");
    }
    this.tokens = tokens;
    this.half = half;
    this.positions = null;
    this.inverseFrequencies = null;
    this.cos = cos;
    this.sin = sin;
  }

  private RopeAngles(int[] positions, int tokens, float[] inverseFrequencies) {
    if (positions.length < tokens) {
      throw new IllegalArgumentException(positions.length + " positions for " + tokens + " tokens");
    }
    this.tokens = tokens;
    this.half = inverseFrequencies.length;
    this.positions = positions.clone();
    this.inverseFrequencies = inverseFrequencies.clone();
  }

  /** The angles of the first {@code tokens} of {@code positions}, tables computed when first read. */
  public static RopeAngles of(float[] inverseFrequencies, int[] positions, int tokens) {
    return new RopeAngles(positions, tokens, inverseFrequencies);
  }

  public int tokens() {
    return tokens;
  }

  public int half() {
    return half;
  }

  /** The token positions these angles were made from, or null when made from tables. Do not modify. */
  public int[] positions() {
    return positions;
  }

  /** The inverse frequencies these angles were made from, or null when made from tables. Do not modify. */
  public float[] inverseFrequencies() {
    return inverseFrequencies;
  }

  public float[] cos() {
    tables();
    return cos;
  }

  public float[] sin() {
    tables();
    return sin;
  }

  private synchronized void tables() {
    if (cos != null) {
      return;
    }
    float[] c = new float[tokens * half];
    float[] s = new float[tokens * half];
    for (int t = 0; t < tokens; t++) {
      float p = positions[t];
      for (int i = 0; i < half; i++) {
        float angle = p * inverseFrequencies[i];
        c[t * half + i] = (float) Math.cos(angle);
        s[t * half + i] = (float) Math.sin(angle);
      }
    }
    sin = s;
    cos = c;
  }
}
