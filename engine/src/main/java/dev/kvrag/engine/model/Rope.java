package dev.kvrag.engine.model;

import dev.kvrag.engine.compute.RopeAngles;

/**
 * Rotary position embedding settings and their inverse frequencies, computed step by step in float32 the
 * way HF's {@code modeling_rope_utils} does ({@code _compute_default_rope_parameters},
 * {@code _compute_llama3_parameters}), so that angles agree with HF to the last bit where the libm does.
 *
 * <p>Default: {@code inv_freq[i] = 1 / theta^(float(2i) / d)}. Llama-3 scaling keeps high frequencies
 * (wavelength below {@code orig / high_freq_factor}), divides low ones (wavelength above
 * {@code orig / low_freq_factor}) by {@code factor}, and blends in between with
 * {@code s = (orig / wavelen - low) / (high - low)}: {@code (1 - s) · f / factor + s · f}.
 */
public record Rope(Type type, double theta, double factor, double lowFreqFactor, double highFreqFactor,
                   int originalMaxPositions) {

  public enum Type { DEFAULT, LLAMA3 }

  public static Rope plain(double theta) {
    return new Rope(Type.DEFAULT, theta, 1, 1, 1, 0);
  }

  public static Rope llama3(double theta, double factor, double lowFreqFactor, double highFreqFactor,
                            int originalMaxPositions) {
    return new Rope(Type.LLAMA3, theta, factor, lowFreqFactor, highFreqFactor, originalMaxPositions);
  }

  /** {@code inv_freq} for rotary dimension {@code dim} (the head dim): {@code dim / 2} values. */
  public float[] inverseFrequencies(int dim) {
    int half = dim / 2;
    float[] inv = new float[half];
    float base = (float) theta;
    for (int i = 0; i < half; i++) {
      float exponent = (float) (2 * i) / (float) dim;
      float pow = (float) Math.pow(base, exponent);
      inv[i] = 1.0f / pow;
    }
    if (type == Type.LLAMA3) {
      float lowWavelen = (float) (originalMaxPositions / lowFreqFactor);
      float highWavelen = (float) (originalMaxPositions / highFreqFactor);
      float twoPi = (float) (2 * Math.PI);
      float f = (float) factor;
      float low = (float) lowFreqFactor;
      float span = (float) (highFreqFactor - lowFreqFactor);
      float orig = (float) originalMaxPositions;
      for (int i = 0; i < half; i++) {
        // torch evaluates `scalar / tensor` as reciprocal(tensor) * scalar
        float wavelen = (1.0f / inv[i]) * twoPi;
        float scaled = wavelen > lowWavelen ? inv[i] / f : inv[i];
        boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
        if (medium) {
          float smooth = ((1.0f / wavelen) * orig - low) / span;
          scaled = (1 - smooth) * scaled / f + smooth * scaled;
        }
        inv[i] = scaled;
      }
    }
    return inv;
  }

  /** cos/sin of {@code position · inv_freq} (one fp32 product, as HF's fp32 matmul) for each token. */
  public static RopeAngles angles(float[] inverseFrequencies, int[] positions, int n) {
    return RopeAngles.of(inverseFrequencies, positions, n);
  }
}
