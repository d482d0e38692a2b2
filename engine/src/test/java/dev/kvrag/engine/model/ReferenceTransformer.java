package dev.kvrag.engine.model;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A deliberately naive float64 forward pass straight from the HF modeling code, sharing nothing with the
 * engine but the tensor file reader: every weight element is read with a scalar load, inverse frequencies are
 * computed in double, attention is an explicit masked softmax over the whole sequence. Tests compare the
 * engine against it on small random checkpoints.
 */
final class ReferenceTransformer {

  private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final ModelConfig c;
  private final Checkpoint ckpt;

  ReferenceTransformer(Path dir) {
    this.c = ModelConfig.read(dir);
    this.ckpt = Checkpoint.open(dir);
  }

  void close() {
    ckpt.close();
  }

  private double[] read(String name) {
    Tensor t = ckpt.tensor(name);
    double[] out = new double[(int) t.elements()];
    for (int i = 0; i < out.length; i++) {
      out[i] = switch (t.dtypeName()) {
        case "BF16" -> Float.intBitsToFloat(t.data().get(SHORT, 2L * i) << 16);
        case "F16" -> Float.float16ToFloat(t.data().get(SHORT, 2L * i));
        case "F32" -> t.data().get(FLOAT, 4L * i);
        default -> throw new IllegalStateException(t.dtypeName());
      };
    }
    return out;
  }

  private double[] readOrNull(String name, boolean present) {
    return present ? read(name) : null;
  }

  /** y[t][r] = Σ x[t][k] W[r][k] + b[r]. */
  private static double[][] linear(double[][] x, double[] w, double[] b, int rows) {
    int cols = x[0].length;
    double[][] y = new double[x.length][rows];
    for (int t = 0; t < x.length; t++) {
      for (int r = 0; r < rows; r++) {
        double s = b == null ? 0 : b[r];
        for (int k = 0; k < cols; k++) {
          s += x[t][k] * w[r * cols + k];
        }
        y[t][r] = s;
      }
    }
    return y;
  }

  private double[] rms(double[] x, int from, int len, double[] w) {
    double ss = 0;
    for (int i = 0; i < len; i++) {
      ss += x[from + i] * x[from + i];
    }
    double inv = 1 / Math.sqrt(ss / len + c.rmsNormEps());
    double[] out = new double[len];
    for (int i = 0; i < len; i++) {
      out[i] = x[from + i] * inv * w[i];
    }
    return out;
  }

  private double[] invFreq() {
    int d = c.headDim();
    double[] inv = new double[d / 2];
    Rope r = c.rope();
    for (int i = 0; i < d / 2; i++) {
      double f = 1 / Math.pow(r.theta(), 2.0 * i / d);
      if (r.type() == Rope.Type.LLAMA3) {
        double wavelen = 2 * Math.PI / f;
        double lowWavelen = r.originalMaxPositions() / r.lowFreqFactor();
        double highWavelen = r.originalMaxPositions() / r.highFreqFactor();
        if (wavelen > lowWavelen) {
          f = f / r.factor();
        } else if (wavelen >= highWavelen) {
          double s = (r.originalMaxPositions() / wavelen - r.lowFreqFactor())
              / (r.highFreqFactor() - r.lowFreqFactor());
          f = (1 - s) * f / r.factor() + s * f;
        }
      }
      inv[i] = f;
    }
    return inv;
  }

  private void rope(double[] v, int off, int pos, double[] inv) {
    int half = inv.length;
    for (int i = 0; i < half; i++) {
      double a = pos * inv[i];
      double x1 = v[off + i];
      double x2 = v[off + half + i];
      v[off + i] = x1 * Math.cos(a) - x2 * Math.sin(a);
      v[off + half + i] = x2 * Math.cos(a) + x1 * Math.sin(a);
    }
  }

