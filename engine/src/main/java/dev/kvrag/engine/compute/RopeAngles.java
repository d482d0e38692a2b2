package dev.kvrag.engine.compute;

/**
 * cos and sin of the rotary angles for a batch of tokens: {@code cos[t * half + i]} is
 * {@code cos(position_t * inv_freq_i)}, with {@code half = head_dim / 2}. Computed once per forward pass and
 * shared by every layer and by both q and k.
 */
public record RopeAngles(int tokens, int half, float[] cos, float[] sin) {

  public RopeAngles {
    if (cos.length < tokens * half || sin.length < tokens * half) {
      throw new IllegalArgumentException("rope table too small for " + tokens + " tokens");
    }
  }
}