  /**
   * Logits [n][vocab] of one sequence: token t at RoPE position {@code positions[t]}, attending causally by
   * index (token t sees tokens 0..t), within each layer's sliding window.
   */
  double[][] logits(int[] ids, int[] positions) {
    int n = ids.length;
    int dim = c.hiddenSize();
    int hd = c.headDim();
    int heads = c.heads();
    int kvHeads = c.kvHeads();
    double[] emb = read("model.embed_tokens.weight");
    double[][] h = new double[n][dim];
    for (int t = 0; t < n; t++) {
      System.arraycopy(emb, ids[t] * dim, h[t], 0, dim);
    }
    double[] inv = invFreq();
    for (int l = 0; l < c.layers(); l++) {
      String p = "model.layers." + l + ".";
      double[][] x = new double[n][];
      for (int t = 0; t < n; t++) {
        x[t] = rms(h[t], 0, dim, read(p + "input_layernorm.weight"));
      }
      double[][] q = linear(x, read(p + "self_attn.q_proj.weight"), readOrNull(p + "self_attn.q_proj.bias",
          c.qkvBias()), heads * hd);
      double[][] k = linear(x, read(p + "self_attn.k_proj.weight"), readOrNull(p + "self_attn.k_proj.bias",
          c.qkvBias()), kvHeads * hd);
      double[][] v = linear(x, read(p + "self_attn.v_proj.weight"), readOrNull(p + "self_attn.v_proj.bias",
          c.qkvBias()), kvHeads * hd);
      for (int t = 0; t < n; t++) {
        if (c.qkNorm()) {
          double[] qn = read(p + "self_attn.q_norm.weight");
          double[] kn = read(p + "self_attn.k_norm.weight");
          for (int hh = 0; hh < heads; hh++) {
            System.arraycopy(rms(q[t], hh * hd, hd, qn), 0, q[t], hh * hd, hd);
          }
          for (int hh = 0; hh < kvHeads; hh++) {
            System.arraycopy(rms(k[t], hh * hd, hd, kn), 0, k[t], hh * hd, hd);
          }
        }
        for (int hh = 0; hh < heads; hh++) {
          rope(q[t], hh * hd, positions[t], inv);
        }
        for (int hh = 0; hh < kvHeads; hh++) {
          rope(k[t], hh * hd, positions[t], inv);
        }
      }
      int window = c.slidingWindows()[l];
      double[][] att = new double[n][heads * hd];
      for (int t = 0; t < n; t++) {
        for (int hh = 0; hh < heads; hh++) {
          int g = hh / (heads / kvHeads);
          double[] s = new double[t + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j <= t; j++) {
            if (window > 0 && j <= t - window) {
              s[j] = Double.NEGATIVE_INFINITY;
              continue;
            }
            double d = 0;
            for (int i = 0; i < hd; i++) {
              d += q[t][hh * hd + i] * k[j][g * hd + i];
            }
            s[j] = d / Math.sqrt(hd);
            max = Math.max(max, s[j]);
          }
          double sum = 0;
          for (int j = 0; j <= t; j++) {
            s[j] = Math.exp(s[j] - max);
            sum += s[j];
          }
          for (int j = 0; j <= t; j++) {
            for (int i = 0; i < hd; i++) {
              att[t][hh * hd + i] += s[j] / sum * v[j][g * hd + i];
            }
          }
        }
      }
      double[][] o = linear(att, read(p + "self_attn.o_proj.weight"), readOrNull(p + "self_attn.o_proj.bias",
          c.outputBias()), dim);
      for (int t = 0; t < n; t++) {
        for (int i = 0; i < dim; i++) {
          h[t][i] += o[t][i];
        }
        x[t] = rms(h[t], 0, dim, read(p + "post_attention_layernorm.weight"));
      }
      int inter = c.intermediateSize();
      double[][] gate = linear(x, read(p + "mlp.gate_proj.weight"), readOrNull(p + "mlp.gate_proj.bias",
          c.mlpProjectionBias()), inter);
      double[][] up = linear(x, read(p + "mlp.up_proj.weight"), readOrNull(p + "mlp.up_proj.bias",
          c.mlpProjectionBias()), inter);
      for (int t = 0; t < n; t++) {
        for (int i = 0; i < inter; i++) {
          double g = gate[t][i];
          gate[t][i] = g / (1 + Math.exp(-g)) * up[t][i];
        }
      }
      double[][] down = linear(gate, read(p + "mlp.down_proj.weight"), readOrNull(p + "mlp.down_proj.bias",
          c.mlpProjectionBias()), dim);
      for (int t = 0; t < n; t++) {
        for (int i = 0; i < dim; i++) {
          h[t][i] += down[t][i];
        }
      }
    }
    double[][] normed = new double[n][];
    for (int t = 0; t < n; t++) {
      normed[t] = rms(h[t], 0, dim, read("model.norm.weight"));
    }
    double[] head = c.tieWordEmbeddings() ? emb : read("lm_head.weight");
    return linear(normed, head, null, c.vocabSize());
  }
}
